import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DriverName, NormalizedConnectionConfig, ServerConfig } from '../config/types.js';
import type { DriverSession } from '../dialect/dialect.js';
import { dialectFor } from '../dialect/dialects.js';
import { DatabaseError } from '../errors/database-error.js';
import { displayPath } from '../migrations/migration-loader.js';

/** What `so-db status` reports for one server. Never the password. */
export interface ServerStatus {
  /** `write` or `read` on a connection with read/write splitting; null on a single server. */
  role: 'write' | 'read' | null;
  host: string | null;
  port: number | null;
  database: string;
  /** `host:port/database`, or the SQLite file. */
  target: string;
  /** `new`: a database file that does not exist yet, created on first use (SQLite). */
  status: 'up' | 'down' | 'new';
  /** Usable: up, or new. */
  reachable: boolean;
  error?: string;
  version?: string;
  /** Round trip of `SELECT 1` on an open session, in milliseconds. */
  latencyMs?: number;
}

/** Where a server is, as the CLI shows it: host:port/database or the SQLite file; never the password. */
export function describeServer(driver: DriverName, server: ServerConfig): Pick<ServerStatus, 'host' | 'port' | 'database' | 'target'> {
  // An engine that opens a local file (SQLite) has no server to name.
  if (dialectFor(driver).databaseFile !== undefined) {
    const file = server.database === ':memory:' ? ':memory:' : displayPath(server.database);
    return { host: null, port: null, database: file, target: file };
  }
  const where = server.socket ? `unix:${server.socket}` : `${server.host}:${server.port}`;
  return { host: server.host, port: server.port, database: server.database, target: `${where}/${server.database}` };
}

/**
 * Opens one session on one server of a connection (read-only, never through the pool, so
 * each replica is checked on its own), reads the version, times a round trip, closes it.
 */
export async function probeServer(
  config: NormalizedConnectionConfig,
  server: ServerConfig,
  role: ServerStatus['role'],
): Promise<ServerStatus> {
  const described = { role, ...describeServer(config.driver, server) };
  const dialect = dialectFor(config.driver);
  // Opening a missing file would create it: status only looks. The first query creates it,
  // unless its folder is missing too.
  const file = dialect.databaseFile?.(server) ?? null;
  if (file !== null && !existsSync(file)) {
    if (existsSync(dirname(file))) return { ...described, status: 'new', reachable: true };
    const folder = displayPath(dirname(file));
    return { ...described, status: 'down', reachable: false, error: `database file not found, and its folder ${folder} does not exist` };
  }
  let session: DriverSession | undefined;
  try {
    session = await dialect.openSession(server, { connection: config.name, readOnly: true, variables: {}, onBroken: () => {} });
    const rows = await session.all(dialect.catalog.versionSql, []);
    const start = performance.now();
    await session.all('SELECT 1', []);
    const latencyMs = Math.round((performance.now() - start) * 100) / 100;
    return { ...described, status: 'up', reachable: true, version: String(rows[0]?.version ?? ''), latencyMs };
  } catch (error) {
    const translated =
      error instanceof DatabaseError
        ? error
        : dialect.translateError(error, { connection: config.name, host: server.host, port: server.port, connecting: true });
    return { ...described, status: 'down', reachable: false, error: translated.message };
  } finally {
    await session?.close().catch(() => {});
  }
}
