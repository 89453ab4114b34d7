import { DatabaseError, type DatabaseErrorOptions } from './database-error.js';

/**
 * The server refused a statement (the message is the server's own), or the library
 * refused it before sending: input the query builder cannot turn into SQL, or a binding
 * no driver can send. Then the message names the connection and the method, and `sql`
 * is what would have been sent (empty when nothing was compiled yet).
 */
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
