import { ConnectionError } from '../../errors/connection-errors.js';
import type { DatabaseError } from '../../errors/database-error.js';
import { QueryError } from '../../errors/query-error.js';
import type { ErrorContext, RetryableFailure } from '../dialect.js';
import { errorCode, errorField, errorMessage } from '../error-fields.js';

/** Network-level codes that mean the server could not be reached, mapped to MySQL's client error numbers. */
const NETWORK_ERRNO: Record<string, number> = {
  ECONNREFUSED: 2002,
  ENOENT: 2002,
  ETIMEDOUT: 2002,
  EHOSTUNREACH: 2002,
  ENOTFOUND: 2005,
  EAI_AGAIN: 2005,
  PROTOCOL_CONNECTION_LOST: 2013,
  ECONNRESET: 2013,
  EPIPE: 2013,
};

/** Server errors that end the session: ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED. */
const SESSION_ENDING_ERRNO = new Set([1053, 1927]);

/** MariaDB errors mysql2 has no name for (its table is MySQL's): the name MariaDB gives them. */
const MARIADB_CODES: Record<number, string> = { 1969: 'ER_STATEMENT_TIMEOUT' };

/** CR_SERVER_GONE_ERROR: mysql2's own "closed state" errors carry no number. */
const SERVER_GONE = 2006;

/** The session cannot be used again after this error. */
export function endsMysqlSession(error: unknown): boolean {
  if (errorField(error, 'fatal') === true) return true;
  const errno = errorField(error, 'errno');
  return typeof errno === 'number' && SESSION_ENDING_ERRNO.has(errno);
}

/** mysql2 errors: `code` (ER_...), `errno`, `sqlState`, `sqlMessage`; `fatal` when the session is gone. */
export function translateMysqlError(error: unknown, context: ErrorContext): DatabaseError {
  const errnoField = errorField(error, 'errno');
  const code = errorCode(error) ?? (typeof errnoField === 'number' ? MARIADB_CODES[errnoField] : undefined);
  const sqlState = errorField(error, 'sqlState') as string | undefined;
  const serverMessage = (errorField(error, 'sqlMessage') as string | undefined) ?? errorMessage(error);
  const networkErrno = code === undefined ? undefined : NETWORK_ERRNO[code];
  const errno = (errorField(error, 'errno') as number | undefined) ?? networkErrno;
  const fatal = errorField(error, 'fatal') === true;

  const killed = typeof errno === 'number' && SESSION_ENDING_ERRNO.has(errno);
  if (context.connecting || networkErrno !== undefined || killed || (fatal && sqlState === undefined)) {
    const state = sqlState ?? 'HY000';
    const number = networkErrno ?? errno ?? SERVER_GONE;
    const where = context.host === undefined ? '' : ` at ${context.host}:${context.port}`;
    return new ConnectionError(
      `SQLSTATE[${state}] [${number}] ${serverMessage} (connection [${context.connection}]${where})`,
      { connection: context.connection, code, sqlState: state, cause: error, host: context.host, port: context.port },
    );
  }
  return new QueryError(serverMessage, context.sql ?? '', context.bindings ?? [], {
    connection: context.connection,
    code,
    sqlState,
    cause: error,
    role: context.role,
  });
}

/**
 * 1213 (a deadlock, and Galera's certification failure: SQLSTATE 40001 at COMMIT) is a conflict;
 * 1205 (lock wait timeout) only waited too long, and is retried only when asked.
 */
export function mysqlRetryableFailure(error: DatabaseError): RetryableFailure | null {
  if (error.code === 'ER_LOCK_DEADLOCK' || error.sqlState === '40001') return 'conflict';
  if (error.code === 'ER_LOCK_WAIT_TIMEOUT') return 'lock-wait-timeout';
  return null;
}
