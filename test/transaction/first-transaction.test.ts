import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Connection, DB } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/first-transaction.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runFixture(config: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: ROOT,
      env: { ...process.env, SO_DB_TEST_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The first transaction of a process, in a fresh process: transaction scopes follow async flows
 * through AsyncLocalStorage, which on Node 20/22 tracks only the promises made once it is
 * enabled. Enabled late (at the first transaction), a beginTransaction() inside an awaited callee
 * reached its caller's continuation and every other flow that was awaiting then, whose
 * statements ran inside it (bench/FINDINGS.md, W9): this is the case that must hold.
 */
describeEachEngine('the first transaction of a process', (engine) => {
  let database: ThrowawayDatabase;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    await Connection.getInstance('db').statement(`CREATE TABLE items (${autoIncrement(engine.driver)}, name VARCHAR(50))`);
    await DB.disconnect();
  });

  after(async () => {
    await database.drop();
  });

  test('begun in an awaited callee: only the callee and what it starts are in it, not its caller nor a flow awaiting since before', async () => {
    const run = await runFixture({ default: 'db', connections: { db: { ...database.options, pool: { max: 3 } } } });
    assert.equal(run.code, 0, run.stderr);
    const { seen, rows } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { seen: Record<string, boolean>; rows: string[] };
    assert.deepEqual(seen, { callee: true, caller: false, otherFlow: false, calleeAfterRollback: false, afterAll: false });
    assert.deepEqual(rows, ['later transaction']);
  });
});
