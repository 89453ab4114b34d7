import { DatabaseError, type DatabaseErrorOptions } from './database-error.js';

/** The server refused a statement. The message is the server's own. */
export class QueryError extends DatabaseError {
  readonly sql: string;
  readonly bindings: readonly unknown[];
  readonly role?: 'read' | 'write';

  constructor(
    message: string,
    sql: string,
    bindings: readonly unknown[],
    options: DatabaseErrorOptions & { role?: 'read' | 'write' } = {},
  ) {
    super(message, options);
    this.sql = sql;
    this.bindings = bindings;
    if (options.role !== undefined) this.role = options.role;
  }
}
