import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { type Connection, DB, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/**
 * Multi-row insert: one statement while the rows fit the engine's parameter limit, several
 * in one transaction past it; a column a row leaves out gets its default on every engine.
 */
describeEachEngine('query builder multi-row insert', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  // Rows of 4 values: past SQLite's 32,766 and MySQL/PostgreSQL's 65,535 parameters.
  const MANY = 20_000;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = DB.connection('db');
    await db.statement(
      `CREATE TABLE items (${autoIncrement(engine.driver)}, k INT, label VARCHAR(40), status VARCHAR(10) DEFAULT 'new' NOT NULL, code VARCHAR(20) UNIQUE)`,
    );
  });

  beforeEach(async () => {
    await db.table('items').delete();
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  /** Runs `fn` and returns the INSERT statements it sent (and the others, for BEGIN/COMMIT). */
  async function sent(fn: () => Promise<unknown>): Promise<{ inserts: number; all: string[] }> {
    const all: string[] = [];
    const stop = DB.listen((event) => all.push(event.sql));
    try {
      await fn();
    } finally {
      stop();
    }
    return { inserts: all.filter((s) => /^insert/i.test(s)).length, all };
  }

  const ids = async () => (await db.table('items').orderBy('id').pluck<number | string>('id')).map(Number);
  const rowsOf = (count: number, offset = 0) =>
    Array.from({ length: count }, (_, i) => ({ k: i + offset, label: `item ${i + offset}`, status: 'set', code: `c${i + offset}` }));

  test('rows that fit are one statement; affected rows and insertId as the engine reports them', async () => {
    let result: { affectedRows: number; insertId: unknown } | undefined;
    const { inserts } = await sent(async () => {
      result = await db.table('items').insert(rowsOf(3));
    });
    assert.equal(inserts, 1);
    const keys = await ids();
    assert.equal(keys.length, 3);
    assert.equal(result?.affectedRows, 3);
    // MySQL/MariaDB: the first row's generated key; SQLite: the last row's rowid; PostgreSQL: none.
    const expected = { mariadb: keys[0], sqlite: keys[2], postgres: null }[engine.name];
    assert.equal(result?.insertId === null ? null : Number(result?.insertId), expected);
  });

  test('rows past the parameter limit: several statements in one transaction, every row, summed counts', async () => {
    let result: { affectedRows: number; insertId: unknown } | undefined;
    const { inserts, all } = await sent(async () => {
      result = await db.table('items').insert(rowsOf(MANY));
    });
    // 80,000 values: 3 statements on SQLite (32,766 a statement), 2 on MySQL/PostgreSQL (65,535 / 65,533).
    assert.equal(inserts, engine.name === 'sqlite' ? 3 : 2);
    assert.match(all[0], /^(BEGIN|START TRANSACTION)/i);
    assert.match(all[all.length - 1], /^COMMIT/i);
    assert.equal(result?.affectedRows, MANY);
    assert.equal(await db.table('items').count(), MANY);
    assert.equal(await db.table('items').sum('k'), (MANY * (MANY - 1)) / 2);
    assert.deepEqual(await db.table('items').where('k', 12_345).pluck('label'), ['item 12345']);
    const keys = await ids();
    // Rows keep their order: keys ascend with k, whatever statement carried them.
    const byK = (await db.table('items').orderBy('k').pluck<number | string>('id')).map(Number);
    assert.deepEqual(byK, keys);
    // The same meaning as for one statement: the first generated key, the last rowid.
    const expected = { mariadb: keys[0], sqlite: keys[MANY - 1], postgres: null }[engine.name];
    assert.equal(result?.insertId === null ? null : Number(result?.insertId), expected);
  });

  test('a split insert is all or nothing: a failing last statement leaves no row of the earlier ones', async () => {
    const rows = rowsOf(MANY);
    rows[MANY - 1].code = 'c0'; // duplicates the first row's unique code, in the last statement
    await assert.rejects(db.table('items').insert(rows), QueryError);
    assert.equal(await db.table('items').count(), 0);
  });

  test("inside the caller's transaction, a failed split insert rolls back to where it began (a savepoint)", async () => {
    const rows = rowsOf(MANY, 10);
    rows[MANY - 1].code = 'c10';
    await db.transaction(async () => {
      await db.table('items').insert({ k: 1, code: 'before' });
      await assert.rejects(db.table('items').insert(rows), QueryError);
      await db.table('items').insert({ k: 2, code: 'after' });
    });
    assert.deepEqual(await db.table('items').orderBy('k').pluck('code'), ['before', 'after']);
  });

  test('a column a row leaves out gets its default, as when the row is inserted alone; rows keep their order', async () => {
    const result = await db.table('items').insert([
      { k: 1, status: 'set', code: 'a' },
      { k: 2, code: 'b' },
      { code: 'c', k: 3 },
      { k: 4, label: 'four', code: 'd' },
      { k: 5, status: 'set', code: 'e', label: 'five' },
    ]);
    assert.equal(result.affectedRows, 5);
    const rows = await db.table('items').orderBy('id').get();
    assert.deepEqual(
      rows.map((r) => [Number(r.k), r.status, r.label]),
      [
        [1, 'set', null],
        [2, 'new', null],
        [3, 'new', null],
        [4, 'new', 'four'],
        [5, 'set', 'five'],
      ],
    );
  });

  test('values that bind more than one parameter each (expressions) still fit the limit', async () => {
    // Four parameters a row where the split counts three: statements are halved until they fit.
    const rows = Array.from({ length: MANY }, (_, i) => ({ k: i, label: sql<string>`COALESCE(${null}, ${`x${i}`})`, code: `e${i}` }));
    const { inserts } = await sent(() => db.table('items').insert(rows));
    assert.ok(inserts >= 2, `${inserts} statements`);
    assert.equal(await db.table('items').count(), MANY);
    assert.deepEqual(await db.table('items').where('k', 777).pluck('label'), ['x777']);
  });

  test('one row, or an empty list, as before', async () => {
    assert.deepEqual(await db.table('items').insert([]), { affectedRows: 0, insertId: null });
    const one = await db.table('items').insert({ k: 1 });
    assert.equal(one.affectedRows, 1);
    assert.deepEqual(await db.table('items').pluck('status'), ['new']);
  });

  test('every row is checked before anything is sent', async () => {
    const { all } = await sent(() =>
      assert.rejects(db.table('items').insert([...rowsOf(5), { k: undefined }]), (error: unknown) => {
        assert.ok(error instanceof QueryError);
        assert.match(error.message, /^Connection \[db\]: insert\(\) cannot bind the value for "k": it is undefined/);
        return true;
      }),
    );
    assert.deepEqual(all, []);
    await assert.rejects(db.table('items').insert([{ k: 1 }, {}]), /insert\(\) needs at least one column value/);
    assert.equal(await db.table('items').count(), 0);
  });
});
