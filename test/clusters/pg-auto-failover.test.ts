/**
 * A PostgreSQL connection on a multi-host URL (API.md section 16) across a real pg_auto_failover
 * group (test/support/clusters.ts: a monitor and two nodes), switched over with
 * `pg_autoctl perform failover` while the test writes: the window of failed writes is measured and
 * reported, every failed write is an error and no acknowledged write is lost (rows counted); reads
 * carry on after the switchover; a transaction left prepared by a crash is finished through the new
 * primary. The group starts once for the file (15-25 s on 2 busy cores); each of the two switchovers
 * takes 3 s to the promotion and up to 20 s until the old primary is a standby again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DB, type DatabaseConfig, DatabaseError } from '../../src/index.js';
import { type AutoFailoverGroup, autoFailoverMissing, startAutoFailover } from '../support/clusters.js';
import { engine, type ThrowawayDatabase } from '../support/engines.js';
import { stopAll } from '../support/test-servers.js';

const requireServers = process.env.SO_DB_REQUIRE_SERVERS === '1';
const missing = autoFailoverMissing();
const skip = missing !== undefined && !requireServers ? missing : false;
const FIXTURE = fileURLToPath(new URL('../transaction/fixtures/two-phase-crash.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface WriteOutcome {
  n: number;
  at: number;
  ok: boolean;
  error?: string;
}

/**
 * Writes n = 1, 2, 3 ... one after the other until `stop()` says so, recording when each one
 * succeeded or failed (every failure must be a DatabaseError).
 */
async function writeLoop(write: (n: number) => Promise<unknown>, stop: (outcomes: readonly WriteOutcome[]) => boolean): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  for (let n = 1; !stop(outcomes); n++) {
    try {
      await write(n);
      outcomes.push({ n, at: Date.now(), ok: true });
    } catch (error) {
      assert.ok(error instanceof DatabaseError, `a failed write is a DatabaseError: ${String(error)}`);
      outcomes.push({ n, at: Date.now(), ok: false, error: `${error.constructor.name} ${error.sqlState ?? error.code ?? ''} ${error.message.slice(0, 80)}` });
      // A failed write is not retried: the loop goes on with the next one (a client would report it).
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return outcomes;
}

/** Runs one DB.transaction in a child process and kills it after the decision: its PostgreSQL branch stays prepared. */
async function crashAfterDecision(config: DatabaseConfig, names: string[], amount: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: ROOT,
    env: {
      ...process.env,
      SO_DB_TEST_PAUSE_AFTER: 'decision',
      SO_DB_TEST_CONFIG: JSON.stringify(config),
      SO_DB_TEST_NAMES: JSON.stringify(names),
      SO_DB_TEST_AMOUNT: String(amount),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('SO_DB_PAUSED decision')) resolve();
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before the decision:\n${output}`)));
  });
  child.kill('SIGKILL');
  await exited;
}

describe('PostgreSQL failover on a real pg_auto_failover group', { skip }, () => {
  let group: AutoFailoverGroup;
  const databases: ThrowawayDatabase[] = [];
  let config: DatabaseConfig;

  before(async () => {
    if (missing !== undefined) throw new Error(`${missing} (SO_DB_REQUIRE_SERVERS=1: servers are required)`);
    group = await startAutoFailover({ size: 2, maxPreparedTransactions: 10 });
    const lite = await engine('sqlite').createDatabase();
    databases.push(lite);
    config = {
      connections: {
        // The writer's default target is the primary: postgres.js tries the hosts in order.
        pg: { url: group.url('postgres'), pool: { max: 4 } },
        lite: lite.options,
      },
      transactions: { prefix: `sodbf${process.pid}` },
    };
    await DB.configure(config);
    await DB.connection('pg').statement('CREATE TABLE ticks (n INT PRIMARY KEY)');
    await DB.connection('pg').statement('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
    await DB.connection('pg').insert('INSERT INTO accounts (id, balance) VALUES (1, 100)');
    await DB.connection('lite').statement('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
    await DB.connection('lite').insert('INSERT INTO accounts (id, balance) VALUES (1, 100)');
  });

  after(async () => {
    await DB.disconnect();
    await Promise.all(databases.map((d) => d.drop()));
    await stopAll();
  });

  test('a switchover under a steady write load: failures are errors, acknowledged writes all there', async (t) => {
    const pg = DB.connection('pg');
    const before = await group.primary();
    let switchedAt = 0; // when the new primary was promoted: it takes writes from then on
    let settledAt = 0; // when the monitor reported the group settled (the old primary a standby again)
    let switchStarted = 0;
    const started = Date.now();
    const switching = (async () => {
      // Some writes first, so the window starts from a steady state.
      while (Date.now() - started < 500) await new Promise((resolve) => setTimeout(resolve, 50));
      const times = await group.failover();
      [switchStarted, switchedAt, settledAt] = [times.startedAt, times.promotedAt, times.settledAt];
    })();
    const outcomes = await writeLoop(
      (n) => pg.insert('INSERT INTO ticks (n) VALUES (?)', [n]),
      // Until the group settled and 2 s of writes followed (30 s at most after it).
      (o) => settledAt !== 0 && Date.now() - settledAt > 2000 && (o.at(-1)?.ok === true || Date.now() - settledAt > 30_000),
    );
    await switching;
    const after = await group.primary();
    assert.notEqual(after.name, before.name, 'the primary moved');

    const failed = outcomes.filter((o) => !o.ok);
    const succeeded = outcomes.filter((o) => o.ok);
    const lastFailure = failed.at(-1);
    const firstFailure = failed[0];
    const recovered = lastFailure === undefined ? undefined : outcomes.find((o) => o.ok && o.n > lastFailure.n);
    assert.ok(outcomes.at(-1)?.ok, 'writes succeed again after the switchover');

    // Counting rows: every acknowledged write is on the new primary; a failed one may or may not be
    // (its commit may have happened before the connection was lost), never anything else.
    const rows = (await pg.select<{ n: number }>('SELECT n FROM ticks ORDER BY n')).map((r) => Number(r.n));
    const inTable = new Set(rows);
    const lost = succeeded.filter((o) => !inTable.has(o.n));
    assert.deepEqual(lost, [], 'no acknowledged write is lost');
    const failedNs = new Set(failed.map((o) => o.n));
    assert.deepEqual(
      rows.filter((n) => !failedNs.has(n) && !succeeded.some((o) => o.n === n)),
      [],
      'nothing that was not written',
    );

    const windowMs = firstFailure === undefined || recovered === undefined ? 0 : recovered.at - firstFailure.at;
    assert.ok(switchedAt > 0, 'the promotion was seen');
    const afterSwitchMs = recovered === undefined ? 0 : recovered.at - switchedAt;
    const report =
      `switchover: promoted ${switchedAt - switchStarted} ms, settled ${settledAt - switchStarted} ms after pg_autoctl perform failover; ` +
      `${outcomes.length} writes, ${failed.length} failed; failed-write window ${windowMs} ms; ` +
      `writes back ${afterSwitchMs} ms after the promotion; ` +
      `${failed.filter((o) => inTable.has(o.n)).length} failed writes committed anyway; errors: ${[...new Set(failed.map((o) => o.error?.split(' ').slice(0, 2).join(' ')))].join(', ')}`;
    t.diagnostic(report);
    process.stdout.write(`# failover: ${report}\n`);
    // The target (API.md 16) is under 2 s after the switchover completes; asserted loosely, as the machine may be loaded.
    assert.ok(afterSwitchMs < 20_000, report);
    assert.ok(failed.every((o) => o.at >= switchStarted), 'no write failed before the switchover began');
  });

  test('after a switchover: reads carry on, and a transaction left prepared by a crash is finished through the new primary (DB.recover)', async () => {
    const pg = DB.connection('pg');
    await crashAfterDecision(config, ['pg', 'lite'], 7);
    const prepared = await pg.select<{ gid: string }>('SELECT gid FROM pg_prepared_xacts');
    assert.equal(prepared.length, 1, 'the PostgreSQL branch is left prepared');
    assert.equal(Number((await DB.connection('lite').selectOne<{ b: number }>('SELECT balance AS b FROM accounts WHERE id = 1'))?.b), 107, 'the decider committed');

    // Warm sessions on the current primary, which the switchover demotes (it restarts as a standby).
    await Promise.all(Array.from({ length: 4 }, () => pg.select('SELECT pg_sleep(0.05)')));
    const count = Number((await pg.selectOne<{ c: number }>('SELECT COUNT(*) AS c FROM ticks'))?.c);
    await group.failover(); // the prepared transaction moves with the primary (it is in the WAL)
    // Reads after the switchover: sessions of the old primary are replaced (a read is tried once more
    // on a fresh session when its server went away), none fails, all reach the new primary.
    for (let i = 0; i < 12; i++) {
      const row = await pg.selectOne<{ c: number; standby: boolean }>('SELECT COUNT(*) AS c, pg_is_in_recovery() AS standby FROM ticks');
      assert.equal(Number(row?.c), count);
      assert.equal(row?.standby, false, 'the writer reaches the new primary');
    }
    assert.deepEqual(
      (await pg.select<{ gid: string }>('SELECT gid FROM pg_prepared_xacts')).map((r) => r.gid),
      prepared.map((r) => r.gid),
      'still prepared on the new primary',
    );
    const results = await DB.recover({ minAgeMs: 0 });
    const mine = results.filter((r) => r.connection === 'pg' && r.xid === prepared[0]?.gid);
    assert.equal(mine.length, 1, JSON.stringify(results));
    assert.equal(mine[0]?.action, 'committed');
    assert.deepEqual(await pg.select('SELECT gid FROM pg_prepared_xacts'), []);
    assert.equal(Number((await pg.selectOne<{ b: number }>('SELECT balance AS b FROM accounts WHERE id = 1'))?.b), 107);
  });
});
