import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB, Model, QueryError } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/**
 * whereIn/whereNotIn with more values than one statement binds (SQLite 32766,
 * PostgreSQL 65533 through postgres.js, MySQL/MariaDB 65535): one statement still,
 * with the list bound as one parameter, and the same rows as a short list gives.
 */
describeEachEngine('whereIn with more values than one statement binds', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  const ROWS = 400;
  /** 70,000 values: 0, 7, 14, ... of which 7..399 are ids of rows. */
  const ids = Array.from({ length: 70_000 }, (_, i) => i * 7);
  const matching = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => id % 7 === 0);
  const others = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => id % 7 !== 0);

  class Thing extends Model {
    static table = 'things';
    static connection = 'db';
    declare id: number;
    parts() {
      return this.hasMany(Part, 'thing_id', 'id');
    }
  }
  class Part extends Model {
    static table = 'parts';
    static connection = 'db';
    declare thing_id: number;
  }

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: { ...database.options, pool: { max: 2 } } } });
    db = DB.connection('db');
    await db.statement('CREATE TABLE things (id INT PRIMARY KEY, code VARCHAR(20), grp INT)');
    await db.statement('CREATE TABLE parts (id INT PRIMARY KEY, thing_id INT)');
    const rows = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, code: `c${i + 1}`, grp: (i + 1) % 3 }));
    await db.table('things').insert(rows);
    await db.table('parts').insert(rows.map((row) => ({ id: row.id, thing_id: row.id })));
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  const things = () => db.table('things');
  const idsOf = async (query: { pluck<V>(column: string): Promise<V[]> }) => (await query.pluck<number>('id')).map(Number).sort((a, b) => a - b);

  test('ints, strings, mixed and bigints: the same rows as the list would give, in one statement', async () => {
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    try {
      assert.deepEqual(await idsOf(things().whereIn('id', ids)), matching);
      assert.deepEqual(await idsOf(things().whereNotIn('id', ids)), others);
      assert.deepEqual(await idsOf(things().whereIn('code', ids.map((id) => `c${id}`))), matching, 'strings');
      assert.deepEqual(await idsOf(things().whereIn('id', ids.map((id, i) => (i % 2 === 0 ? id : String(id))))), matching, 'ints and numeric strings');
      assert.deepEqual(await idsOf(things().whereIn('id', ids.map((id) => BigInt(id)))), matching, 'bigints');
      assert.equal(await things().whereIn('id', ids).count(), matching.length);
      assert.equal(await things().whereIn('id', ids.map((id) => id + 100_000)).exists(), false);
      // Text compares as a short, bound list compares on this engine (MariaDB: the column's case-insensitive collation).
      const upper = await idsOf(things().whereIn('code', ids.map((id) => `C${id}`)));
      assert.deepEqual(upper, await idsOf(things().whereIn('code', matching.map((id) => `C${id}`))));
      assert.deepEqual(upper, engine.driver === 'mysql' ? matching : []);
    } finally {
      stop();
    }
    assert.equal(sent.length, 9, 'one statement each');
  });

  test('null in a long list matches nothing, and makes NOT IN match nothing, as in SQL', async () => {
    assert.deepEqual(await idsOf(things().whereIn('id', [null, ...ids])), matching);
    assert.deepEqual(await idsOf(things().whereNotIn('id', [...ids, null])), []);
  });

  test('it composes with the other conditions, nested groups and a second long list', async () => {
    const inGroupOne = matching.filter((id) => id % 3 === 1);
    assert.deepEqual(await idsOf(things().where('grp', 1).whereIn('id', ids)), inGroupOne);
    assert.deepEqual(await idsOf(things().where('grp', 1).whereIn('id', ids).orWhere('id', 2)), [2, ...inGroupOne].sort((a, b) => a - b));
    assert.deepEqual(
      await idsOf(things().where((q) => q.whereIn('id', ids).orWhereIn('code', ['c1'])).where('id', '<', 50)),
      [1, ...matching.filter((id) => id < 50)],
    );
    const codes = Array.from({ length: 70_000 }, (_, i) => `c${i * 2}`);
    assert.deepEqual(await idsOf(things().whereIn('id', ids).whereIn('code', codes)), matching.filter((id) => id % 2 === 0), 'two long lists');
  });

  test('the compiled-SQL cache: a long list, then a short one, then another long one on the same column', async () => {
    assert.equal(await things().whereIn('id', ids).count(), matching.length);
    assert.deepEqual(await idsOf(things().whereIn('id', [1, 2, 3])), [1, 2, 3]);
    const evens = Array.from({ length: 70_000 }, (_, i) => i * 2);
    assert.equal(await things().whereIn('id', evens).count(), ROWS / 2);
    assert.equal(await things().whereIn('id', ids).count(), matching.length);
    // PostgreSQL and SQLite bind the list as one value; MySQL/MariaDB writes it as literals.
    const { sql, bindings } = things().whereIn('id', ids).toSQL();
    assert.equal(bindings.length, engine.driver === 'mysql' ? 0 : 1, sql.slice(0, 120));
    if (engine.driver === 'mysql') assert.match(sql, /^select \* from `things` where `id` IN \(0, 7, 14, /);
    assert.deepEqual(things().whereIn('id', [1, 2]).toSQL().bindings, [1, 2], 'a short list binds its values');
  });

  test('update and delete with a long list', async () => {
    await db.transaction(async () => {
      assert.equal(await things().whereIn('id', ids).update({ code: 'x' }), matching.length);
      assert.equal(await things().where('code', 'x').count(), matching.length);
      assert.equal(await things().whereNotIn('id', ids).where('grp', 0).delete(), others.filter((id) => id % 3 === 0).length);
      throw new Error('roll back');
    }).catch((error: Error) => assert.equal(error.message, 'roll back'));
    assert.equal(await things().count(), ROWS);
  });

  test('model queries, eager loading and relation filters still work', async () => {
    const found = await Thing.whereIn('id', ids).with('parts').orderBy('id').get();
    assert.deepEqual(found.map((thing) => thing.id), matching);
    for (const thing of found) assert.deepEqual(((await thing.parts()) as Part[]).map((part) => part.thing_id), [thing.id]);
    assert.equal(await Thing.whereHas('parts', (q) => q.whereIn('thing_id', ids)).count(), matching.length);
  });

  test('text that looks like SQL is only ever a value in a long list', async () => {
    const hostile = ids.map((id) => `c${id}' OR '1'='1`);
    hostile[1] = "c7\\'); DROP TABLE things; --";
    hostile[2] = 'c14';
    assert.deepEqual(await idsOf(things().whereIn('code', hostile)), [14]);
    assert.equal(await things().count(), ROWS);
  });

  test('a long list of values the engine cannot carry that way is a QueryError naming whereIn, nothing sent', async () => {
    // PostgreSQL's array literal carries every bindable value; SQLite's JSON no bytes; MySQL's literals no Date.
    const stamps = Array.from({ length: 70_000 }, (_, i) => new Date(i * 1000));
    if (engine.driver === 'pgsql') {
      assert.equal(await things().whereIn('id', ids).whereNotIn('code', stamps).count(), matching.length);
      return;
    }
    const [values, problem] = engine.driver === 'sqlite' ? [ids.map(() => Buffer.from('a')), 'binary data'] : [stamps, 'a Date'];
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    try {
      await assert.rejects(things().whereNotIn('code', values).get(), (error: unknown) => {
        assert.ok(error instanceof QueryError);
        assert.equal(
          error.message.slice(0, 200),
          `Connection [db]: whereNotIn() has 70000 values for "code", more than one statement binds on this engine, and values[0] is ${problem}, which a list this long cannot carry on ${engine.driver === 'sqlite' ? 'SQLite' : 'MySQL/MariaDB'}.`,
        );
        return true;
      });
    } finally {
      stop();
    }
    assert.deepEqual(sent, []);
  });
});
