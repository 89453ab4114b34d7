import type { ServerConfig } from '../config/types.js';
import type { Dialect, DriverSession, OpenSessionOptions, Row } from '../dialect/dialect.js';
import { ConnectionError } from '../errors/connection-errors.js';
import { DatabaseError } from '../errors/database-error.js';

/** Runs the dialect's standby check on a session just opened on one host (observed by the caller). */
export type HostProbe = (session: DriverSession, sql: string, host: ServerConfig) => Promise<Row[]>;

/**
 * Opens a session on `server`; on a server entry with several hosts, on the first (in order) that
 * is what `targetSessionAttrs` asks for: `primary` takes writes, `standby` does not,
 * `prefer-standby` a standby else a primary, `any` the first that answers. Each host is asked
 * (`dialect.standbySql`) when the session opens, so a new session after a failover finds the new primary.
 */
export async function openOnHosts(
  dialect: Dialect,
  server: ServerConfig,
  options: OpenSessionOptions,
  probe: HostProbe,
): Promise<DriverSession> {
  const hosts = server.hosts;
  const standbySql = dialect.standbySql;
  if (hosts === undefined || standbySql === undefined) return dialect.openSession(server, options);
  const target = server.targetSessionAttrs ?? 'primary';
  const problems: string[] = [];
  let fallback: DriverSession | undefined;
  let lastError: DatabaseError | undefined;
  for (const { host, port } of hosts) {
    const one: ServerConfig = { ...server, host, port, hosts: undefined, targetSessionAttrs: undefined };
    let session: DriverSession | undefined;
    let standby: boolean;
    try {
      session = await dialect.openSession(one, options);
      const row = (await probe(session, standbySql, one))[0];
      standby = row?.standby === true || Number(row?.standby) === 1;
    } catch (error) {
      // PostgreSQL logs in at the first statement: an unreachable host fails the check, not the open.
      await session?.close().catch(() => {});
      lastError =
        error instanceof DatabaseError
          ? error
          : dialect.translateError(error, { connection: options.connection, host, port, connecting: true });
      problems.push(`${host}:${port}: ${lastError.message}`);
      continue;
    }
    const wanted = target === 'any' || (target === 'primary' ? !standby : standby);
    if (wanted) {
      await fallback?.close().catch(() => {});
      return session;
    }
    if (target === 'prefer-standby' && fallback === undefined) {
      fallback = session;
      continue;
    }
    problems.push(`${host}:${port}: ${standby ? 'a standby (does not take writes)' : 'a primary (takes writes)'}`);
    await session.close().catch(() => {});
  }
  if (fallback !== undefined) return fallback;
  throw new ConnectionError(`Connection [${options.connection}]: no host of the list serves a ${target} session (${problems.join('; ')}).`, {
    connection: options.connection,
    ...(lastError === undefined ? {} : { code: lastError.code, sqlState: lastError.sqlState, cause: lastError }),
  });
}
