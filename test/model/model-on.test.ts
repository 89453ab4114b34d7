import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { ConnectionNotConfiguredError, DB, Model, type QueryEvent, ReadOnlyError, type Scopes } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** Orders live on 'main' (read from 'replica'); 'archive' and 'legacy' hold the same table. */
class Order extends Model {
  static table = 'orders';
  static connection = 'main';
  static readConnection = 'replica';
  static scopes = { paid: (q) => q.where('status', 'paid') } satisfies Scopes<Order>;
  declare id: number;
  declare status: string;
  declare total: number;
}

describeEachEngine('Model.on(connection)', (engine) => {
  const names = ['main', 'replica', 'archive', 'legacy'] as const;
  const databases: Record<string, ThrowawayDatabase> = {};
  let events: QueryEvent[] = [];
  let stop: () => void;

  const rows = async (name: string) =>
    (await DB.connection(name).select('SELECT status, total FROM orders ORDER BY id')).map((r) => `${r.status}:${Number(r.total)}`);

  before(async () => {
    for (const name of names) databases[name] = await engine.createDatabase();
    await DB.configure({
      default: 'main',
      connections: {
        main: databases.main.options,
        replica: databases.replica.options,
        archive: databases.archive.options,
        legacy: { ...databases.legacy.options, readOnly: true },
        legacySetup: databases.legacy.options,
      },
    });
    for (const name of ['main', 'replica', 'archive', 'legacySetup']) {
      await DB.connection(name).statement(`CREATE TABLE orders (${autoIncrement(engine.driver)}, status VARCHAR(20), total INT)`);
    }
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    for (const name of ['main', 'replica', 'archive']) {
      const db = DB.connection(name);
      await db.delete('DELETE FROM orders');
      await db.insert('INSERT INTO orders (status, total) VALUES (?, ?)', [`${name}-paid`, 1]);
    }
    await DB.connection('archive').insert('INSERT INTO orders (status, total) VALUES (?, ?)', ['paid', 2]);
    events = [];
  });

  after(async () => {
    stop();
    await DB.disconnect();
    for (const name of names) await databases[name].drop();
  });

  test('reads go to the named connection for that query only (readConnection set aside)', async () => {
    const archived = await Order.on('archive').orderBy('id').get();
    assert.deepEqual(archived.map((o) => o.status), ['archive-paid', 'paid']);
    assert.ok(events.every((e) => e.connection === 'archive'));
    assert.deepEqual((await Order.all()).map((o) => o.status), ['replica-paid'], 'the next query reads as before');
    assert.equal(await Order.on('archive').count(), 2);
    const paidId = (await DB.connection('archive').selectOne('SELECT id FROM orders WHERE total = 2'))!.id;
    assert.equal((await Order.on('archive').find(paidId))?.status, 'paid');
    assert.deepEqual((await Order.on('archive').paid().get()).map((o) => o.total), [2], 'scopes stay methods');
  });

  test('create, and the models it gives, write on that connection: save, increment, refresh, delete', async () => {
    const created = await Order.on('archive').create({ status: 'new', total: 5 });
    assert.deepEqual(await rows('archive'), ['archive-paid:1', 'paid:2', 'new:5']);
    assert.deepEqual(await rows('main'), ['main-paid:1']);

    const read = (await Order.on('archive').where('status', 'paid').first())!;
    read.total = 20;
    await read.save();
    await created.increment('total', 2);
    await DB.connection('archive').update('UPDATE orders SET status = ? WHERE id = ?', ['renamed', created.id]);
    await created.refresh();
    assert.equal(created.status, 'renamed');
    assert.deepEqual(await rows('archive'), ['archive-paid:1', 'paid:20', 'renamed:7']);
    await read.delete();
    assert.deepEqual(await rows('archive'), ['archive-paid:1', 'renamed:7']);
    assert.deepEqual(await rows('main'), ['main-paid:1'], 'the model’s own connection untouched');
  });

  test('query writes and firstOrCreate go to the named connection, in its transaction', async () => {
    assert.equal(await Order.on('archive').where('total', '>', 0).update({ status: 'x' }), 2);
    assert.equal(await Order.on('archive').where('total', 1).delete(), 1);
    const found = await Order.on('archive').firstOrCreate({ status: 'x' });
    assert.equal(found.total, 2);
    await Order.on('archive').firstOrCreate({ status: 'y' }, { total: 9 });
    assert.deepEqual(await rows('archive'), ['x:2', 'y:9']);
    await assert.rejects(
      DB.connection('archive').transaction(async () => {
        await Order.on('archive').create({ status: 'tx', total: 1 });
        assert.equal(await Order.on('archive').where('status', 'tx').count(), 1, 'read in the transaction');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(await rows('archive'), ['x:2', 'y:9']);
    assert.deepEqual(await rows('main'), ['main-paid:1']);
  });

  test('an unknown connection is the registry’s error; a read-only one refuses writes before sending', async () => {
    assert.throws(() => Order.on('nowhere'), ConnectionNotConfiguredError);
    assert.deepEqual(await Order.on('legacy').get(), []);
    events = [];
    await assert.rejects(Order.on('legacy').create({ status: 'no', total: 1 }), (error: unknown) => {
      assert.ok(error instanceof ReadOnlyError);
      assert.match(error.message, /legacy/);
      return true;
    });
    await assert.rejects(Order.on('legacy').update({ status: 'no' }), ReadOnlyError);
    assert.equal(events.length, 0, 'nothing sent');
  });
});
