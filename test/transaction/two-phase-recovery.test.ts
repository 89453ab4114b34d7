import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DB, type DatabaseConfig, type RecoveryResult } from '../../src/index.js';
import {
  createParticipants,
  leftPrepared,
  MIXES,
  type Participant,
  skipReason,
  stopServers,
  uniquePrefix,
} from './fixtures/two-phase-setups.js';
import { ensureBuilt, TempProject } from '../cli/cli-harness.js';

after(stopServers);

const FIXTURE = fileURLToPath(new URL('./fixtures/two-phase-crash.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs one DB.transaction in a child process that pauses after `point` (the
 * coordinator's test hook), then kills it with SIGKILL: a crash between the phases.
 */
async function crashAfter(point: 'prepare' | 'decision', config: DatabaseConfig, names: string[], amount: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: ROOT,
    env: {
      ...process.env,
      SO_DB_TEST_PAUSE_AFTER: point,
      SO_DB_TEST_CONFIG: JSON.stringify(config),
      SO_DB_TEST_NAMES: JSON.stringify(names),
      SO_DB_TEST_AMOUNT: String(amount),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes(`SO_DB_PAUSED ${point}`)) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the child exited (${code}) before pausing after ${point}:\n${stdout}\n${stderr}`)),
    );
  });
  child.kill('SIGKILL');
  await exited;
}

/**
 * DB.recover({ minAgeMs: 0 }) until every branch in `xids` is finished. A
 * MariaDB branch stays attached to its session until the server has noticed
 * the killed client's disconnect; until then recovery reports it skipped.
 */
async function recoverAll(xids: readonly string[]): Promise<Map<string, RecoveryResult>> {
  const finished = new Map<string, RecoveryResult>();
  for (let attempt = 0; attempt < 100 && finished.size < xids.length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const result of await DB.recover({ minAgeMs: 0 })) {
      if (result.xid !== null && xids.includes(result.xid) && result.action !== 'skipped') finished.set(result.xid, result);
    }
  }
  return finished;
}

/** `so-db recover --json` (young branches are only reported) in a project with `config`. */
async function recoverCli(config: DatabaseConfig): Promise<RecoveryResult[]> {
  ensureBuilt();
  const project = new TempProject(config);
  try {
    const result = await project.json<RecoveryResult[]>(['recover']);
    assert.equal(result.code, 0, result.stderr);
    return result.value;
  } finally {
    project.cleanup();
  }
}

for (const mix of MIXES) {
  describe(`DB.recover() after a crash across ${mix.title}`, { skip: skipReason(mix) }, () => {
    const prefix = uniquePrefix();
    let participants: Participant[];
    let names: string[];
    let config: DatabaseConfig;
    let decider: Participant;

    async function balances(): Promise<number[]> {
      return Promise.all(
        names.map(async (name) =>
          Number(
            (await DB.connection(name).selectOne<{ balance: number }>('SELECT balance FROM accounts WHERE id = 1'))?.balance,
          ),
        ),
      );
    }

    before(async () => {
      participants = await createParticipants(mix);
      names = participants.map((p) => p.name);
      decider = participants.find((p) => p.kind === 'sqlite') ?? participants[0];
      config = { connections: Object.fromEntries(participants.map((p) => [p.name, p.options])), transactions: { prefix } };
      await DB.configure(config);
      for (const name of names)
        await DB.connection(name).statement('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
    });

    beforeEach(async () => {
      for (const name of names) {
        await DB.connection(name).delete('DELETE FROM accounts');
        await DB.connection(name).insert('INSERT INTO accounts (id, balance) VALUES (1, 100)');
      }
    });

    after(async () => {
      await DB.disconnect();
      await Promise.all((participants ?? []).map((p) => p.drop()));
    });

    test('a crash after the decision: recovery commits every prepared participant', async () => {
      await crashAfter('decision', config, names, 7);
      const inDoubt = await leftPrepared(participants, prefix);
      assert.equal(inDoubt.length, participants.length - 1, 'every participant but the decider is left prepared');

      const early = (await DB.recover()).filter((r) => r.xid !== null && inDoubt.includes(r.xid));
      assert.ok(
        early.every((r) => r.action === 'skipped' && /younger than minAgeMs/.test(r.reason)),
        'young ones are left alone',
      );
      // XA RECOVER lists a branch on every connection to its server: still one row per branch.
      assert.deepEqual(early.map((r) => r.xid).sort(), inDoubt, 'one row per branch');
      const cli = await recoverCli(config);
      assert.deepEqual(cli.filter((r) => r.xid !== null && inDoubt.includes(r.xid)).map((r) => r.xid).sort(), inDoubt);
      assert.deepEqual(await leftPrepared(participants, prefix), inDoubt);

      const finished = await recoverAll(inDoubt);
      assert.deepEqual(
        [...finished.values()].map((r) => r.action),
        inDoubt.map(() => 'committed'),
      );
      assert.deepEqual(
        await balances(),
        names.map(() => 107),
        'the decider committed with the decision, the others by recovery',
      );
      assert.deepEqual(await leftPrepared(participants, prefix), []);
    });

    test('a crash after phase one: recovery rolls back every participant', async () => {
      await crashAfter('prepare', config, names, 7);
      const inDoubt = await leftPrepared(participants, prefix);
      assert.equal(inDoubt.length, participants.length - 1);

      const finished = await recoverAll(inDoubt);
      assert.deepEqual(
        [...finished.values()].map((r) => r.action),
        inDoubt.map(() => 'rolled back'),
      );
      for (const result of finished.values()) assert.match(result.reason, /no decision to commit was recorded/);
      assert.deepEqual(
        await balances(),
        names.map(() => 100),
      );
      assert.deepEqual(await leftPrepared(participants, prefix), []);
      // Recovery records its decision, so a coordinator that was only slow can no longer commit.
      const gid = inDoubt[0].replace(/_[0-9a-z]+$/, '');
      const logged = await DB.connection(decider.name).select<{ decision: string }>(
        'SELECT decision FROM so_transaction_log WHERE xid = ?',
        [gid],
      );
      assert.deepEqual(
        logged.map((r) => r.decision),
        ['rollback'],
      );
    });
  });
}
