/**
 * Private database servers for tests that need more than the shared local
 * servers give: a PostgreSQL primary with a streaming replica, a MariaDB
 * primary with a GTID replica, a server a test may kill and restart. Each
 * server runs from the installed binaries on a free port in its own temporary
 * directory, in its own process group, so stopping it leaves nothing behind.
 *
 * ```ts
 * const primary = await startPostgres();
 * const replica = await startPostgresReplica(primary);
 * // ... connect to 127.0.0.1:primary.port as postgres (trust) ...
 * await stopAll();
 * ```
 *
 * Every server this process started is also killed, and its directory
 * removed, when the process exits (best effort: 'exit', SIGINT, SIGTERM).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  driver: 'mysql' | 'pgsql';
  host: string;
  port: number;
  username: string;
  password: string;
  dataDir: string;
  /** The server's main process id while it runs. */
  pid(): number | undefined;
  /** Graceful shutdown (keeps the data directory, so `start()` can follow). */
  stop(): Promise<void>;
  /** SIGKILL to the server's whole process group: a crash. */
  kill(): Promise<void>;
  /**
   * A crash, synchronously and completely: SIGKILL to the server and to every process it started,
   * also PostgreSQL backends (they leave the server's process group), so no open session can
   * answer another statement. Callable from a DB.listen listener, before the library goes on.
   */
  crashNow(): void;
  /** Starts it again after stop/kill: same data directory and port. */
  start(): Promise<void>;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';
const MARIADBD = '/usr/sbin/mariadbd';
const MARIADB_INSTALL_DB = '/usr/bin/mariadb-install-db';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const HOST = '127.0.0.1';

export interface Launch {
  file: string;
  args: string[];
  uid?: number;
  gid?: number;
  /** The environment of the process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Signal for a graceful shutdown. */
  stopSignal: NodeJS.Signals;
  /** Resolves when a real connection succeeds; rejects otherwise. */
  ping(): Promise<void>;
}

const running = new Set<ServerProcess>();
const directories = new Set<string>();
let nextServerId = 1;

class ServerProcess implements TestServer {
  readonly host = HOST;
  password = '';
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(
    readonly driver: 'mysql' | 'pgsql',
    public port: number,
    readonly username: string,
    readonly dataDir: string,
    readonly baseDir: string,
    readonly launch: (port: number) => Launch,
  ) {}

  pid(): number | undefined {
    return this.#child?.pid;
  }

  get logFile(): string {
    return join(this.baseDir, 'server.log');
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const launch = this.launch(this.port);
    const log = openSync(this.logFile, 'a');
    const child = spawn(launch.file, launch.args, {
      detached: true, // own process group: kill(-pid) reaches every child process
      stdio: ['ignore', log, log],
      uid: launch.uid,
      gid: launch.gid,
      env: launch.env,
      cwd: this.baseDir,
    });
    closeSync(log);
    child.unref(); // a forgotten server must not keep the test process alive (the exit hook kills it)
    this.#child = child;
    running.add(this);
    let exitedEarly = false;
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        exitedEarly = true;
        if (this.#child === child) this.#child = undefined;
        running.delete(this);
        resolve();
      });
      child.once('error', () => {
        exitedEarly = true;
        if (this.#child === child) this.#child = undefined;
        running.delete(this);
        resolve();
      });
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError: unknown;
    for (;;) {
      if (exitedEarly) throw new Error(`${this.describe()} exited while starting:\n${this.logTail()}`);
      try {
        await launch.ping();
        return;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.describe()} not ready after ${READY_TIMEOUT_MS} ms (${String(lastError)}):\n${this.logTail()}`);
      }
      await delay(100);
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child?.pid === undefined) return;
    try {
      process.kill(child.pid, this.launch(this.port).stopSignal);
    } catch {
      // already gone
    }
    const stopped = await withTimeout(this.#exited, STOP_TIMEOUT_MS);
    killGroup(child.pid); // stragglers, or the whole server when it did not stop in time
    if (!stopped) await withTimeout(this.#exited, STOP_TIMEOUT_MS);
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (child?.pid === undefined) return;
    killGroup(child.pid);
    await withTimeout(this.#exited, STOP_TIMEOUT_MS);
  }

  crashNow(): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    // Children first, found by parent while the server lives: once it is gone they belong to init.
    const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    killGroup(pid);
    for (const child of children) {
      try {
        process.kill(Number(child), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Synchronous kill for the process exit hook. */
  killNow(): void {
    const pid = this.#child?.pid;
    if (pid !== undefined) killGroup(pid);
  }

  describe(): string {
    return `test ${this.driver} server on port ${this.port} (${this.dataDir})`;
  }

  logTail(): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').split('\n').slice(-25).join('\n');
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // no such process group: already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `promise` settled in time. The timer keeps the event loop alive while waiting. */
async function withTimeout(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A port that was free a moment ago (the OS hands out a fresh one for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Runs a program to its end; rejects with its output when it fails. Resolves with its standard output. */
export function run(file: string, args: string[], options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`no system user ${name}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A temporary directory (per-run name) removed by stopAll() and at process exit. */
export function makeBaseDir(prefix: string, owner?: { uid: number; gid: number }): string {
  const base = mkdtempSync(join(tmpdir(), prefix));
  directories.add(base);
  if (owner !== undefined) chownSync(base, owner.uid, owner.gid);
  return base;
}

/** Starts a fresh server, trying another port if the one picked was taken meanwhile. */
async function startFresh(server: ServerProcess): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      return;
    } catch (error) {
      const portTaken = /address already in use|could not bind|Can't start server: Bind/i.test(server.logTail());
      if (!portTaken || attempt >= 3) throw error;
      server.port = await freePort();
    }
  }
}

// ---------------------------------------------------------------- PostgreSQL

interface PgServerOptions {
  maxPreparedTransactions?: number;
  settings?: Record<string, string>;
}

const pgSettings = new WeakMap<TestServer, Record<string, string>>();

function postgresSettings(options: PgServerOptions): Record<string, string> {
  return {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '16MB',
    max_connections: '50',
    wal_level: 'replica',
    max_wal_senders: '8',
    wal_keep_size: '128MB',
    hot_standby: 'on',
    wal_retrieve_retry_interval: '500ms',
    max_prepared_transactions: String(options.maxPreparedTransactions ?? 0),
    ...options.settings,
  };
}

async function pingPostgres(port: number): Promise<void> {
  const pg = (await import('postgres')).default;
  const sql = pg({ host: HOST, port, username: 'postgres', database: 'postgres', max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function postgresServer(dataDir: string, baseDir: string, port: number, settings: Record<string, string>): ServerProcess {
  const owner = userIds('postgres');
  const server = new ServerProcess('pgsql', port, 'postgres', dataDir, baseDir, (p) => ({
    file: join(PG_BIN, 'postgres'),
    args: [
      '-D',
      dataDir,
      '-c',
      `listen_addresses=${HOST}`,
      '-c',
      `port=${p}`,
      '-c',
      `unix_socket_directories=${baseDir}`,
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
    ...owner,
    stopSignal: 'SIGINT', // fast shutdown
    ping: () => pingPostgres(p),
  }));
  pgSettings.set(server, settings);
  return server;
}

/** A PostgreSQL 15 server (trust auth, user postgres, database postgres). */
export async function startPostgres(options: PgServerOptions = {}): Promise<TestServer> {
  const owner = userIds('postgres');
  const baseDir = makeBaseDir('sodb-pg-', owner);
  const dataDir = join(baseDir, 'data');
  await run(join(PG_BIN, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], owner);
  const server = postgresServer(dataDir, baseDir, await freePort(), postgresSettings(options));
  await startFresh(server);
  return server;
}

/** A hot-standby streaming replica of `primary` (pg_basebackup -R), with the primary's settings. */
export async function startPostgresReplica(primary: TestServer): Promise<TestServer> {
  const owner = userIds('postgres');
  const baseDir = makeBaseDir('sodb-pg-replica-', owner);
  const dataDir = join(baseDir, 'data');
  await run(join(PG_BIN, 'pg_basebackup'), ['-h', primary.host, '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'], owner);
  // A standby needs max_connections, max_prepared_transactions ... at least as high as its primary's.
  const settings = pgSettings.get(primary) ?? postgresSettings({});
  const server = postgresServer(dataDir, baseDir, await freePort(), settings);
  await startFresh(server);
  return server;
}

// ---------------------------------------------------------------- MariaDB

export interface MariadbServerOptions {
  serverId?: number;
  /** Server options over the defaults; `null` leaves a default out (e.g. `'log-bin': null`: no binary log). */
  settings?: Record<string, string | null>;
  /**
   * The system user the server runs as (default root). Galera's rsync state transfer needs a user that is not
   * root: its rsync daemon, started as root, would write as nobody.
   */
  user?: string;
  /** More command-line arguments, asked at every start (e.g. `--wsrep-new-cluster` only the first time). */
  extraArgs?: () => string[];
}

async function mysqlQuery(port: number, sql: string): Promise<void> {
  const mysql = (await import('mysql2/promise')).default;
  const conn = await mysql.createConnection({ host: HOST, port, user: 'root', password: '', connectTimeout: 2000 });
  try {
    await conn.query(sql);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

async function mariadbServer(options: MariadbServerOptions): Promise<ServerProcess> {
  const user = options.user ?? 'root';
  const owner = user === 'root' ? undefined : userIds(user);
  const baseDir = makeBaseDir('sodb-mariadb-', owner);
  const dataDir = join(baseDir, 'data');
  const tmp = join(baseDir, 'tmp'); // its own: servers bootstrapping at once must not share temporary files
  mkdirSync(dataDir);
  mkdirSync(tmp);
  if (owner !== undefined) for (const dir of [dataDir, tmp]) chownSync(dir, owner.uid, owner.gid);
  await run(MARIADB_INSTALL_DB, [
    '--no-defaults',
    `--datadir=${dataDir}`,
    `--tmpdir=${tmp}`,
    `--user=${user}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--innodb-log-file-size=16M',
  ]);
  const serverId = options.serverId ?? nextServerId++;
  const settings: Record<string, string | null> = {
    'server-id': String(serverId),
    'log-bin': 'mysql-bin',
    'relay-log': 'relay-bin',
    'binlog-format': 'ROW',
    'log-slave-updates': 'ON',
    'innodb-buffer-pool-size': '32M',
    'innodb-log-file-size': '16M',
    'innodb-flush-log-at-trx-commit': '2',
    'innodb-doublewrite': '0',
    'sync-binlog': '0',
    'performance-schema': 'OFF',
    'skip-name-resolve': 'ON',
    tmpdir: tmp,
    'max-connections': '100',
    'character-set-server': 'utf8mb4',
    'collation-server': 'utf8mb4_unicode_ci',
    ...options.settings,
  };
  return new ServerProcess('mysql', await freePort(), 'root', dataDir, baseDir, (p) => ({
    file: MARIADBD,
    args: [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${p}`,
      `--bind-address=${HOST}`,
      `--socket=${join(baseDir, 'mysql.sock')}`,
      `--pid-file=${join(baseDir, 'mariadbd.pid')}`,
      `--user=${user}`,
      ...Object.entries(settings).flatMap(([k, v]) => (v === null ? [] : [`--${k}=${v}`])),
      ...(options.extraArgs?.() ?? []),
    ],
    stopSignal: 'SIGTERM',
    ping: () => mysqlQuery(p, 'SELECT 1'),
  }));
}

/** A MariaDB server started but not waited for: the caller starts it (e.g. a Galera node that joins a cluster). */
export function createMariadb(options: MariadbServerOptions = {}): Promise<TestServer> {
  return mariadbServer(options);
}

/**
 * A server process of the caller's own making (e.g. pg_autoctl, which runs PostgreSQL itself), started,
 * stopped and cleaned up like the others: `launch(port)` says how to run it and when it is ready.
 */
export async function startProcess(options: {
  driver: 'mysql' | 'pgsql';
  port: number;
  username: string;
  dataDir: string;
  baseDir: string;
  launch: (port: number) => Launch;
}): Promise<TestServer> {
  const server = new ServerProcess(options.driver, options.port, options.username, options.dataDir, options.baseDir, options.launch);
  await server.start();
  return server;
}

/** A MariaDB server with binlog and GTID (root, empty password, over TCP). */
export async function startMariadb(options: MariadbServerOptions = {}): Promise<TestServer> {
  const server = await mariadbServer(options);
  await startFresh(server);
  return server;
}

/** A GTID replica of `primary` (CHANGE MASTER TO ... MASTER_USE_GTID=slave_pos; START SLAVE). */
export async function startMariadbReplica(primary: TestServer, options: { serverId?: number } = {}): Promise<TestServer> {
  const server = await mariadbServer({ serverId: options.serverId });
  await startFresh(server);
  await mysqlQuery(
    server.port,
    `CHANGE MASTER TO MASTER_HOST='${primary.host}', MASTER_PORT=${primary.port}, MASTER_USER='${primary.username}', ` +
      `MASTER_PASSWORD='${primary.password}', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos`,
  );
  await mysqlQuery(server.port, 'START SLAVE');
  return server;
}

// ---------------------------------------------------------------- clean-up

/** Stops every server this process started and removes their directories. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  directories.clear();
}

function cleanupNow(): void {
  for (const server of running) server.killNow();
  running.clear();
  for (const dir of directories) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  directories.clear();
}

process.on('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanupNow();
    process.kill(process.pid, signal); // the default action, now that this listener is gone
  });
}
