import { ConnectionError } from '../../errors/connection-errors.js';
import type { DatabaseError } from '../../errors/database-error.js';
import { QueryError } from '../../errors/query-error.js';
import type { ErrorContext, RetryableFailure } from '../dialect.js';
import { errorCode, errorMessage } from '../error-fields.js';

/** postgres.js's own codes and Node's network codes for a session that could not be opened or was lost. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  'ENOENT',
]);

/** SQLSTATE classes 08 (connection), 28 (authorisation), and the states of a refused or terminated session. */
function isConnectionState(state: string): boolean {
  return state.startsWith('08') || state.startsWith('28') || state === '3D000' || state.startsWith('57P');
}

/** The session could not be opened or is gone for good (socket closed, terminated by the server). */
export function isSessionFailure(code: string | undefined): boolean {
  return code !== undefined && (CONNECTION_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isConnectionState(code)));
}

export function translatePostgresError(error: unknown, context: ErrorContext): DatabaseError {
  const code = errorCode(error);
  const message = errorMessage(error);
  const sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  if (context.connecting || isSessionFailure(code)) {
    const state = sqlState ?? '08006';
    const where = context.host === undefined ? '' : ` at ${context.host}:${context.port}`;
    return new ConnectionError(`SQLSTATE[${state}] ${message} (connection [${context.connection}]${where})`, {
      connection: context.connection,
      code,
      sqlState: state,
      cause: error,
      host: context.host,
      port: context.port,
    });
  }
  return new QueryError(message, context.sql ?? '', context.bindings ?? [], {
    connection: context.connection,
    code,
    sqlState,
    cause: error,
    role: context.role,
  });
}

/** 40001 serialization failure (SERIALIZABLE, REPEATABLE READ), 40P01 deadlock. */
export function postgresRetryableFailure(error: DatabaseError): RetryableFailure | null {
  return error.sqlState === '40001' || error.sqlState === '40P01' ? 'conflict' : null;
}
