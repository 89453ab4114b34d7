/**
 * What the read/write splitting suites need per engine: a primary with real
 * replicas (private servers, see test-servers.ts), connection options over
 * them, and the SQL that tells which server answered or pauses a replica.
 */
import assert from 'node:assert/strict';
import type { ConnectionOptions } from '../../src/index.js';
import { startMariadb, startMariadbReplica, startPostgres, startPostgresReplica, type TestServer } from './test-servers.js';

export interface ReplicatedEngine {
  name: 'postgres' | 'mariadb';
  driver: 'pgsql' | 'mysql';
  /** Starts a primary and `replicas` replicas of it. */
  start(replicas: number): Promise<{ primary: TestServer; replicas: TestServer[] }>;
  /** Database the suites work in (MariaDB: created on the primary, it replicates). */
  database: string;
  /** SQL expression: the port of the server that evaluates it. */
  port: string;
  /** A read that takes `seconds` and returns the server's port. */
  slowRead(seconds: number): string;
  /** Stops / restarts applying replicated changes (run on a replica). */
  pauseReplay: string;
  resumeReplay: string;
  /** Table `items (id, name, port)`. */
  createItems: string;
  /** Sessions on a server running `slowRead` (for waiting until reads are in flight there). */
  slowReadsRunning: string;
}

export const replicatedEngines: readonly ReplicatedEngine[] = [
  {
    name: 'postgres',
    driver: 'pgsql',
    async start(count) {
      const primary = await startPostgres();
      const replicas = await Promise.all(Array.from({ length: count }, () => startPostgresReplica(primary)));
      return { primary, replicas };
    },
    database: 'postgres',
    port: 'inet_server_port()',
    slowRead: (seconds) => `SELECT pg_sleep(${seconds}) AS slept, inet_server_port() AS port`,
    pauseReplay: 'SELECT pg_wal_replay_pause()',
    resumeReplay: 'SELECT pg_wal_replay_resume()',
    createItems: 'CREATE TABLE items (id SERIAL PRIMARY KEY, name VARCHAR(50) NOT NULL, port INT)',
    slowReadsRunning: "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(%' AND state = 'active'",
  },
  {
    name: 'mariadb',
    driver: 'mysql',
    async start(count) {
      const primary = await startMariadb();
      const replicas = await Promise.all(Array.from({ length: count }, () => startMariadbReplica(primary)));
      return { primary, replicas };
    },
    database: 'app',
    port: '@@port',
    slowRead: (seconds) => `SELECT SLEEP(${seconds}) AS slept, @@port AS port`,
    pauseReplay: 'STOP SLAVE SQL_THREAD',
    resumeReplay: 'START SLAVE SQL_THREAD',
    createItems: 'CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, port INT)',
    slowReadsRunning: "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(%'",
  },
];

/** Options of a connection on one server (no splitting). */
export function serverOptions(engine: ReplicatedEngine, server: TestServer, database = engine.database): ConnectionOptions {
  return { driver: engine.driver, host: server.host, port: server.port, username: server.username, password: server.password, database };
}

/** Options of a read/write connection: writes to `primary`, reads from `replicas`. */
export function splitOptions(
  engine: ReplicatedEngine,
  primary: TestServer,
  replicas: readonly TestServer[],
  extra: Partial<ConnectionOptions> = {},
): ConnectionOptions {
  return {
    driver: engine.driver,
    host: primary.host,
    username: primary.username,
    password: primary.password,
    database: engine.database,
    write: { port: primary.port },
    read: replicas.map((replica) => ({ port: replica.port })),
    ...extra,
  };
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `fn` as a new async flow (from a setImmediate callback, like a fresh request would). */
export function inNewFlow<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => setImmediate(() => fn().then(resolve, reject)));
}

/** A promise with its resolver, to order steps of concurrent flows. */
export function signal(): { promise: Promise<void>; fire(): void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}
