import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine(
  'statementTimeoutMs on a server',
  (engine) => {
    let database: ThrowawayDatabase;
    let limited: Connection;
    let split: Connection;
    let db: Connection;
    const mariadb = engine.driver === 'mysql';
    const runaway = mariadb ? 'SELECT SLEEP(5) AS slept' : 'SELECT pg_sleep(5) AS slept';
    const sessionId = mariadb ? 'SELECT CONNECTION_ID() AS id' : 'SELECT pg_backend_pid() AS id';
    // The server's own report of a statement it ended for running too long.
    const timedOut = mariadb
      ? { code: 'ER_STATEMENT_TIMEOUT', sqlState: '70100', message: /max_statement_time exceeded/ }
      : { code: '57014', sqlState: '57014', message: /statement timeout/ };

    function assertTimedOut(error: unknown, sql: string, role?: 'read' | 'write'): true {
      assert.ok(error instanceof QueryError, `QueryError, got ${String(error)}`);
      assert.equal(error.code, timedOut.code);
      assert.equal(error.sqlState, timedOut.sqlState);
      assert.match(error.message, timedOut.message);
      assert.equal(error.sql, sql);
      assert.equal(error.role, role);
      return true;
    }

    async function assertServes20(connection: Connection): Promise<void> {
      const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => connection.selectOne<{ n: number }>('SELECT ? + 1 AS n', [i])));
      assert.deepEqual(
        rows.map((row) => Number(row?.n)),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    }

    before(async () => {
      database = await engine.createDatabase();
      await DB.configure({
        default: 'db',
        connections: {
          db: database.options,
          limited: { ...database.options, statementTimeoutMs: '300', pool: { max: 1 } },
          // Read/write split whose replica is the same server: the key holds on both.
          split: { ...database.options, statementTimeoutMs: 300, read: [{}], pool: { max: 1 } },
        },
      });
      db = DB.connection('db');
      limited = DB.connection('limited');
      split = DB.connection('split');
      await db.statement(`CREATE TABLE notes (${autoIncrement(engine.driver)}, body VARCHAR(40))`);
    });

    after(async () => {
      await DB.disconnect();
      await database.drop();
    });

    test('a runaway statement fails with QueryError (the server code kept), and its session serves 20 more queries', async () => {
      const before = await limited.selectOne<{ id: number }>(sessionId);
      await assert.rejects(limited.select(runaway), (error) => assertTimedOut(error, runaway));
      await assertServes20(limited);
      const afterwards = await limited.selectOne<{ id: number }>(sessionId);
      assert.equal(Number(afterwards?.id), Number(before?.id), 'the same server session, not a replacement');
      // Statements within the limit are not affected, on a connection without it nothing is ended.
      assert.deepEqual(await limited.select(mariadb ? 'SELECT SLEEP(0.05) AS slept' : 'SELECT 1 AS slept FROM pg_sleep(0.05)'), [
        { slept: mariadb ? 0 : 1 },
      ]);
      assert.deepEqual(await db.select(mariadb ? 'SELECT SLEEP(0.4) AS slept' : 'SELECT 1 AS slept FROM pg_sleep(0.4)'), [
        { slept: mariadb ? 0 : 1 },
      ]);
    });

    test('inside a transaction: the statement fails, and the transaction can still end cleanly', async () => {
      await limited.beginTransaction();
      await limited.insert('INSERT INTO notes (body) VALUES (?)', ['before the runaway']);
      await assert.rejects(limited.select(runaway), (error) => assertTimedOut(error, runaway));
      if (mariadb) {
        // MariaDB ends the statement only: the transaction goes on and commits.
        await limited.insert('INSERT INTO notes (body) VALUES (?)', ['after the runaway']);
        await limited.commit();
        assert.deepEqual(
          (await db.select('SELECT body FROM notes ORDER BY id')).map((row) => row.body),
          ['before the runaway', 'after the runaway'],
        );
      } else {
        // PostgreSQL aborts the whole transaction: COMMIT says so instead of seeming to work.
        await assert.rejects(limited.commit(), (error: unknown) => {
          assert.ok(error instanceof QueryError, `QueryError, got ${String(error)}`);
          assert.equal(error.sqlState, '25P02');
          assert.equal(error.sql, 'COMMIT');
          assert.match(error.message, /rolled the transaction back/);
          return true;
        });
        assert.deepEqual(await db.select('SELECT body FROM notes'), []);
      }
      await assertServes20(limited);
      await db.delete('DELETE FROM notes');

      // rollback() after the timeout works on both, and so does transaction(fn) rolling back on the error.
      await limited.beginTransaction();
      await limited.insert('INSERT INTO notes (body) VALUES (?)', ['rolled back']);
      await assert.rejects(limited.select(runaway), QueryError);
      await limited.rollback();
      await assert.rejects(
        limited.transaction(async () => {
          await limited.insert('INSERT INTO notes (body) VALUES (?)', ['rolled back too']);
          await limited.statement(runaway);
        }),
        (error) => assertTimedOut(error, runaway),
      );
      assert.deepEqual(await db.select('SELECT body FROM notes'), []);
      await assertServes20(limited);
    });

    test('a read/write split connection: the limit holds on the replica and on the writer', async () => {
      await assert.rejects(split.select(runaway), (error) => assertTimedOut(error, runaway, 'read'));
      await assert.rejects(split.statement(runaway), (error) => assertTimedOut(error, runaway, 'write'));
      await assertServes20(split);
      assert.equal(await split.statement('SELECT 1'), true);
    });
  },
  ['mariadb', 'postgres'],
);

describeEachEngine(
  'statementTimeoutMs on SQLite',
  (engine) => {
    let database: ThrowawayDatabase;

    before(async () => {
      database = await engine.createDatabase();
      await DB.configure({ connections: { local: { ...database.options, statementTimeoutMs: 1 } } });
    });

    after(async () => {
      await DB.disconnect();
      await database.drop();
    });

    test('is accepted and ends nothing: better-sqlite3 runs each statement to its end', async () => {
      // Counting to 300,000 takes well over the 1 ms limit.
      const row = await DB.connection('local').selectOne<{ n: number }>(
        'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000) SELECT COUNT(*) AS n FROM c',
      );
      assert.deepEqual(row, { n: 300000 });
    });
  },
  ['sqlite'],
);
