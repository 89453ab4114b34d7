import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, MassAssignmentError, Model, type QueryEvent, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { columnTypes } from './column-types.js';

// Writes go to 'primary'; reads to 'replica', a separate database that never gets the rows:
// a lookup that went to the replica would not see them and would insert a second row.
class Tag extends Model {
  static table = 'tags';
  static connection = 'primary';
  static readConnection = 'replica';
  static fillable = ['slug', 'label', 'uses'];
  static timestamps = true;
  declare id: number;
  declare slug: string;
  declare label: string | null;
  declare uses: number;
  declare created_at: Date;
  declare updated_at: Date;
}

describeEachEngine('firstOrNew, firstOrCreate, updateOrCreate', (engine) => {
  let primaryDb: ThrowawayDatabase;
  let replicaDb: ThrowawayDatabase;
  let primary: Connection;
  let events: QueryEvent[] = [];
  let stop: () => void;

  const rows = async () =>
    (await primary.select('SELECT slug, label, uses FROM tags ORDER BY id')).map((r) => ({ ...r, uses: Number(r.uses) }));

  before(async () => {
    primaryDb = await engine.createDatabase();
    replicaDb = await engine.createDatabase();
    await DB.configure({ default: 'primary', connections: { primary: primaryDb.options, replica: replicaDb.options } });
    primary = DB.connection('primary');
    const t = columnTypes(engine.driver);
    for (const name of ['primary', 'replica']) {
      await DB.connection(name).statement(
        `CREATE TABLE tags (${autoIncrement(engine.driver)}, slug VARCHAR(40), label VARCHAR(40), uses INT DEFAULT 0, created_at ${t.datetime} NULL, updated_at ${t.datetime} NULL)`,
      );
    }
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    await primary.delete('DELETE FROM tags');
    events = [];
  });

  after(async () => {
    stop();
    await DB.disconnect();
    await primaryDb.drop();
    await replicaDb.drop();
  });

  test('firstOrCreate inserts with match and values when nothing matches, else returns the row (read on the writer)', async () => {
    const created = await Tag.firstOrCreate({ slug: 'sale' }, { label: 'On sale' });
    assert.ok(created instanceof Tag);
    assert.ok(created.$isPersisted);
    assert.equal(typeof created.id, 'number');
    assert.ok(created.created_at instanceof Date, 'timestamps set on insert');

    const found = await Tag.firstOrCreate({ slug: 'sale' }, { label: 'ignored when found' });
    assert.equal(found.id, created.id);
    assert.equal(found.label, 'On sale');
    assert.deepEqual(await rows(), [{ slug: 'sale', label: 'On sale', uses: 0 }]);
    assert.ok(
      events.filter((e) => /^select/i.test(e.sql)).every((e) => e.connection === 'primary'),
      'the lookups went to the writer',
    );
  });

  test('the query’s own conditions narrow the lookup (not the insert); an empty match takes the first row', async () => {
    await Tag.create({ slug: 'sale', label: 'A', uses: 1 });
    const other = await Tag.where('uses', 5).firstOrCreate({ slug: 'sale' }, { uses: 5 });
    assert.equal(other.uses, 5);
    assert.deepEqual(await rows(), [
      { slug: 'sale', label: 'A', uses: 1 },
      { slug: 'sale', label: null, uses: 5 },
    ]);
    const first = await Tag.query().orderBy('id').firstOrCreate({});
    assert.equal(first.label, 'A');
  });

  test('firstOrNew returns an unsaved model when nothing matches, and sends no write', async () => {
    const fresh = await Tag.firstOrNew({ slug: 'new' }, { label: 'New' });
    assert.equal(fresh.$isPersisted, false);
    assert.equal(fresh.slug, 'new');
    assert.equal(fresh.label, 'New');
    assert.ok(events.every((e) => /^select/i.test(e.sql)));
    assert.deepEqual(await rows(), []);
    await fresh.save();
    const again = await Tag.firstOrNew({ slug: 'new' });
    assert.equal(again.$isPersisted, true);
    assert.equal(again.id, fresh.id);
  });

  test('updateOrCreate updates only what changed on the found row, or inserts match and values', async () => {
    const created = await Tag.updateOrCreate({ slug: 'vip' }, { label: 'VIP', uses: 2 });
    assert.deepEqual(await rows(), [{ slug: 'vip', label: 'VIP', uses: 2 }]);
    events = [];
    const updated = await Tag.updateOrCreate({ slug: 'vip' }, { label: 'Very important', uses: 2 });
    assert.equal(updated.id, created.id);
    assert.equal(updated.label, 'Very important');
    const writes = events.filter((e) => /^update/i.test(e.sql));
    assert.equal(writes.length, 1);
    assert.doesNotMatch(writes[0].sql, /uses/, 'an unchanged value is not sent');
    assert.deepEqual(await rows(), [{ slug: 'vip', label: 'Very important', uses: 2 }]);
    events = [];
    await Tag.updateOrCreate({ slug: 'vip' }, { label: 'Very important' });
    assert.equal(events.filter((e) => !/^select/i.test(e.sql)).length, 0, 'nothing changed: no UPDATE');
  });

  test('inside a transaction the lookup sees the transaction’s own insert; a rollback undoes both', async () => {
    await assert.rejects(
      primary.transaction(async () => {
        const a = await Tag.firstOrCreate({ slug: 'tx' });
        const b = await Tag.firstOrCreate({ slug: 'tx' });
        assert.equal(a.id, b.id);
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(await rows(), []);
  });

  test('mass assignment applies to match and values; bad arguments are QueryErrors naming connection and method', async () => {
    await assert.rejects(Tag.firstOrCreate({ slug: 'x' }, { id: 99 }), MassAssignmentError);
    await assert.rejects(Tag.firstOrCreate({ secret: 1 }), MassAssignmentError);
    await assert.rejects(Tag.updateOrCreate({ slug: 'x' }, { id: 99 }), MassAssignmentError);
    assert.deepEqual(await rows(), [], 'nothing written');
    for (const [call, method] of [
      [() => Tag.firstOrCreate('sale' as never), 'firstOrCreate'],
      [() => Tag.firstOrNew({ slug: 'a' }, [1] as never), 'firstOrNew'],
      [() => Tag.updateOrCreate(null as never, {}), 'updateOrCreate'],
    ] as const) {
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof QueryError);
        assert.match(error.message, new RegExp(`\\[primary\\].*${method}\\(\\)`));
        return true;
      });
    }
  });
});
