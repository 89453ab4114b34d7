import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, QueryError, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** updateOrInsert (Laravel): update the matching rows, or insert match + values; checked on the rows. */
describeEachEngine('query builder updateOrInsert', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    const { options } = database;
    await DB.configure({
      default: 'db',
      connections: {
        db: options,
        // Split onto the same database: which server a statement went to shows in its event's role.
        split: { ...options, read: [{}], write: {} },
      },
    });
    db = DB.connection('db');
    await db.statement(`CREATE TABLE settings (${autoIncrement(engine.driver)}, tenant INT, name VARCHAR(20), val VARCHAR(20), hits INT DEFAULT 0)`);
  });

  beforeEach(async () => {
    await db.table('settings').delete();
    await db.table('settings').insert([
      { tenant: 1, name: 'theme', val: 'light' },
      { tenant: 2, name: 'theme', val: 'light' },
      { tenant: 1, name: 'lang', val: null },
    ]);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  const rows = async () =>
    (await db.table('settings').orderBy('id').get()).map((r) => [Number(r.tenant), r.name, r.val, Number(r.hits)]);

  async function events(fn: () => Promise<unknown>): Promise<QueryEvent[]> {
    const seen: QueryEvent[] = [];
    const stop = DB.listen((event) => seen.push(event));
    try {
      await fn();
    } finally {
      stop();
    }
    return seen;
  }

  test('a matching row is updated (and only it); true', async () => {
    assert.equal(await db.table('settings').updateOrInsert({ tenant: 1, name: 'theme' }, { val: 'dark' }), true);
    assert.deepEqual(await rows(), [
      [1, 'theme', 'dark', 0],
      [2, 'theme', 'light', 0],
      [1, 'lang', null, 0],
    ]);
  });

  test('no matching row: match and values are inserted together; true', async () => {
    assert.equal(await db.table('settings').updateOrInsert({ tenant: 3, name: 'theme' }, { val: 'blue', hits: 5 }), true);
    assert.deepEqual((await rows())[3], [3, 'theme', 'blue', 5]);
    assert.equal(await db.table('settings').count(), 4);
  });

  test('every matching row is updated; null in match is IS NULL', async () => {
    await db.table('settings').updateOrInsert({ name: 'theme' }, { hits: 7 });
    await db.table('settings').updateOrInsert({ name: 'lang', val: null }, { val: 'en' });
    assert.deepEqual(await rows(), [
      [1, 'theme', 'light', 7],
      [2, 'theme', 'light', 7],
      [1, 'lang', 'en', 0],
    ]);
    // No row has val NULL any more: inserted, with NULL written.
    await db.table('settings').updateOrInsert({ name: 'lang', val: null }, { tenant: 9 });
    assert.deepEqual((await rows())[3], [9, 'lang', null, 0]);
  });

  test("the query's own conditions narrow what counts as a match", async () => {
    await db.table('settings').where('tenant', 2).updateOrInsert({ name: 'lang' }, { val: 'fr', tenant: 2 });
    assert.deepEqual(await rows(), [
      [1, 'theme', 'light', 0],
      [2, 'theme', 'light', 0],
      [1, 'lang', null, 0],
      [2, 'lang', 'fr', 0],
    ]);
  });

  test('no values: an existing row is left alone (no UPDATE sent), a missing one is inserted from match', async () => {
    const sent = await events(() => db.table('settings').updateOrInsert({ tenant: 1, name: 'theme' }));
    assert.equal(sent.length, 1, 'only the existence check');
    await db.table('settings').updateOrInsert({ tenant: 4, name: 'x' }, {});
    assert.deepEqual((await rows())[3], [4, 'x', null, 0]);
  });

  test('values can be a function of whether the row exists', async () => {
    const seen: boolean[] = [];
    const values = (exists: boolean) => {
      seen.push(exists);
      return exists ? { val: 'again' } : { val: 'first' };
    };
    await db.table('settings').updateOrInsert({ tenant: 5, name: 'n' }, values);
    await db.table('settings').updateOrInsert({ tenant: 5, name: 'n' }, values);
    assert.deepEqual(seen, [false, true]);
    assert.deepEqual((await rows())[3], [5, 'n', 'again', 0]);
  });

  test('on a read/write connection the check reads the writer (a lagging replica would miss the row)', async () => {
    const split = DB.connection('split');
    // A plain read in a fresh flow goes to the replica...
    const plain = await events(() => new Promise((resolve, reject) => setImmediate(() => split.table('settings').exists().then(resolve, reject))));
    assert.deepEqual(plain.filter((e) => e.sql.includes('settings')).map((e) => e.role), ['read']);
    // ...the check of updateOrInsert to the writer.
    const checked = await events(
      () => new Promise((resolve, reject) => setImmediate(() => split.table('settings').updateOrInsert({ tenant: 1, name: 'theme' }).then(resolve, reject))),
    );
    assert.deepEqual(checked.filter((e) => e.sql.includes('settings')).map((e) => e.role), ['write']);
  });

  async function refused(call: () => Promise<unknown>, says: RegExp): Promise<void> {
    const sent = await events(() =>
      assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof QueryError, String(error));
        assert.ok(error.message.startsWith('Connection [db]: updateOrInsert() '), error.message);
        assert.match(error.message, says);
        return true;
      }),
    );
    assert.deepEqual(sent, [], 'nothing was sent');
  }

  test('input it cannot turn into SQL is refused, nothing sent', async () => {
    const t = () => db.table('settings');
    await refused(() => t().updateOrInsert({}, { val: 'x' }), /needs at least one column value/);
    await refused(() => t().updateOrInsert({ tenant: [1, 2] }, { val: 'x' }), /cannot bind the value for "tenant": it is an array/);
    await refused(() => t().updateOrInsert({ tenant: undefined }, { val: 'x' }), /undefined/);
    await refused(() => t().updateOrInsert({ tenant: 1 }, { val: undefined }), /cannot bind the value for "val": it is undefined/);
    await refused(() => t().updateOrInsert({ tenant: 1 }, 'x' as unknown as Record<string, unknown>), /values to write as an object/);
    await refused(() => t().updateOrInsert({ 'a..b': 1 }, {}), /cannot use "a..b" as a column name/);
    assert.equal(await db.table('settings').count(), 3);
  });
});
