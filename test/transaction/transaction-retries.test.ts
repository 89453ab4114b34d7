import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, type ConnectionOptions, DatabaseError, DB, QueryError } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { signal } from '../support/replicated-engines.js';
import { startPostgres, stopAll, type TestServer } from '../support/test-servers.js';

after(stopAll);

/** `transaction(fn, { retries })` and `DB.transaction([...], fn, { retries })` against real deadlocks and serialization failures. */
describeEachEngine(
  'transaction retries',
  (engine) => {
    const mysql = engine.driver === 'mysql';
    // MariaDB: two databases on the shared server. PostgreSQL: a server of the test's own, whose
    // max_prepared_transactions lets DB.transaction([...]) prepare (the shared one has 0).
    let first: ThrowawayDatabase | undefined;
    let second: ThrowawayDatabase | undefined;
    let server: TestServer | undefined;
    let db: Connection;
    // A failure the server reports as a deadlock / serialization failure, every time it runs.
    const conflict = mysql
      ? "SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'conflict for the test'"
      : "DO $$ BEGIN RAISE EXCEPTION 'conflict for the test' USING ERRCODE = 'serialization_failure'; END $$";

    before(async () => {
      let options: [ConnectionOptions, ConnectionOptions];
      if (mysql) {
        [first, second] = await Promise.all([engine.createDatabase(), engine.createDatabase()]);
        options = [first.options, second.options];
      } else {
        server = await startPostgres({ maxPreparedTransactions: 10 });
        const on = (database: string): ConnectionOptions => ({ driver: 'pgsql', host: server!.host, port: server!.port, username: 'postgres', database });
        await DB.configure({ connections: { admin: on('postgres') } });
        await DB.connection('admin').statement('CREATE DATABASE other');
        options = [on('postgres'), on('other')];
      }
      await DB.configure({
        connections: {
          db: { ...options[0], pool: { max: 4 } },
          other: { ...options[1], pool: { max: 4 } },
          // A short lock wait, so that a lock wait timeout (1205) comes quickly.
          ...(mysql ? { impatient: { ...options[0], variables: { innodb_lock_wait_timeout: 1 } } } : {}),
        },
      });
      db = DB.connection('db');
      for (const conn of [db, DB.connection('other')]) {
        await conn.statement('CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)');
        await conn.insert('INSERT INTO counters (id, n) VALUES (1, 0), (2, 0)');
      }
    });

    after(async () => {
      await DB.disconnect();
      await Promise.all([first?.drop(), second?.drop(), server?.stop()]);
    });

    const counters = async (conn: Connection) =>
      (await conn.select<{ id: number; n: number }>('SELECT id, n FROM counters ORDER BY id')).map((r) => Number(r.n));
    const reset = async () => {
      for (const conn of [db, DB.connection('other')]) await conn.update('UPDATE counters SET n = 0');
    };

    /**
     * Two flows lock rows 1 and 2 in opposite order, each waiting (on its first attempt only) until
     * the other holds its first row: the server finds a deadlock and fails one of them.
     */
    async function deadlock(run: (fn: (attempt: number) => Promise<void>) => Promise<void>, conn: () => Connection) {
      const attempts = [0, 0];
      const holding = [signal(), signal()];
      const flow = (me: number, rows: [number, number]) =>
        run(async () => {
          const attempt = ++attempts[me];
          await conn().update('UPDATE counters SET n = n + 1 WHERE id = ?', [rows[0]]);
          if (attempt === 1) {
            holding[me].fire();
            await holding[1 - me].promise;
          }
          await conn().update('UPDATE counters SET n = n + 1 WHERE id = ?', [rows[1]]);
        });
      const results = await Promise.allSettled([flow(0, [1, 2]), flow(1, [2, 1])]);
      return { attempts, results };
    }

    test('a deadlock between two flows: the failed one runs again from the start and both commit once', async () => {
      await reset();
      const { attempts, results } = await deadlock((fn) => db.transaction(() => fn(0), { retries: 3 }), () => db);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
      );
      assert.equal(attempts[0] + attempts[1], 3, `one flow ran twice: ${attempts}`);
      assert.deepEqual(await counters(db), [2, 2], 'each flow added 1 to each row, once');
    });

    test('without retries, the deadlock victim gets the server error itself', async () => {
      await reset();
      const { attempts, results } = await deadlock((fn) => db.transaction(() => fn(0)), () => db);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 1);
      const error = (failed[0] as PromiseRejectedResult).reason;
      assert.ok(error instanceof QueryError, String(error));
      assert.equal(error.connection, 'db');
      assert.ok(mysql ? error.code === 'ER_LOCK_DEADLOCK' : error.sqlState === '40P01', `${error.code} ${error.sqlState}`);
      assert.deepEqual(attempts, [1, 1]);
      assert.deepEqual(await counters(db), [1, 1], 'only the flow that committed counted');
    });

    test('after the last retry the error of the last attempt is thrown as it is; other errors are not retried', async () => {
      let attempts = 0;
      const error = await db
        .transaction(
          async () => {
            attempts++;
            await db.update('UPDATE counters SET n = n + 100 WHERE id = 1');
            await db.statement(conflict);
          },
          { retries: 2 },
        )
        .catch((e: unknown) => e);
      assert.equal(attempts, 3);
      assert.ok(error instanceof QueryError, String(error));
      assert.equal(error.sqlState, '40001');
      assert.match(error.message, /conflict for the test/);
      assert.ok((await counters(db))[0] < 100, 'every attempt rolled back');

      attempts = 0;
      await assert.rejects(
        db.transaction(
          async () => {
            attempts++;
            await db.select('SELECT no_such_column FROM counters');
          },
          { retries: 2 },
        ),
        QueryError,
      );
      assert.equal(attempts, 1);
      await assert.rejects(db.transaction(async () => {}, { retries: -1 }), (e: unknown) => e instanceof DatabaseError && /retries must be/.test(String(e)));
    });

    test('DB.transaction([...], fn, { retries }): a deadlock in one participant runs fn again on every participant', async () => {
      await reset();
      const other = () => DB.connection('other');
      const { attempts, results } = await deadlock(
        (fn) =>
          DB.transaction(
            ['db', 'other'],
            async ({ db: mine }) => {
              await mine.insert('INSERT INTO counters (id, n) VALUES (?, 0)', [100 + Math.floor(Math.random() * 1e6)]);
              await fn(0);
            },
            { retries: 3 },
          ),
        other,
      );
      assert.deepEqual(
        results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)),
        ['fulfilled', 'fulfilled'],
      );
      assert.equal(attempts[0] + attempts[1], 3);
      assert.deepEqual(await counters(other()), [2, 2]);
      const inserted = await db.select('SELECT id FROM counters WHERE id >= 100');
      assert.equal(inserted.length, 2, 'the failed attempt left no row on the other participant');
      await db.delete('DELETE FROM counters WHERE id >= 100');
    });

    test('DB.transaction([...]): a conflict on every attempt ends with the last attempt\'s error, after retries + 1 runs', async () => {
      let attempts = 0;
      const error = await DB.transaction(
        ['db', 'other'],
        async ({ db: mine, other }) => {
          attempts++;
          await mine.insert('INSERT INTO counters (id, n) VALUES (?, 0)', [200 + attempts]);
          await other.statement(conflict);
        },
        { retries: 1 },
      ).catch((e: unknown) => e);
      assert.equal(attempts, 2);
      assert.ok(error instanceof QueryError && error.sqlState === '40001', String(error));
      assert.equal(error.connection, 'other');
      assert.deepEqual(await db.select('SELECT id FROM counters WHERE id >= 200'), []);
    });

    if (mysql) {
      test('a lock wait timeout (1205) is retried only with retryLockWaitTimeouts', async () => {
        await reset();
        const impatient = DB.connection('impatient');
        for (const retryLockWaitTimeouts of [false, true]) {
          const locked = signal();
          const release = signal();
          const holder = db.transaction(async () => {
            await db.update('UPDATE counters SET n = n + 1 WHERE id = 1');
            locked.fire();
            await release.promise;
          });
          await locked.promise;
          let attempts = 0;
          const outcome = await impatient
            .transaction(
              async () => {
                attempts++;
                if (attempts === 2) await holder; // the lock is free now
                try {
                  await impatient.update('UPDATE counters SET n = n + 10 WHERE id = 1');
                } finally {
                  release.fire();
                }
              },
              { retries: 2, retryLockWaitTimeouts },
            )
            .then(
              () => 'committed',
              (e: unknown) => (e instanceof QueryError ? e.code : String(e)),
            );
          await holder;
          assert.deepEqual({ outcome, attempts }, retryLockWaitTimeouts ? { outcome: 'committed', attempts: 2 } : { outcome: 'ER_LOCK_WAIT_TIMEOUT', attempts: 1 });
        }
        assert.deepEqual(await counters(db), [12, 0]);
      });
    }

    if (!mysql) {
      test('a serialization failure under SERIALIZABLE (write skew) is retried; both commit, the rows are consistent', async () => {
        await reset();
        const attempts = [0, 0];
        const read = [signal(), signal()];
        // Each flow reads the sum and writes it into its own row: serially, one sees the other's write.
        const flow = (me: number) =>
          db.transaction(
            async () => {
              const attempt = ++attempts[me];
              await db.statement('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
              const sum = Number((await db.selectOne<{ s: number }>('SELECT SUM(n) AS s FROM counters'))?.s);
              if (attempt === 1) {
                read[me].fire();
                await read[1 - me].promise;
              }
              await db.update('UPDATE counters SET n = ? WHERE id = ?', [sum + 1, me + 1]);
            },
            { retries: 3 },
          );
        const results = await Promise.allSettled([flow(0), flow(1)]);
        assert.deepEqual(
          results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)),
          ['fulfilled', 'fulfilled'],
        );
        // The retried flow may conflict again while the other has not committed yet.
        assert.ok(attempts[0] + attempts[1] >= 3, `a flow ran again: ${attempts}`);
        // Serially: the first writes 1, the second sees it and writes 2.
        assert.deepEqual((await counters(db)).sort(), [1, 2]);
      });
    }
  },
  ['mariadb', 'postgres'],
);

describeEachEngine(
  'transaction retries',
  (engine) => {
    let database: ThrowawayDatabase;
    before(async () => {
      database = await engine.createDatabase();
      await DB.configure({ connections: { local: database.options } });
    });
    after(async () => {
      await DB.disconnect();
      await database.drop();
    });

    test('SQLite has nothing to retry: BEGIN IMMEDIATE takes the write lock first; a failure runs once', async () => {
      const local = DB.connection('local');
      await local.statement('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      let attempts = 0;
      await assert.rejects(
        local.transaction(
          async () => {
            attempts++;
            await local.insert('INSERT INTO t (id) VALUES (1)');
            await local.insert('INSERT INTO t (id) VALUES (1)');
          },
          { retries: 3 },
        ),
        QueryError,
      );
      assert.equal(attempts, 1);
      assert.deepEqual(await local.select('SELECT id FROM t'), []);
      assert.equal(await local.transaction(async () => 'done', { retries: 3 }), 'done');
    });
  },
  ['sqlite'],
);
