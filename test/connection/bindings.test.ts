import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** A test that hangs (a wedged session never settles) fails here instead of stalling the run. */
const bounded = { timeout: 30_000 };

describeEachEngine('bindings no driver can send', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: { ...database.options, pool: { max: 2 } } } });
    db = DB.connection('db');
    await db.statement(`CREATE TABLE items (${autoIncrement(engine.driver)}, name VARCHAR(40))`);
    await db.insert('INSERT INTO items (name) VALUES (?)', ['one']);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  /** Placeholder list for `count` values. */
  const marks = (count: number) => Array.from({ length: count }, () => '?').join(', ');
  const limit = engine.driver === 'sqlite' ? 32766 : engine.driver === 'pgsql' ? 65533 : 65535;
  const tooMany = Array.from({ length: limit + 1 }, (_, i) => i);

  /** What each is called in the message, as the second of two bindings. */
  const unbindable: [label: string, value: unknown, says: RegExp][] = [
    ['undefined', undefined, /bindings\[1\], undefined \(use null for SQL NULL\)/],
    ['a function', () => 1, /bindings\[1\], a function/],
    ['a symbol', Symbol('s'), /bindings\[1\], a symbol/],
    ['an object', { a: 1 }, /bindings\[1\], an object \(pass JSON\.stringify/],
    ['a Map', new Map(), /bindings\[1\], an instance of Map/],
    ['NaN', Number.NaN, /bindings\[1\], NaN \(not a finite number\)/],
    ['Infinity', Number.POSITIVE_INFINITY, /bindings\[1\], Infinity/],
    ['an invalid Date', new Date('not a date'), /bindings\[1\], an invalid Date/],
    // PostgreSQL binds arrays (= ANY(?)); their elements are checked the same way.
    engine.driver === 'pgsql'
      ? ['an array holding undefined', [1, undefined], /bindings\[1\], an array holding undefined/]
      : ['an array', [1, 2], /bindings\[1\], an array \(one value per placeholder\)/],
  ];

  /** Runs `send`, expects a QueryError saying `says`, naming `method`, with sql and bindings, and nothing sent. */
  async function refused(method: string, send: () => Promise<unknown>, says: RegExp, sql: string): Promise<void> {
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    try {
      await assert.rejects(send, (error: unknown) => {
        assert.ok(error instanceof QueryError, `QueryError, got ${String(error)}`);
        assert.equal(error.connection, 'db');
        assert.match(error.message, new RegExp(`^Connection \\[db\\]: ${method}\\(\\) `));
        assert.match(error.message, says);
        assert.match(error.message, /nothing was sent/);
        assert.equal(error.sql, sql);
        assert.ok(error.bindings.length > 0);
        return true;
      });
    } finally {
      stop();
    }
    assert.deepEqual(sent, [], 'nothing reached the server');
  }

  async function twentyQueriesComplete(): Promise<void> {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => db.selectOne<{ n: number }>('SELECT ? AS n', [i])));
    assert.deepEqual(results.map((row) => Number(row?.n)), Array.from({ length: 20 }, (_, i) => i));
  }

  test('raw select/insert/update/delete/statement refuse an unbindable value before any driver sees it', bounded, async () => {
    const sql = 'SELECT name FROM items WHERE id = ? OR name = ?';
    for (const [, value, says] of unbindable) {
      await refused('select', () => db.select(sql, [1, value]), says, sql);
      await refused('select', () => db.selectOne(sql, [1, value]), says, sql);
      await twentyQueriesComplete();
    }
    const [, value, says] = unbindable[0];
    await refused('insert', () => db.insert('INSERT INTO items (id, name) VALUES (?, ?)', [9, value]), says, 'INSERT INTO items (id, name) VALUES (?, ?)');
    await refused('update', () => db.update('UPDATE items SET name = ? WHERE id = ?', ['x', value]), says, 'UPDATE items SET name = ? WHERE id = ?');
    await refused('delete', () => db.delete('DELETE FROM items WHERE id = ? OR id = ?', [1, value]), says, 'DELETE FROM items WHERE id = ? OR id = ?');
    await refused('statement', () => db.statement('UPDATE items SET name = ? WHERE id = ?', ['x', value]), says, 'UPDATE items SET name = ? WHERE id = ?');
    assert.deepEqual(await db.select('SELECT name FROM items'), [{ name: 'one' }], 'nothing was written');
  });

  test('more parameters than one statement takes: a QueryError naming the count and the limit, nothing sent', bounded, async () => {
    const sql = `SELECT name FROM items WHERE id IN (${marks(tooMany.length)})`;
    await refused('select', () => db.select(sql, tooMany), new RegExp(`has ${tooMany.length} bindings, more than the ${limit} one statement takes`), sql);
    await twentyQueriesComplete();
    // At the limit it runs.
    const atLimit = tooMany.slice(0, limit);
    assert.deepEqual(await db.select(`SELECT name FROM items WHERE id IN (${marks(atLimit.length)})`, atLimit), [{ name: 'one' }]);
  });

  test('a bad binding queued behind a running statement of the same transaction fails alone: the transaction and the pool go on', bounded, async () => {
    const slow =
      engine.driver === 'mysql' ? 'SELECT SLEEP(0.2) AS slept, name FROM items' : engine.driver === 'pgsql' ? 'SELECT pg_sleep(0.2) AS slept, name FROM items' : 'SELECT 0 AS slept, name FROM items';
    const bad: [unknown[], string][] = [
      [[undefined], 'SELECT name FROM items WHERE id = ?'],
      [[() => 1], 'SELECT name FROM items WHERE id = ?'],
      [tooMany, `SELECT name FROM items WHERE id IN (${marks(tooMany.length)})`],
    ];
    for (const [bindings, sql] of bad) {
      const outcome = await db.transaction(async () => {
        // On PostgreSQL both go to the transaction's one session, the second queued behind the first.
        const running = db.select(slow);
        const failing = db.select(sql, bindings);
        await assert.rejects(failing, QueryError);
        assert.deepEqual((await running).map((row) => row.name), ['one'], 'the statement ahead of it got its own result');
        await db.insert('INSERT INTO items (name) VALUES (?)', ['two']);
        return 'committed';
      });
      assert.equal(outcome, 'committed');
      assert.equal(await db.delete('DELETE FROM items WHERE name = ?', ['two']), 1, 'the transaction committed');
      await twentyQueriesComplete();
    }
  });

  test('values that bind: null, strings, numbers, bigint, booleans, dates, bytes (and arrays on PostgreSQL)', async () => {
    const row = await db.selectOne('SELECT ? AS s, ? AS n, ? AS z', ['x', 1.5, null]);
    assert.deepEqual({ ...row, n: Number(row?.n) }, { s: 'x', n: 1.5, z: null });
    assert.equal(Number((await db.selectOne('SELECT ? AS b', [12n]))?.b), 12);
    assert.equal((await db.select('SELECT name FROM items WHERE id = ?', [1])).length, 1);
    await db.select('SELECT ? AS t, ? AS d, ? AS bytes', [true, new Date(0), Buffer.from('ab')]);
    if (engine.driver === 'pgsql') {
      assert.deepEqual(await db.select('SELECT name FROM items WHERE id = ANY(?)', [[1, 2]]), [{ name: 'one' }]);
    }
  });
});
