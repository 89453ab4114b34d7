/**
 * The decision log's server dies right after phase one: DB.transaction([...]) cannot
 * know the decision, leaves the prepared branches to recovery, and must still give
 * back every session it held, so that the pools keep serving and DB.recover() in the
 * same process finishes the branches once the log is back.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DB, type RecoveryResult, TwoPhaseCommitError } from '../../src/index.js';
import { startPostgres, stopAll, type TestServer } from '../support/test-servers.js';
import {
  createParticipants,
  leftPrepared,
  type Participant,
  rollBackLeftovers,
  skipReason,
  uniquePrefix,
} from './fixtures/two-phase-setups.js';

const PHASE_ONE = /^(XA PREPARE |INSERT INTO so_transaction_log)/;

/** Both MariaDB participants on the shared server: a pool of one session each, so a kept session shows at once. */
const POOL = { max: 1, acquireTimeoutMs: 3000 };

async function recoverUntilFinished(xids: readonly string[]): Promise<RecoveryResult[]> {
  const finished = new Map<string, RecoveryResult>();
  let last: RecoveryResult[] = [];
  // A closed MariaDB session's branch is detached once the server has seen the disconnect.
  for (let attempt = 0; attempt < 100 && finished.size < xids.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    last = await DB.recover({ minAgeMs: 0 });
    for (const result of last) {
      if (result.xid !== null && xids.includes(result.xid) && result.action !== 'skipped') finished.set(result.xid, result);
    }
  }
  if (finished.size < xids.length) console.log('last recovery:', last);
  return [...finished.values()];
}

describe('DB.transaction([...]) when the decision log server dies after phase one', { skip: skipReason({ title: '', kinds: ['mariadb', 'postgres'] }) }, () => {
  const prefix = uniquePrefix();
  let logServer: TestServer;
  let participants: Participant[];

  before(async () => {
    // Durable commits, as a production log server has (test servers run with fsync off): the log
    // table and any committed decision must survive the crash.
    [logServer, participants] = await Promise.all([
      startPostgres({ settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } }),
      createParticipants({ title: '', kinds: ['mariadb', 'mariadb'] }),
    ]);
    await DB.configure({
      connections: {
        a: { ...participants[0].options, pool: POOL },
        b: { ...participants[1].options, pool: POOL },
        log: {
          driver: 'pgsql',
          host: logServer.host,
          port: logServer.port,
          username: logServer.username,
          database: 'postgres',
          pool: POOL,
        },
      },
      transactions: { prefix, log: 'log' },
    });
    for (const name of ['a', 'b']) await DB.connection(name).statement('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
    await DB.connection('log').statement('CREATE TABLE notes (id INT PRIMARY KEY, note TEXT)');
  });

  beforeEach(async () => {
    for (const name of ['a', 'b']) {
      await DB.connection(name).delete('DELETE FROM accounts');
      await DB.connection(name).insert('INSERT INTO accounts (id, balance) VALUES (1, 100)');
    }
    await DB.connection('log').delete('DELETE FROM notes');
  });

  after(async () => {
    // A failed run must not leave prepared branches (and their row locks) on the shared server.
    await rollBackLeftovers(participants ?? [], prefix);
    await DB.disconnect();
    await Promise.all((participants ?? []).map((p) => p.drop()));
    await stopAll();
  });

  /**
   * Runs the transaction and crashes the log server (SIGKILL to it and its backends, synchronously in
   * the DB.listen listener, so before the coordinator goes on) once `phaseOneStatements` have succeeded.
   */
  async function transactionWithLogKilled(names: string[], phaseOneStatements: number): Promise<TwoPhaseCommitError> {
    let seen = 0;
    const stop = DB.listen((event) => {
      if (event.error !== undefined || !PHASE_ONE.test(event.sql)) return;
      seen++;
      if (seen === phaseOneStatements) logServer.crashNow();
    });
    try {
      await DB.transaction(names, async (handles) => {
        for (const name of names) {
          if (name === 'log') await handles.log.insert('INSERT INTO notes (id, note) VALUES (?, ?)', [1, 'moved 5']);
          else await handles[name].update('UPDATE accounts SET balance = balance + 5 WHERE id = 1');
        }
      });
    } catch (error) {
      assert.ok(error instanceof TwoPhaseCommitError, `expected TwoPhaseCommitError, got ${String(error)}`);
      return error;
    } finally {
      stop();
    }
    assert.fail('the transaction committed although its decision could not be recorded');
  }

  async function assertPoolsServe(names: string[]): Promise<void> {
    for (const name of names) {
      const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => DB.connection(name).selectOne('SELECT ? AS n', [i])));
      assert.deepEqual(
        rows.map((row) => Number(row?.n)),
        Array.from({ length: 20 }, (_, i) => i),
        `20 queries on [${name}] complete`,
      );
    }
  }

  async function recoverAndCheck(): Promise<void> {
    await logServer.start();
    const inDoubt = await leftPrepared(participants, prefix);
    assert.ok(inDoubt.length > 0, 'branches were left prepared');
    const results = await recoverUntilFinished(inDoubt);
    assert.deepEqual(
      results.map((r) => [r.xid, r.action]).sort(),
      inDoubt.map((xid) => [xid, 'rolled back']),
      'recovery in this process rolls back every branch: no decision to commit was recorded',
    );
    assert.deepEqual(await leftPrepared(participants, prefix), []);
    // The branches' row locks are gone: the rows take writes again.
    for (const name of ['a', 'b']) {
      assert.equal(await DB.connection(name).update('UPDATE accounts SET balance = balance + 1 WHERE id = 1'), 1);
      assert.equal(Number((await DB.connection(name).selectOne('SELECT balance FROM accounts WHERE id = 1'))?.balance), 101);
    }
  }

  test('a log apart from the participants: sessions are released and recovery finishes the branches', async () => {
    const error = await transactionWithLogKilled(['a', 'b'], 2);
    assert.equal(error.phase, 'decision');
    assert.match(error.message, /DB\.recover\(\)/);
    assert.deepEqual(Object.keys(error.states).sort(), ['a', 'b']);
    for (const state of Object.values(error.states)) assert.match(state, /in doubt/);
    await assertPoolsServe(['a', 'b']);
    await recoverAndCheck();
  });

  test('the log as the deciding participant: sessions are released and recovery finishes the branch', async () => {
    const error = await transactionWithLogKilled(['a', 'log'], 2);
    assert.equal(error.phase, 'decision');
    assert.match(error.states.a, /in doubt/);
    await assertPoolsServe(['a']);
    await recoverAndCheck();
    assert.equal(await DB.connection('log').selectOne('SELECT note FROM notes'), null, "the decider's work was lost with its server");
  });
});
