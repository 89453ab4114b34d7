import { ConnectionError } from '../../errors/connection-errors.js';
import type { DatabaseError } from '../../errors/database-error.js';
import { QueryError } from '../../errors/query-error.js';
import { errorCode, errorMessage } from '../error-fields.js';
import type { ErrorContext } from '../dialect.js';

/** SQLite errors carry `SQLITE_*` codes; there is no SQLSTATE. */
export function translateSqliteError(error: unknown, context: ErrorContext): DatabaseError {
  const code = errorCode(error);
  const message = errorMessage(error);
  if (context.connecting || code === 'SQLITE_CANTOPEN') {
    return new ConnectionError(`SQLSTATE[HY000] ${message} (connection [${context.connection}])`, {
      connection: context.connection,
      code,
      cause: error,
    });
  }
  return new QueryError(message, context.sql ?? '', context.bindings ?? [], {
    connection: context.connection,
    code,
    cause: error,
    role: context.role,
  });
}
