import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { type ConnectionOptions, DB, type DatabaseConfig } from '../../src/index.js';
import { autoIncrement, describeEachEngine, engine as engineNamed, reachable, type ThrowawayDatabase } from '../support/engines.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/exit-script.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Liveness bounds, not speed assertions: a script that is done exits long before; one kept alive never does. */
const EXIT_BOUND_MS = 15_000;
const STAYS_ALIVE_MS = 1500;

interface ScriptRun {
  /** It ended by itself (else it was killed at the bound). */
  exited: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the fixture script. By default waits up to EXIT_BOUND_MS for it to exit by itself; with
 * `aliveAfter`, waits for that line of output, then STAYS_ALIVE_MS more, and kills it if it is still running.
 */
function runScript(env: Record<string, string>, aliveAfter?: string): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let exited = true;
    let bound: NodeJS.Timeout | undefined;
    const killAfter = (ms: number) => {
      clearTimeout(bound);
      bound = setTimeout(() => {
        exited = false;
        child.kill('SIGKILL');
      }, ms);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (aliveAfter !== undefined && stdout.includes(aliveAfter)) killAfter(STAYS_ALIVE_MS);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(bound);
      resolve({ exited, code, stdout, stderr });
    });
    killAfter(EXIT_BOUND_MS);
  });
}

function assertExitedCleanly(run: ScriptRun): void {
  assert.equal(run.exited, true, `the script exited by itself (stdout: ${run.stdout}; stderr: ${run.stderr})`);
  assert.equal(run.code, 0, `exit code 0 (stderr: ${run.stderr})`);
  assert.doesNotMatch(run.stderr, /unsettled top-level await|Warning/, 'it did not stop with work pending');
}

describeEachEngine('process exit', (engine) => {
  let database: ThrowawayDatabase;
  const config = (pool: ConnectionOptions['pool'] = {}): string =>
    JSON.stringify({ default: 'db', connections: { db: { ...database.options, pool } } } satisfies DatabaseConfig);

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ connections: { db: database.options } });
    await DB.connection('db').statement(`CREATE TABLE marks (${autoIncrement(engine.driver)}, note VARCHAR(40))`);
    await DB.disconnect();
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('a script that forgets DB.disconnect() exits by itself once its queries are answered', async () => {
    const run = await runScript({ SO_DB_TEST_CONFIG: config(), SO_DB_TEST_WORK: 'query' });
    assertExitedCleanly(run);
    assert.match(run.stdout, /^ROWS \[\{"one":1\}\]$/m);
  });

  test('a statement in flight and an open transaction keep the process alive until they are done', async () => {
    const sleep = { sqlite: 'SELECT 1 AS slept', mysql: 'SELECT SLEEP(1) AS slept', pgsql: 'SELECT 1 AS slept FROM pg_sleep(1)' };
    const run = await runScript({ SO_DB_TEST_CONFIG: config(), SO_DB_TEST_WORK: 'busy', SO_DB_TEST_SLEEP_SQL: sleep[engine.driver] });
    assertExitedCleanly(run);
    assert.match(run.stdout, /^COMMITTED \[\{"note":"before the pause"\},\{"note":"after the pause"\}\]$/m);
    assert.match(run.stdout, new RegExp(`^SLEPT \\[\\{"slept":${engine.driver === 'mysql' ? 0 : 1}\\}\\]$`, 'm'));
  });

  test('a read/write split connection with lag checks: its timers and replica pools do not keep the process alive', {
    skip: engine.driver === 'sqlite' && 'SQLite has no replication lag to check',
  }, async () => {
    // The replica is the same server, which replicates from nobody: it counts as lagging and reads fall back to the writer.
    const split = { ...database.options, read: [{}], maxReplicationLag: 1 };
    const run = await runScript({ SO_DB_TEST_CONFIG: JSON.stringify({ connections: { db: split } }), SO_DB_TEST_WORK: 'query' });
    assertExitedCleanly(run);
    assert.match(run.stdout, /^ROWS \[\{"one":1\}\]$/m);
  });

  test('with pool.allowExitOnIdle false, idle sessions keep the process alive', async () => {
    const run = await runScript({ SO_DB_TEST_CONFIG: config({ allowExitOnIdle: false }), SO_DB_TEST_WORK: 'query' }, 'ROWS');
    assert.match(run.stdout, /^ROWS \[\{"one":1\}\]$/m);
    assert.equal(run.exited, false, `still running ${STAYS_ALIVE_MS} ms after its work was done (stderr: ${run.stderr})`);
  });
});

const redisUp = await reachable('127.0.0.1', 6379);
const redisSkip = redisUp || process.env.SO_DB_REQUIRE_SERVERS === '1' ? false : 'Redis not reachable at 127.0.0.1:6379';

describe('process exit with a Redis cache', { skip: redisSkip }, () => {
  let database: ThrowawayDatabase;
  const prefix = `sodb-test-${randomBytes(4).toString('hex')}:`;
  const config = (): string =>
    JSON.stringify({
      default: 'db',
      connections: { db: database.options },
      cache: { store: 'redis', url: 'redis://127.0.0.1:6379', prefix },
    } satisfies DatabaseConfig);

  before(async () => {
    database = await engineNamed('sqlite').createDatabase();
  });

  after(async () => {
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database.drop();
  });

  test('DB.disconnect() closes the Redis client: the script exits', async () => {
    const run = await runScript({ SO_DB_TEST_CONFIG: config(), SO_DB_TEST_WORK: 'cache', SO_DB_TEST_DISCONNECT: '1' });
    assertExitedCleanly(run);
    assert.match(run.stdout, /^CACHED "hello"$/m);
    assert.match(run.stdout, /^DISCONNECTED$/m);
  });

  test('an idle Redis client does not keep a script alive that forgets DB.disconnect()', async () => {
    const run = await runScript({ SO_DB_TEST_CONFIG: config(), SO_DB_TEST_WORK: 'cache' });
    assertExitedCleanly(run);
    assert.match(run.stdout, /^CACHED "hello"$/m);
  });
});
