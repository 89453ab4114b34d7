import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, ConnectionError, DB, PoolTimeoutError, type QueryEvent, QueryError, ReadOnlyError } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** A result far too large to read whole (10^8 rows): only streaming can yield its first rows. */
const ENDLESS = 'SELECT a.d AS a, b.d AS b FROM ten a, ten b, ten c, ten d, ten e, ten f, ten g, ten h';

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

/** Runs `fn` with every DB.listen event it causes collected. */
async function listened<T>(fn: () => Promise<T>): Promise<{ result: T; events: QueryEvent[] }> {
  const events: QueryEvent[] = [];
  const stop = DB.listen((event) => events.push(event));
  try {
    return { result: await fn(), events };
  } finally {
    stop();
  }
}

describeEachEngine('Connection.cursor: a read streamed through the driver', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  /** A pool of one session (SQLite always has one). */
  let single: Connection;
  const server = engine.driver !== 'sqlite';
  const sessionId = engine.driver === 'mysql' ? 'SELECT CONNECTION_ID() AS id' : 'SELECT pg_backend_pid() AS id';
  const count = async (connection: Connection, sql = 'SELECT COUNT(*) AS n FROM items') => Number((await connection.selectOne<{ n: number }>(sql))?.n);

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({
      default: 'db',
      connections: {
        db: { ...database.options, pool: { max: 3 } },
        single: { ...database.options, pool: { max: 1, acquireTimeoutMs: 5000 } },
        tight: { ...database.options, pool: { max: 1, acquireTimeoutMs: 300 } },
        ro: { ...database.options, readOnly: true },
        other: { ...database.options },
        // Reads on a "replica" that is the same server: DB.listen's role tells where a stream ran.
        ...(server
          ? { split: { ...database.options, write: { host: String(database.options.host) }, read: [{ host: String(database.options.host) }], sticky: true } }
          : { memory: { driver: 'sqlite' as const, database: ':memory:' } }),
      },
    });
    db = DB.connection('db');
    single = DB.connection('single');
    await db.statement('CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL, label VARCHAR(20))');
    await db.statement('CREATE TABLE seen (id INT PRIMARY KEY)');
    await db.statement('CREATE TABLE ten (d INT)');
    await db.insert('INSERT INTO ten (d) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)');
    const rows = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, v: (i * 7) % 100, label: `item ${i + 1}` }));
    for (let i = 0; i < rows.length; i += 500) await db.table('items').insert(rows.slice(i, i + 500));
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('yields every row of the read in order, across batch boundaries, with ? bindings', async () => {
    const expected = await db.select('SELECT id, v, label FROM items WHERE id > ? AND v < ? ORDER BY id', [10, 50]);
    assert.ok(expected.length > 1000);
    for (const batchSize of [1, 100, 500, 1000, 5000]) {
      const rows = await collect(db.cursor('SELECT id, v, label FROM items WHERE id > ? AND v < ? ORDER BY id', [10, 50], { batchSize }));
      assert.deepEqual(rows, expected, `batchSize ${batchSize}`);
    }
    assert.deepEqual(await collect(db.cursor('SELECT id FROM items WHERE id < ?', [0])), [], 'no rows: no iteration');
    const sum = (await collect(db.cursor<{ v: number }>('SELECT v FROM items'))).reduce((total, row) => total + row.v, 0);
    assert.equal(sum, Number((await db.selectOne<{ s: number }>('SELECT SUM(v) AS s FROM items'))?.s));
  });

  test('each for await runs the read again', async () => {
    const rows = db.cursor<{ id: number }>('SELECT id FROM items WHERE id <= ? ORDER BY id', [3]);
    assert.deepEqual(await collect(rows), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    await db.update('UPDATE items SET id = id WHERE id = 1');
    assert.deepEqual(await collect(rows), [{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  test('a result too large to read whole streams: leaving early closes it and the session serves the next statement', async () => {
    let seen = 0;
    for await (const row of single.cursor<{ a: number }>(ENDLESS, [], { batchSize: 50 })) {
      assert.equal(typeof row.a, 'number');
      if (++seen === 3) break;
    }
    assert.equal(seen, 3);
    assert.equal(await count(single), 2500, 'a pool of one serves the next statement');
    // A throw in the loop body leaves the loop too.
    await assert.rejects(async () => {
      for await (const _ of single.cursor(ENDLESS)) throw new Error('body failed');
    }, /body failed/);
    assert.equal(await count(single), 2500);
  });

  test('the early stop keeps the session where the rest is short or the server stops on request, else closes it', { skip: !server && 'SQLite has no server session' }, async () => {
    const id = async () => Number((await single.selectOne<{ id: number }>(sessionId))?.id);
    const before = await id();
    for await (const _ of single.cursor('SELECT id FROM items ORDER BY id', [], { batchSize: 10 })) break;
    assert.equal(await id(), before, 'a short rest (2,490 rows) is read and dropped: same session');
    for await (const _ of single.cursor(ENDLESS, [], { batchSize: 10 })) break;
    if (engine.driver === 'pgsql') assert.equal(await id(), before, 'PostgreSQL closes the portal: same session');
    else assert.notEqual(await id(), before, 'MySQL cannot stop a result: past 10,000 dropped rows the session is closed, a new one serves');
    // And the server stopped too (MariaDB would run the abandoned SELECT to its end: it is killed).
    const running =
      engine.driver === 'pgsql'
        ? "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT a.d AS a, b.d AS b FROM ten a%'"
        : "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT a.d AS a, b.d AS b FROM ten a%'";
    let left = await count(db, running);
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await count(db, running);
    }
    assert.equal(left, 0, 'no stopped stream still runs on the server');
  });

  test('a read that fails is a QueryError with its SQL, reported to DB.listen, and the session goes back', async () => {
    const { events } = await listened(async () => {
      await assert.rejects(collect(single.cursor('SELECT nope FROM items WHERE id > ?', [1])), (error: unknown) => {
        assert.ok(error instanceof QueryError, String(error));
        assert.match(error.sql, /nope/);
        assert.deepEqual(error.bindings, [1]);
        assert.equal(error.connection, 'single');
        return true;
      });
    });
    assert.equal(events.length, 1);
    assert.ok(events[0].error instanceof QueryError);
    assert.equal(await count(single), 2500);
  });

  test('a failure after some batches ends the loop with a QueryError, reported once more to DB.listen', async () => {
    const failing =
      engine.driver === 'mysql'
        ? 'SELECT id, IF(id >= 1000, (SELECT 1 UNION SELECT 2), 0) AS x FROM items'
        : engine.driver === 'pgsql'
          ? 'SELECT g AS id, 1 / (g - 1000) AS x FROM generate_series(1, 2500) g'
          : 'WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < 2500) SELECT id, CASE WHEN id >= 1000 THEN abs(-9223372036854775807 - 1) ELSE 0 END AS x FROM c';
    let received = 0;
    const { events } = await listened(async () => {
      await assert.rejects(
        async () => {
          for await (const _ of single.cursor(failing, [], { batchSize: 100 })) received++;
        },
        (error: unknown) => error instanceof QueryError && error.sql === failing,
      );
    });
    assert.ok(received >= 100 && received < 1000, `rows before the failure: ${received}`);
    assert.deepEqual(
      events.map((e) => e.error instanceof QueryError),
      [false, true],
      'the statement when its first rows came, its failure later',
    );
    assert.equal(await count(single), 2500);
  });

  test('DB.listen hears a stream once, with its SQL and bindings, when its first rows arrive', async () => {
    const { events } = await listened(() => collect(db.cursor('SELECT id FROM items WHERE id < ?', [2000], { batchSize: 100 })));
    const sql = engine.driver === 'pgsql' ? 'SELECT id FROM items WHERE id < $1' : 'SELECT id FROM items WHERE id < ?';
    assert.deepEqual(
      events.map((e) => [e.connection, e.sql, e.bindings, e.error]),
      [['db', sql, [2000], undefined]],
    );
  });

  test('bindings no driver can send, and a batch size that is not a whole number, are a QueryError naming cursor(); nothing is sent', async () => {
    const { events } = await listened(async () => {
      await assert.rejects(collect(db.cursor('SELECT id FROM items WHERE id = ?', [undefined])), (error: unknown) => {
        assert.ok(error instanceof QueryError);
        assert.match(error.message, /^Connection \[db\]: cursor\(\) cannot bind bindings\[0\], undefined/);
        return true;
      });
      for (const batchSize of [0, 1.5, -1, Number.NaN]) {
        assert.throws(() => db.cursor('SELECT id FROM items', [], { batchSize }), (error: unknown) => {
          assert.ok(error instanceof QueryError);
          assert.match(error.message, /^Connection \[db\]: cursor\(\) takes a whole number of rows per batch \(1 or more\)/);
          return true;
        });
      }
    });
    assert.deepEqual(events, []);
  });

  test('on a read-only connection a statement that changes the session is refused as for select(), nothing sent', async () => {
    const ro = DB.connection('ro');
    const lift =
      engine.driver === 'mysql' ? 'SET SESSION TRANSACTION READ WRITE' : engine.driver === 'pgsql' ? 'SET default_transaction_read_only = off' : 'PRAGMA query_only = 0';
    const { events } = await listened(async () => {
      await assert.rejects(collect(ro.cursor(lift)), (error: unknown) => {
        assert.ok(error instanceof ReadOnlyError, String(error));
        assert.match(error.message, /^Connection \[ro\] is read-only: cursor refused, /);
        return true;
      });
    });
    assert.deepEqual(events, []);
    assert.equal((await collect(ro.cursor('SELECT id FROM items WHERE id <= ?', [2]))).length, 2, 'reads stream');
  });

  test('in a transaction the stream reads the transaction, and the loop body writes in it', async () => {
    await assert.rejects(
      db.transaction(async () => {
        await db.insert('INSERT INTO items (id, v, label) VALUES (?, ?, ?)', [9001, 1, 'in tx']);
        let rows = 0;
        for await (const row of db.cursor<{ id: number }>('SELECT id FROM items ORDER BY id', [], { batchSize: 100 })) {
          rows++;
          if (row.id % 10 === 1) await db.insert('INSERT INTO seen (id) VALUES (?)', [row.id]);
          // A read of the same transaction meanwhile, and a nested stream.
          if (row.id === 9001) {
            assert.equal(await count(db, 'SELECT COUNT(*) AS n FROM seen'), 251);
            assert.equal((await collect(db.cursor('SELECT id FROM seen', [], { batchSize: 7 }))).length, 251);
          }
        }
        assert.equal(rows, 2501, 'the uncommitted row is among them');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await count(db, 'SELECT COUNT(*) AS n FROM seen'), 0, 'rolled back with the transaction');
    assert.equal(await count(db), 2500);

    await db.transaction(async () => {
      for await (const row of db.cursor<{ id: number }>('SELECT id FROM items WHERE id <= ?', [300], { batchSize: 50 })) {
        await db.update('UPDATE items SET label = ? WHERE id = ?', ['streamed', row.id]);
      }
    });
    assert.equal(await count(db, "SELECT COUNT(*) AS n FROM items WHERE label = 'streamed'"), 300);
  });

  test('outside a transaction the loop body runs on other sessions, and its writes commit at once', async () => {
    const other = DB.connection('other'); // a pool of its own (SQLite: a handle of its own, as another process)
    let checked = false;
    for await (const row of db.cursor<{ id: number }>('SELECT id FROM items ORDER BY id', [], { batchSize: 100 })) {
      if (row.id % 100 === 0) await db.insert('INSERT INTO seen (id) VALUES (?)', [row.id]);
      if (row.id === 1500) {
        assert.equal(await count(other, 'SELECT COUNT(*) AS n FROM seen'), 15, 'another session sees the writes made so far');
        checked = true;
      }
    }
    assert.ok(checked);
    assert.equal(await count(db, 'SELECT COUNT(*) AS n FROM seen'), 25);
    await db.delete('DELETE FROM seen');
  });

  test('pool.max 1: a statement in the loop body waits for the session the stream holds, up to acquireTimeoutMs', async () => {
    const tight = DB.connection('tight');
    const inBody = async () => {
      for await (const _ of tight.cursor<{ id: number }>('SELECT id FROM items ORDER BY id', [], { batchSize: 100 })) {
        return await count(tight);
      }
    };
    if (server) await assert.rejects(inBody(), PoolTimeoutError);
    else assert.equal(await inBody(), 2500, 'a SQLite stream reads on a handle of its own and holds no session');
    assert.equal(await count(tight), 2500, 'after the loop the session is back');
  });

  test('a split connection streams from a replica, and from the writer in a transaction or after this flow wrote (sticky)', { skip: !server && 'no replicas on SQLite' }, async () => {
    const split = DB.connection('split');
    const roles = async (fn: () => Promise<unknown>) => (await listened(fn)).events.map((e) => e.role);
    const read = () => collect(split.cursor('SELECT id FROM items WHERE id <= ?', [3]));
    assert.deepEqual(await roles(read), ['read']);
    assert.deepEqual(await roles(() => split.transaction(read)), ['write', 'write', 'write'], 'BEGIN, the stream, COMMIT');
    await new Promise<void>((resolve, reject) =>
      setImmediate(() =>
        (async () => {
          await split.update('UPDATE items SET v = v WHERE id = 1');
          assert.deepEqual(await roles(read), ['write'], 'sticky after a write in this flow');
        })().then(resolve, reject),
      ),
    );
  });

  test('an idle session the server killed: the stream is sent again on a fresh one, and the lost attempt reported', { skip: !server && 'SQLite has no server session' }, async () => {
    const id = Number((await single.selectOne<{ id: number }>(sessionId))?.id);
    await db.statement(engine.driver === 'mysql' ? `KILL ${id}` : `SELECT pg_terminate_backend(${id})`);
    const { result, events } = await listened(() => collect(single.cursor<{ id: number }>(sessionId)));
    assert.equal(result.length, 1);
    assert.notEqual(Number(result[0].id), id, 'a fresh session');
    assert.equal(events.at(-1)?.error, undefined);
    if (events.length > 1) assert.ok(events[0].error instanceof ConnectionError, 'the lost attempt, reported');
  });

  test('a session killed while it streams: the loop ends with a ConnectionError, the pool serves on', { skip: !server && 'SQLite has no server session' }, async () => {
    const id = Number((await single.selectOne<{ id: number }>(sessionId))?.id);
    let rows = 0;
    await assert.rejects(
      async () => {
        for await (const _ of single.cursor(ENDLESS, [], { batchSize: 100 })) {
          if (++rows === 1) await db.statement(engine.driver === 'mysql' ? `KILL ${id}` : `SELECT pg_terminate_backend(${id})`);
        }
      },
      (error: unknown) => error instanceof ConnectionError || error instanceof QueryError,
    );
    assert.ok(rows >= 1);
    assert.equal(await count(single), 2500);
  });

  test('SQLite: a database only the main handle sees (in memory, a TEMP table) streams there, and a write in the loop body reads the rest first', { skip: server && 'SQLite only' }, async () => {
    const memory = DB.connection('memory');
    await memory.statement('CREATE TABLE m (id INTEGER PRIMARY KEY, v INT)');
    for (let i = 1; i <= 300; i++) await memory.insert('INSERT INTO m (id, v) VALUES (?, 0)', [i]);
    let rows = 0;
    for await (const row of memory.cursor<{ id: number; v: number }>('SELECT id, v FROM m ORDER BY id', [], { batchSize: 10 })) {
      rows++;
      assert.equal(row.v, 0, 'the rows as they were when the stream began');
      if (row.id % 3 === 0) await memory.update('UPDATE m SET v = 1 WHERE id >= ?', [row.id]);
    }
    assert.equal(rows, 300);
    assert.equal(await count(memory, 'SELECT COUNT(*) AS n FROM m WHERE v = 1'), 298);

    await db.statement('CREATE TEMP TABLE t (id INT)');
    await db.insert('INSERT INTO t (id) SELECT id FROM items WHERE id <= 20');
    let temp = 0;
    for await (const row of db.cursor<{ id: number }>('SELECT id FROM t', [], { batchSize: 3 })) {
      temp++;
      await db.insert('INSERT INTO seen (id) VALUES (?)', [row.id]);
    }
    assert.equal(temp, 20);
    assert.equal(await count(db, 'SELECT COUNT(*) AS n FROM seen'), 20);
    await db.delete('DELETE FROM seen');
  });
});
