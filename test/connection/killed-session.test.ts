import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { type Connection, ConnectionError, DB, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, MYSQL, POSTGRES, type ThrowawayDatabase } from '../support/engines.js';

/** An admin session outside the library, to kill the library's sessions as a DBA would. */
interface Admin {
  kill(id: number): Promise<void>;
  /** Whether the server still lists the session. */
  alive(id: number): Promise<boolean>;
  end(): Promise<void>;
}

async function mysqlAdmin(): Promise<Admin> {
  const mysql = (await import('mysql2/promise')).default;
  const admin = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
  return {
    kill: async (id) => {
      await admin.query(`KILL ${Number(id)}`);
    },
    alive: async (id) => {
      const [rows] = await admin.query('SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?', [id]);
      return (rows as unknown[]).length > 0;
    },
    end: () => admin.end(),
  };
}

async function postgresAdmin(): Promise<Admin> {
  const pg = (await import('postgres')).default;
  const admin = pg({ host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user, password: POSTGRES.password, database: 'postgres', max: 1, onnotice: () => {} });
  return {
    kill: async (id) => {
      const [row] = await admin`SELECT pg_terminate_backend(${id}) AS killed`;
      assert.equal(row.killed, true, `session ${id} was terminated`);
    },
    alive: async (id) => (await admin`SELECT 1 FROM pg_stat_activity WHERE pid = ${id}`).length > 0,
    end: () => admin.end(),
  };
}

async function waitUntilGone(admin: Admin, id: number): Promise<void> {
  for (let i = 0; i < 100 && (await admin.alive(id)); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(await admin.alive(id), false, `the server ended session ${id}`);
}

describeEachEngine(
  'killed sessions',
  (engine) => {
    let database: ThrowawayDatabase;
    let db: Connection;
    let single: Connection;
    let admin: Admin;
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    const sessionId = engine.driver === 'mysql' ? 'SELECT CONNECTION_ID() AS id' : 'SELECT pg_backend_pid() AS id';

    async function currentId(connection: Connection): Promise<number> {
      const row = await connection.selectOne<{ id: number }>(sessionId);
      return Number(row?.id);
    }

    before(async () => {
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      database = await engine.createDatabase();
      await DB.configure({
        default: 'db',
        connections: {
          db: { ...database.options, pool: { max: 3 } },
          single: { ...database.options, pool: { max: 1, acquireTimeoutMs: 5000 } },
        },
      });
      db = DB.connection('db');
      single = DB.connection('single');
      await db.statement(`CREATE TABLE notes (${autoIncrement(engine.driver)}, body VARCHAR(40))`);
      admin = engine.driver === 'mysql' ? await mysqlAdmin() : await postgresAdmin();
    });

    after(async () => {
      await admin.end();
      await DB.disconnect();
      await database.drop();
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    });

    beforeEach(() => {
      crashes.length = 0;
    });

    afterEach(async () => {
      // Late socket events (the server's goodbye, the close) must not crash anything either.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(crashes, [], 'no uncaught exception or unhandled rejection');
    });

    // A hang is the typical failure here (a statement queued on a dead socket): time-outs make it fail.
    const bounded = { timeout: 20_000 };

    test('an idle pooled session killed by the server: the next query gets a fresh session', bounded, async () => {
      const killed = await currentId(single);
      await admin.kill(killed);
      // No waiting: the next query may find the dead session before the driver noticed.
      const events: QueryEvent[] = [];
      const stop = DB.listen((event) => events.push(event));
      const fresh = await currentId(single).finally(stop);
      assert.notEqual(fresh, killed, 'a new server session');
      // Either the dead session was noticed and skipped, or the read was lost on it, reported, and sent again.
      const sent = events.filter((event) => event.sql === sessionId);
      assert.equal(sent.at(-1)?.error, undefined);
      if (sent.length > 1) {
        assert.equal(sent.length, 2);
        assert.ok(sent[0].error instanceof ConnectionError, 'the lost attempt is reported with a ConnectionError');
      }
      assert.equal(await admin.alive(fresh), true);
      // Writes work too, and a second kill in a row is survived the same way.
      assert.equal((await single.insert('INSERT INTO notes (body) VALUES (?)', ['after kill'])).affectedRows, 1);
      await admin.kill(fresh);
      await waitUntilGone(admin, fresh);
      const third = await currentId(single);
      assert.notEqual(third, fresh);
      assert.deepEqual(await single.select('SELECT body FROM notes'), [{ body: 'after kill' }]);
      await single.delete('DELETE FROM notes');
    });

    test('sessions killed under a burst of concurrent queries: every query settles, the pool recovers', bounded, async () => {
      const ids = new Set<number>();
      for (const row of await Promise.all(Array.from({ length: 6 }, () => currentId(db)))) ids.add(row);
      for (const id of ids) await admin.kill(id);
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => currentId(db)));
      for (const result of results) {
        if (result.status === 'rejected') assert.ok(result.reason instanceof ConnectionError, `ConnectionError, got ${String(result.reason)}`);
      }
      const after = await Promise.all(Array.from({ length: 6 }, () => currentId(db)));
      for (const id of after) assert.ok(!ids.has(id), `session ${id} is a fresh one`);
    });

    test('a session killed while statements are in flight on it: each settles, none hangs', bounded, async () => {
      const killed = await currentId(single);
      const sleep = engine.driver === 'mysql' ? 'SELECT CONNECTION_ID() AS id, SLEEP(0.2) AS s' : 'SELECT pg_backend_pid() AS id, pg_sleep(0.2) AS s';
      // One runs on the session; the other two wait for it.
      const running = Array.from({ length: 3 }, () => single.selectOne<{ id: number }>(sleep));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await admin.kill(killed);
      const results = await Promise.allSettled(running);
      for (const result of results) {
        if (result.status === 'rejected') {
          assert.ok(result.reason instanceof ConnectionError, `ConnectionError, got ${String(result.reason)}`);
        } else {
          assert.notEqual(Number(result.value?.id), killed, 'a result from a fresh session (the read was retried)');
        }
      }
      assert.notEqual(await currentId(single), killed);
    });

    test('a session killed inside a transaction: the next statement throws ConnectionError, rollback() does not', bounded, async () => {
      await single.beginTransaction();
      await single.insert('INSERT INTO notes (body) VALUES (?)', ['before kill']);
      const killed = await currentId(single);
      await admin.kill(killed);

      await assert.rejects(single.insert('INSERT INTO notes (body) VALUES (?)', ['in dead transaction']), (error: unknown) => {
        assert.ok(error instanceof ConnectionError, `ConnectionError, got ${String(error)}`);
        assert.equal(error.connection, 'single');
        return true;
      });
      // Neither may the statements after it slip out of the transaction onto a new session.
      await assert.rejects(single.update('UPDATE notes SET body = ?', ['escaped']), ConnectionError);
      await single.rollback();

      assert.notEqual(await currentId(single), killed, 'later queries run on a fresh session');
      assert.deepEqual(await single.select('SELECT body FROM notes'), [], 'the server rolled the whole transaction back');
    });

    test('a killed transaction session, noticed before the next statement', bounded, async () => {
      await single.beginTransaction();
      await single.insert('INSERT INTO notes (body) VALUES (?)', ['before kill']);
      const killed = await currentId(single);
      await admin.kill(killed);
      await waitUntilGone(admin, killed);
      await new Promise((resolve) => setTimeout(resolve, 50));

      await assert.rejects(single.select('SELECT body FROM notes'), ConnectionError);
      await assert.rejects(single.commit(), ConnectionError, 'commit() cannot claim success for a lost transaction');
      await single.rollback(); // nothing left to roll back: resolves
      assert.deepEqual(await single.select('SELECT body FROM notes'), []);
    });
  },
  ['mariadb', 'postgres'],
);
