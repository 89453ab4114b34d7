import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Connection, DB, Model, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

class Gadget extends Model {
  static table = 'gadgets';
  static connection = 'db';
  static casts = { price: 'number' as const, active: 'boolean' as const };
  declare id: number;
  declare name: string;
  declare price: number;
  declare active: boolean;
}

describeEachEngine('Model.find (the cached find-by-key path)', (engine) => {
  let database: ThrowawayDatabase;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    await Connection.getInstance('db').statement(
      `CREATE TABLE gadgets (${autoIncrement(engine.driver)}, name VARCHAR(20), price DECIMAL(8,2), active INT)`,
    );
    await Connection.getInstance('db').table('gadgets').insert([
      { name: 'lamp', price: '12.50', active: 1 },
      { name: 'fan', price: '30.00', active: 0 },
    ]);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('finds by key with casts, null when absent, one statement each time', async () => {
    const sent: QueryEvent[] = [];
    const stop = DB.listen((e) => sent.push(e));
    const lamp = await Gadget.find(1);
    const fan = await Gadget.find(2);
    const none = await Gadget.find(99);
    stop();
    assert.ok(lamp instanceof Gadget);
    assert.deepEqual([lamp.name, lamp.price, lamp.active], ['lamp', 12.5, true]);
    assert.deepEqual([fan?.name, fan?.price, fan?.active], ['fan', 30, false]);
    assert.equal(none, null);
    assert.equal(sent.length, 3);
    assert.deepEqual(sent.map((e) => e.bindings), [[1], [2], [99]]);
  });

  test('a found model saves like any other', async () => {
    const lamp = (await Gadget.find(1)) as Gadget;
    lamp.name = 'desk lamp';
    await lamp.save();
    assert.equal((await Gadget.find(1))?.name, 'desk lamp');
  });

  test('joins the transaction of its connection in this flow', async () => {
    const db = Connection.getInstance('db');
    await db.beginTransaction();
    const id = await db.table('gadgets').insertGetId({ name: 'kettle', price: '9.00', active: 1 });
    assert.equal((await Gadget.find(id))?.name, 'kettle', 'sees the uncommitted row');
    await db.rollback();
    assert.equal(await Gadget.find(id), null);
  });

  test('after DB.configure the new connection is used', async () => {
    await DB.configure({ default: 'db', connections: { db: database.options } });
    assert.equal((await Gadget.find(2))?.name, 'fan');
  });
});
