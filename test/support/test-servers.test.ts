import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { startMariadb, startMariadbReplica, startPostgres, startPostgresReplica, stopAll, type TestServer } from './test-servers.js';

/** Polls `check` until it returns true or the deadline passes. */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function groupMembers(pid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pgid=,pid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pgid]) => Number(pgid) === pid)
    .map(([, p]) => p as string);
}

describe('test servers', () => {
  after(stopAll);

  describe('PostgreSQL primary + streaming replica', () => {
    let primary: TestServer;
    let replica: TestServer;
    let onPrimary: postgres.Sql;
    let onReplica: postgres.Sql;

    before(async () => {
      primary = await startPostgres({ maxPreparedTransactions: 10 });
      replica = await startPostgresReplica(primary);
      onPrimary = postgres({ host: primary.host, port: primary.port, username: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
      onReplica = postgres({ host: replica.host, port: replica.port, username: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
    });
    after(async () => {
      await onPrimary?.end();
      await onReplica?.end();
    });

    it('replicates a write and knows which side is which', async () => {
      assert.equal((await onPrimary`select pg_is_in_recovery() as r`)[0]?.r, false);
      assert.equal((await onReplica`select pg_is_in_recovery() as r`)[0]?.r, true);
      assert.equal((await onPrimary`show max_prepared_transactions`)[0]?.max_prepared_transactions, '10');
      await onPrimary`create table t (id int primary key, name text)`;
      await onPrimary`insert into t values (1, 'replicated')`;
      await waitFor('the row on the replica', async () => (await onReplica`select name from t where id = 1`)[0]?.name === 'replicated');
    });

    it('kills and restarts the primary on the same port and data, with no process left while down', async () => {
      const pid = primary.pid() as number;
      await onPrimary.end();
      await primary.kill();
      assert.equal(primary.pid(), undefined);
      assert.deepEqual(groupMembers(pid), []);
      await primary.start();
      onPrimary = postgres({ host: primary.host, port: primary.port, username: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
      assert.equal((await onPrimary`select name from t where id = 1`)[0]?.name, 'replicated');
      await onPrimary`insert into t values (2, 'after restart')`;
      await waitFor('the replica to reconnect', async () => (await onReplica`select count(*)::int as n from t`)[0]?.n === 2);
    });
  });

  describe('MariaDB primary + GTID replica', () => {
    let primary: TestServer;
    let replica: TestServer;
    let onPrimary: mysql.Connection;
    let onReplica: mysql.Connection;

    before(async () => {
      primary = await startMariadb();
      replica = await startMariadbReplica(primary);
      onPrimary = await mysql.createConnection({ host: primary.host, port: primary.port, user: 'root', password: '' });
      onReplica = await mysql.createConnection({ host: replica.host, port: replica.port, user: 'root', password: '' });
    });
    after(async () => {
      await onPrimary?.end();
      await onReplica?.end();
    });

    it('replicates a write and gives each server its own id', async () => {
      const [[p]] = (await onPrimary.query('SELECT @@server_id AS id, @@log_bin AS bin')) as unknown as [Array<{ id: number; bin: number }>];
      const [[r]] = (await onReplica.query('SELECT @@server_id AS id')) as unknown as [Array<{ id: number }>];
      assert.notEqual(p?.id, r?.id);
      assert.equal(p?.bin, 1);
      await onPrimary.query('CREATE DATABASE app');
      await onPrimary.query('CREATE TABLE app.t (id INT PRIMARY KEY, name VARCHAR(50))');
      await onPrimary.query("INSERT INTO app.t VALUES (1, 'replicated')");
      await waitFor('the row on the replica', async () => {
        const [rows] = (await onReplica.query('SELECT name FROM app.t WHERE id = 1')) as unknown as [Array<{ name: string }>];
        return rows[0]?.name === 'replicated';
      });
      const [[status]] = (await onReplica.query('SHOW SLAVE STATUS')) as unknown as [Array<{ Using_Gtid: string; Slave_IO_Running: string }>];
      assert.equal(status?.Using_Gtid, 'Slave_Pos');
      assert.equal(status?.Slave_IO_Running, 'Yes');
    });

    it('stops a server completely', async () => {
      const pid = replica.pid() as number;
      await onReplica.end();
      await replica.stop();
      assert.equal(processAlive(pid), false);
      assert.deepEqual(groupMembers(pid), []);
      await replica.start();
      onReplica = await mysql.createConnection({ host: replica.host, port: replica.port, user: 'root', password: '' });
      await onPrimary.query("INSERT INTO app.t VALUES (2, 'after restart')");
      await waitFor('replication to resume', async () => {
        const [rows] = (await onReplica.query('SELECT COUNT(*) AS n FROM app.t')) as unknown as [Array<{ n: number }>];
        return Number(rows[0]?.n) === 2;
      });
    });
  });

  it('stopAll leaves no server process and no directory', async () => {
    const servers = await Promise.all([startPostgres(), startMariadb()]);
    const pids = servers.map((s) => s.pid() as number);
    await stopAll();
    for (const pid of pids) {
      assert.equal(processAlive(pid), false);
      assert.deepEqual(groupMembers(pid), []);
    }
    for (const s of servers) assert.equal(existsSync(s.dataDir), false);
  });
});
