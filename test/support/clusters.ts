/**
 * Real clusters for tests, started from the installed Debian packages on free loopback ports in
 * temporary directories (per-run names) and stopped with everything else test-servers.ts started
 * (stopAll(), or at process exit):
 *
 * - startGalera(): a MariaDB Galera multi-primary cluster (galera-4), 3 nodes by default.
 * - startAutoFailover(): a pg_auto_failover group (postgresql-15-auto-failover, pg-auto-failover-cli):
 *   a monitor and 2-3 PostgreSQL nodes, one primary, the others hot standbys.
 *
 * Both wait for conditions the servers report (cluster size, Synced, primary/secondary states), never
 * for fixed times. /work/shared/CLUSTERS.md has the recipe and what was measured.
 *
 * ```ts
 * const galera = await startGalera();
 * // ... connect to galera.nodes[0..2] (root, no password) ...
 * const group = await startAutoFailover({ maxPreparedTransactions: 10 });
 * await group.failover(); // the primary moves to a standby
 * await stopAll();
 * ```
 */
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import postgres from 'postgres';
import { createMariadb, freePort, makeBaseDir, run, startProcess, type TestServer, userIds } from './test-servers.js';

const HOST = '127.0.0.1';
const GALERA_PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_AUTOCTL = '/usr/bin/pg_autoctl';
const CLUSTER_READY_MS = 120_000;

/** Why a cluster cannot run here (a package missing), or undefined when it can. */
export function galeraMissing(): string | undefined {
  return existsSync(GALERA_PROVIDER) ? undefined : `galera-4 is not installed (${GALERA_PROVIDER} missing)`;
}

export function autoFailoverMissing(): string | undefined {
  if (!existsSync(PG_AUTOCTL)) return 'pg-auto-failover-cli is not installed (pg_autoctl missing)';
  if (!existsSync('/usr/share/postgresql/15/extension/pgautofailover.control')) return 'postgresql-15-auto-failover is not installed';
  return undefined;
}

/** Polls `check` until it gives true; fails naming `what` and the last answer or error. */
export async function waitUntil(what: string, check: () => Promise<boolean | string>, timeoutMs = CLUSTER_READY_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const answer = await check();
      if (answer === true) return;
      last = answer;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------- MariaDB Galera

export interface GaleraCluster {
  nodes: TestServer[];
  /** `SHOW GLOBAL STATUS LIKE 'wsrep_%'` of one node, as name → value. */
  status(node: TestServer): Promise<Record<string, string>>;
  /** Waits until every running node is Synced in a cluster of `size` (default: all nodes). */
  waitSynced(size?: number): Promise<void>;
  /** One statement on one node (root). */
  query(node: TestServer, sql: string, values?: unknown[]): Promise<unknown>;
  /** Cuts a node off the group (gmcast.isolate) and lets it back; the node stays up. */
  isolate(node: TestServer, isolated: boolean): Promise<void>;
}

async function onMariadb<T>(node: TestServer, fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ host: node.host, port: node.port, user: 'root', password: '', connectTimeout: 5000 });
  try {
    return await fn(conn);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

async function wsrepStatus(node: TestServer): Promise<Record<string, string>> {
  return onMariadb(node, async (conn) => {
    const [rows] = await conn.query("SHOW GLOBAL STATUS LIKE 'wsrep_%'");
    return Object.fromEntries((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, r.Value]));
  });
}

/**
 * A MariaDB Galera cluster of `size` nodes (default 3): node 1 bootstraps it (`--wsrep-new-cluster`, first
 * start only), the others join one at a time by rsync state transfer. No binary log (as most Galera
 * set-ups): `@@gtid_binlog_pos` is ''. Resolves when every node is Synced in a cluster of `size`.
 */
export async function startGalera(options: { size?: number } = {}): Promise<GaleraCluster> {
  const size = options.size ?? 3;
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ group: await freePort(), ist: await freePort(), sst: await freePort() })));
  const address = `gcomm://${ports.map((p) => `${HOST}:${p.group}`).join(',')}`;
  let bootstrapped = false;
  const nodes = await Promise.all(
    ports.map((p, i) =>
      createMariadb({
        user: 'mysql',
        settings: {
          'log-bin': null,
          'log-slave-updates': null,
          'relay-log': null,
          'innodb-autoinc-lock-mode': '2',
          'wsrep-on': 'ON',
          'wsrep-provider': GALERA_PROVIDER,
          'wsrep-cluster-name': `sodb_galera_${process.pid}`,
          'wsrep-cluster-address': address,
          'wsrep-node-name': `node${i + 1}`,
          'wsrep-node-address': `${HOST}:${p.group}`,
          'wsrep-provider-options':
            `gmcast.listen_addr=tcp://${HOST}:${p.group};ist.recv_addr=${HOST}:${p.ist};base_port=${p.group};` +
            'evs.suspect_timeout=PT4S;evs.inactive_timeout=PT8S;evs.install_timeout=PT8S;gcache.size=64M',
          'wsrep-sst-method': 'rsync',
          'wsrep-sst-receive-address': `${HOST}:${p.sst}`,
          'wsrep-slave-threads': '2',
        },
        // Only the first start of node 1 makes a new cluster; later starts (after a stop) join the others.
        extraArgs: () => (i === 0 && !bootstrapped ? ['--wsrep-new-cluster'] : []),
      }),
    ),
  );
  const cluster: GaleraCluster = {
    nodes,
    status: wsrepStatus,
    async waitSynced(expected = size) {
      await waitUntil(`a Synced Galera cluster of ${expected}`, async () => {
        for (const node of nodes) {
          if (node.pid() === undefined) continue;
          const s = await wsrepStatus(node);
          if (s.wsrep_ready !== 'ON' || s.wsrep_local_state_comment !== 'Synced' || s.wsrep_cluster_size !== String(expected)) {
            return `port ${node.port}: ready=${s.wsrep_ready} state=${s.wsrep_local_state_comment} size=${s.wsrep_cluster_size}`;
          }
        }
        return true;
      });
    },
    query: (node, sql, values) => onMariadb(node, async (conn) => (await conn.query(sql, values))[0]),
    async isolate(node, isolated) {
      await onMariadb(node, (conn) => conn.query(`SET GLOBAL wsrep_provider_options = 'gmcast.isolate=${isolated ? 1 : 0}'`));
    },
  };
  const [first, ...others] = nodes as [TestServer, ...TestServer[]];
  await first.start();
  bootstrapped = true;
  // Joiners one at a time: one donor serves one state transfer at a time. (Copies of node 1's data
  // directory started together were no faster here: they still asked for a transfer.)
  for (const [i, node] of others.entries()) {
    await node.start();
    await cluster.waitSynced(i + 2);
  }
  await cluster.waitSynced(size);
  return cluster;
}

// ---------------------------------------------------------------- pg_auto_failover

export interface AutoFailoverNode extends TestServer {
  name: string;
}

export interface AutoFailoverGroup {
  monitor: TestServer;
  nodes: AutoFailoverNode[];
  /** The node that is primary now (asks each node pg_is_in_recovery()). */
  primary(): Promise<AutoFailoverNode>;
  /**
   * `pg_autoctl perform failover`: resolves when the monitor reports the new primary and its standbys
   * settled, with when it started, when the new primary was promoted (a standby stopped being one,
   * polled every 50 ms) and when the group settled (Date.now() times).
   */
  failover(): Promise<{ startedAt: number; promotedAt: number; settledAt: number }>;
  /** Waits until the monitor sees one primary and every other node as a secondary. */
  waitSettled(): Promise<void>;
  /** `postgres://postgres@h1:p1,h2:p2/postgres`: the nodes as one multi-host URL. */
  url(database?: string): string;
}

function autoctlEnv(baseDir: string): NodeJS.ProcessEnv {
  return {
    PATH: `${PG_BIN}:/usr/bin:/bin`,
    HOME: baseDir,
    XDG_CONFIG_HOME: join(baseDir, 'config'),
    XDG_DATA_HOME: join(baseDir, 'share'),
    XDG_RUNTIME_DIR: join(baseDir, 'run'),
    PG_AUTOCTL_DEBUG: '0',
    PGUSER: 'postgres',
  };
}

async function onPostgres<T>(port: number, fn: (sql: postgres.Sql) => Promise<T>, database = 'postgres'): Promise<T> {
  const sql = postgres({ host: HOST, port, username: 'postgres', database, max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

interface NodeState {
  nodename: string;
  nodeport: number;
  reportedstate: string;
  goalstate: string;
}

/**
 * A pg_auto_failover group: a monitor and `size` nodes (default 2). The first node's data directory is
 * made here (initdb) with test settings in postgresql.auto.conf (no fsync, quick checkpoints so base
 * backups do not wait for a spread checkpoint, `max_prepared_transactions`), which the standbys copy.
 * Resolves when the monitor reports one primary and every other node a secondary.
 */
export async function startAutoFailover(options: { size?: number; maxPreparedTransactions?: number } = {}): Promise<AutoFailoverGroup> {
  const size = options.size ?? 2;
  const owner = userIds('postgres');
  const groupDir = makeBaseDir('sodb-autofailover-', owner);
  const settings: Record<string, string> = {
    fsync: 'off',
    synchronous_commit: 'local',
    full_page_writes: 'off',
    shared_buffers: '16MB',
    max_connections: '60',
    checkpoint_completion_target: '0',
    checkpoint_timeout: '30s',
    wal_retrieve_retry_interval: '500ms',
    max_prepared_transactions: String(options.maxPreparedTransactions ?? 10),
  };

  const processDir = (name: string): string => {
    const dir = join(groupDir, name);
    for (const sub of ['', 'config', 'share', 'run']) {
      mkdirSync(join(dir, sub), { recursive: true });
      chownSync(join(dir, sub), owner.uid, owner.gid);
    }
    return dir;
  };
  const autoctl = (baseDir: string, createArgs: string[], dataDir: string) => {
    let created = false;
    return (p: number) => {
      const args = created ? ['run', '--pgdata', dataDir] : [...createArgs, '--pgport', String(p), '--run'];
      created = true;
      return {
        file: PG_AUTOCTL,
        args,
        ...owner,
        env: autoctlEnv(baseDir),
        stopSignal: 'SIGINT' as const,
        ping: () => onPostgres(p, async (sql) => void (await sql`select 1`)),
      };
    };
  };

  // The monitor.
  const monitorDir = processDir('monitor');
  const monitorData = join(monitorDir, 'data');
  const monitorPort = await freePort();
  await initdb(monitorData, owner, settings);
  const monitor = await startProcess({
    driver: 'pgsql',
    port: monitorPort,
    username: 'postgres',
    dataDir: monitorData,
    baseDir: monitorDir,
    launch: autoctl(monitorDir, ['create', 'monitor', '--pgdata', monitorData, '--hostname', HOST, '--auth', 'trust', '--no-ssl'], monitorData),
  });
  const monitorUrl = `postgres://autoctl_node@${HOST}:${monitor.port}/pg_auto_failover?sslmode=disable`;
  const states = (): Promise<NodeState[]> =>
    onPostgres(
      monitor.port,
      async (sql) => [...(await sql<NodeState[]>`select nodename, nodeport, reportedstate::text, goalstate::text from pgautofailover.node order by nodeid`)],
      'pg_auto_failover',
    );
  await waitUntil('the pg_auto_failover monitor', async () => (await states()).length >= 0);

  const nodes: AutoFailoverNode[] = [];
  const startNode = async (i: number): Promise<void> => {
    const name = `node${i + 1}`;
    const dir = processDir(name);
    const dataDir = join(dir, 'data');
    const port = await freePort();
    if (i === 0) await initdb(dataDir, owner, settings);
    const createArgs = ['create', 'postgres', '--pgdata', dataDir, '--pgctl', join(PG_BIN, 'pg_ctl'), '--hostname', HOST, '--name', name];
    createArgs.push('--monitor', monitorUrl, '--auth', 'trust', '--no-ssl', '--username', 'postgres', '--dbname', 'postgres');
    const server = await startProcess({ driver: 'pgsql', port, username: 'postgres', dataDir, baseDir: dir, launch: autoctl(dir, createArgs, dataDir) });
    nodes.push(Object.assign(server, { name }));
  };

  const group: AutoFailoverGroup = {
    monitor,
    nodes,
    async primary() {
      for (const node of nodes) {
        const standby = await onPostgres(node.port, async (sql) => (await sql`select pg_is_in_recovery() as r`)[0]?.r).catch(() => undefined);
        if (standby === false) return node;
      }
      throw new Error('no node of the pg_auto_failover group is a primary');
    },
    async waitSettled() {
      await waitUntil(`a pg_auto_failover group of ${size} settled (one primary, ${size - 1} secondary)`, async () => {
        const s = await states();
        const settled =
          s.length === size &&
          s.every((n) => n.reportedstate === n.goalstate) &&
          s.filter((n) => n.reportedstate === 'primary').length === 1 &&
          s.filter((n) => n.reportedstate === 'secondary').length === size - 1;
        return settled || s.map((n) => `${n.nodename}:${n.reportedstate}/${n.goalstate}`).join(' ');
      });
    },
    async failover() {
      const old = await group.primary();
      const started = Date.now();
      let promotedAt = 0;
      let switching = true;
      // When a standby stops being one: the new primary takes writes from then on.
      const promotion = (async () => {
        while (switching && promotedAt === 0) {
          for (const node of nodes) {
            if (node === old) continue;
            const standby = await onPostgres(node.port, async (sql) => (await sql`select pg_is_in_recovery() as r`)[0]?.r).catch(() => undefined);
            if (standby === false && promotedAt === 0) promotedAt = Date.now();
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      try {
        await run(PG_AUTOCTL, ['perform', 'failover', '--pgdata', monitorData, '--wait', '60'], { ...owner, env: autoctlEnv(monitorDir) });
        await group.waitSettled();
      } finally {
        switching = false;
        await promotion;
      }
      return { startedAt: started, promotedAt, settledAt: Date.now() };
    },
    url(database = 'postgres') {
      return `postgres://postgres@${nodes.map((n) => `${HOST}:${n.port}`).join(',')}/${database}`;
    },
  };

  await startNode(0);
  // Standbys one after the other: each takes a base backup of the primary.
  for (let i = 1; i < size; i++) await startNode(i);
  await group.waitSettled();
  return group;
}

async function initdb(dataDir: string, owner: { uid: number; gid: number }, settings: Record<string, string>): Promise<void> {
  await run(join(PG_BIN, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], owner);
  // postgresql.auto.conf is read last and kept by ALTER SYSTEM (which pg_autoctl uses); base backups copy it.
  const lines = Object.entries(settings).map(([k, v]) => `${k} = '${v}'`);
  const file = join(dataDir, 'postgresql.auto.conf');
  writeFileSync(file, `${lines.join('\n')}\n`);
  chownSync(file, owner.uid, owner.gid);
}
