/**
 * What DB.transaction([...]) refuses up front, how it picks where the decision
 * goes, and what DB.recover() leaves alone: on the shared MariaDB (XA), SQLite,
 * and a private PostgreSQL started with max_prepared_transactions = 0 (the
 * shared one may have either setting: the suite must not depend on it).
 */
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { after, before, describe, test } from 'node:test';
import { type Connection, ConnectionNotConfiguredError, DB, type QueryEvent, TwoPhaseCommitError } from '../../src/index.js';
import { engine, MYSQL, type ThrowawayDatabase } from '../support/engines.js';
import { freePort, startPostgres, stopAll } from '../support/test-servers.js';
import { skipReason, uniquePrefix } from './fixtures/two-phase-setups.js';

type Handles = Record<string, Connection>;

const requireServers = process.env.SO_DB_REQUIRE_SERVERS === '1';
const mariadbSkip = requireServers ? false : (engine('mariadb').skipReason ?? false);

async function listened<T>(fn: () => Promise<T>): Promise<{ result: T; events: QueryEvent[] }> {
  const events: QueryEvent[] = [];
  const stop = DB.listen((e) => events.push(e));
  try {
    return { result: await fn(), events };
  } finally {
    stop();
  }
}

async function balance(name: string): Promise<number> {
  return Number((await DB.connection(name).selectOne<{ balance: number }>('SELECT balance FROM accounts WHERE id = 1'))?.balance);
}

async function createAccounts(names: readonly string[]): Promise<void> {
  for (const name of names) {
    await DB.connection(name).statement('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
    await DB.connection(name).insert('INSERT INTO accounts (id, balance) VALUES (1, 100)');
  }
}

describe('DB.transaction([...]) refusals', { skip: skipReason({ title: 'refusals', kinds: ['mariadb', 'postgres'] }) }, () => {
  const databases: ThrowawayDatabase[] = [];
  const prefix = uniquePrefix();

  before(async () => {
    const [maria, pgServer, lite1, lite2] = await Promise.all([
      engine('mariadb').createDatabase(),
      // Private, so the refusal is tested whatever the shared server's setting is.
      startPostgres({ maxPreparedTransactions: 0 }),
      engine('sqlite').createDatabase(),
      engine('sqlite').createDatabase(),
    ]);
    databases.push(maria, lite1, lite2);
    const pg = { driver: 'pgsql', host: pgServer.host, port: pgServer.port, username: pgServer.username, database: 'postgres' } as const;
    await DB.configure({
      connections: { maria: maria.options, pg, lite1: lite1.options, lite2: lite2.options },
      transactions: { prefix },
    });
    await createAccounts(['maria', 'pg', 'lite1', 'lite2']);
  });

  after(async () => {
    await DB.disconnect();
    await Promise.all(databases.map((d) => d.drop()));
    await stopAll();
  });

  test('a second participant without two-phase commit is refused before anything begins', async () => {
    let called = false;
    const { events } = await listened(() =>
      assert.rejects(
        DB.transaction(['maria', 'lite1', 'lite2'], () => {
          called = true;
        }),
        (error) => {
          assert.ok(error instanceof TwoPhaseCommitError);
          assert.equal(error.phase, 'begin');
          assert.match(
            error.message,
            /\[lite1\] \(sqlite\), \[lite2\] \(sqlite\) have no two-phase commit; at most one such participant/,
          );
          return true;
        },
      ),
    );
    assert.equal(called, false);
    assert.deepEqual(events, [], 'no statement was sent');
  });

  test('a PostgreSQL server with max_prepared_transactions = 0 is refused when the transaction begins, naming the setting', async () => {
    let called = false;
    await assert.rejects(
      DB.transaction(['maria', 'pg'], async ({ maria }: Handles) => {
        called = true;
        await maria.update('UPDATE accounts SET balance = 0');
      }),
      (error) => {
        assert.ok(error instanceof TwoPhaseCommitError);
        assert.equal(error.phase, 'begin');
        assert.equal(error.participant, 'pg');
        assert.match(error.message, /connection \[pg\] cannot take part in two-phase commit: .*max_prepared_transactions = 0/);
        assert.match(error.message, /set max_prepared_transactions/);
        return true;
      },
    );
    assert.equal(called, false);
    assert.equal(await balance('maria'), 100);
  });

  test('that server can still be the decider, which is never prepared', async () => {
    // The decider is the first participant with two-phase commit: its COMMIT records the decision.
    await DB.transaction(['pg', 'maria'], async ({ pg, maria }: Handles) => {
      await pg.update('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
      await maria.update('UPDATE accounts SET balance = balance + 1 WHERE id = 1');
    });
    assert.equal(await balance('pg'), 101);
    assert.equal(await balance('maria'), 101);
  });

  test('a participant with a transaction already open in this flow is refused', async () => {
    const maria = DB.connection('maria');
    await maria.transaction(async () => {
      await assert.rejects(
        DB.transaction(['maria', 'lite1'], () => {}),
        /already has a transaction open on \[maria\]/,
      );
    });
  });

  test('unknown, missing and repeated names are refused', async () => {
    await assert.rejects(
      DB.transaction(['maria', 'nope'], () => {}),
      ConnectionNotConfiguredError,
    );
    await assert.rejects(
      DB.transaction([], () => {}),
      /needs at least one connection name/,
    );
    await assert.rejects(
      DB.transaction(['maria', 'maria'], () => {}),
      /a connection is named twice/,
    );
  });

  test('one participant is a plain transaction', async () => {
    const { result, events } = await listened(() =>
      DB.transaction(['lite1'], async ({ lite1 }: Handles) => {
        await lite1.update('UPDATE accounts SET balance = 50 WHERE id = 1');
        return 'plain';
      }),
    );
    assert.equal(result, 'plain');
    assert.equal(await balance('lite1'), 50);
    assert.deepEqual(
      events.map((e) => e.sql),
      ['BEGIN IMMEDIATE', 'UPDATE accounts SET balance = 50 WHERE id = 1', 'COMMIT'],
    );
  });
});

describe('DB.transaction([...]) with a decision log apart, and DB.recover() boundaries', { skip: mariadbSkip }, () => {
  const databases: ThrowawayDatabase[] = [];
  const prefix = uniquePrefix();

  before(async () => {
    const [a, b, log] = await Promise.all([
      engine('mariadb').createDatabase(),
      engine('mariadb').createDatabase(),
      engine('sqlite').createDatabase(),
    ]);
    databases.push(a, b, log);
    await DB.configure({
      connections: {
        a: a.options,
        b: b.options,
        log: log.options,
        down: { driver: 'mysql', host: '127.0.0.1', port: await freePort(), username: 'root', database: 'nothing' },
      },
      transactions: { prefix, log: 'log' },
    });
    await createAccounts(['a', 'b']);
  });

  after(async () => {
    await DB.disconnect();
    await Promise.all(databases.map((d) => d.drop()));
  });

  test('the configured log connection records the decision in a short transaction of its own', async () => {
    const { events } = await listened(() =>
      DB.transaction(['a', 'b'], async ({ a, b }: Handles) => {
        await a.update('UPDATE accounts SET balance = balance - 5 WHERE id = 1');
        await b.update('UPDATE accounts SET balance = balance + 5 WHERE id = 1');
      }),
    );
    assert.equal(await balance('a'), 95);
    assert.equal(await balance('b'), 105);
    const sql = (connection: string) => events.filter((e) => e.connection === connection).map((e) => e.sql);
    assert.deepEqual(
      sql('log').filter((s) => !s.startsWith('PRAGMA') && !s.startsWith('CREATE')),
      [
        'INSERT INTO so_transaction_log (xid, decision, created_at) VALUES (?, ?, ?)',
        'DELETE FROM so_transaction_log WHERE xid = ?',
      ],
    );
    // Both participants are prepared, each with its own branch of the prefixed id.
    for (const name of ['a', 'b']) {
      assert.ok(sql(name).some((s) => new RegExp(`^XA START '${prefix}_\\w+'$`).test(s)));
      assert.ok(sql(name).some((s) => s.startsWith('XA PREPARE')));
      assert.ok(sql(name).some((s) => s.startsWith('XA COMMIT')));
    }
    const decisionAt = events.findIndex((e) => e.connection === 'log' && e.sql.startsWith('INSERT'));
    assert.ok(events.findIndex((e) => e.sql.startsWith('XA COMMIT')) > decisionAt, 'phase two follows the decision');
  });

  test('recovery reports an unreachable connection and leaves other prepared transactions alone', async () => {
    const foreign = 'otherapp_mwyk3p10_f04e7ce44f06_2e7d2c_0';
    const unknownLog = `${prefix}_mwyk3p10_f04e7ce44f06_ffffff_0`;
    // One prepared branch per session: a session cannot start another until its branch is finished.
    const sessions = await Promise.all(
      [foreign, unknownLog].map(() =>
        mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password }),
      ),
    );
    try {
      for (const [i, xid] of [foreign, unknownLog].entries()) {
        await sessions[i].query(`XA START '${xid}'`);
        await sessions[i].query(`XA END '${xid}'`);
        await sessions[i].query(`XA PREPARE '${xid}'`);
      }
      const results = await DB.recover({ minAgeMs: 0 });
      assert.ok(
        results.some((r) => r.connection === 'down' && r.xid === null && r.action === 'skipped' && /cannot list/.test(r.reason)),
      );
      assert.ok(!results.some((r) => r.xid === foreign), 'another prefix is never touched');
      const unknown = results.filter((r) => r.xid === unknownLog);
      assert.ok(
        unknown.length > 0 &&
          unknown.every((r) => r.action === 'skipped' && /no configured connection is its decision log/.test(r.reason)),
      );
    } finally {
      for (const [i, xid] of [foreign, unknownLog].entries()) await sessions[i].query(`XA ROLLBACK '${xid}'`).catch(() => {});
      await Promise.all(sessions.map((s) => s.end()));
    }
  });

  test('minAgeMs must be a number of milliseconds', async () => {
    await assert.rejects(DB.recover({ minAgeMs: -1 }), RangeError);
  });
});
