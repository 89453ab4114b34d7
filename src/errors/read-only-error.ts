import { DatabaseError } from './database-error.js';

/** A write on a read-only connection or model, refused before it reached the server. */
export class ReadOnlyError extends DatabaseError {
  readonly operation: string;
  readonly model?: string;

  static forConnection(connection: string, operation: string): ReadOnlyError {
    return new ReadOnlyError(`Connection [${connection}] is read-only: ${operation} refused.`, operation, connection);
  }

  /**
   * A read on a read-only connection that is not one, or would change the session
   * (`SET`, `BEGIN`, `PRAGMA x = y`, `set_config()`); names the keyword, never the SQL
   * (a `SET PASSWORD` must not end up in a log).
   */
  static forStatement(connection: string, operation: string, reason: string): ReadOnlyError {
    return new ReadOnlyError(`Connection [${connection}] is read-only: ${operation} refused, ${reason}.`, operation, connection);
  }

  static forModel(model: string, connection: string, operation: string): ReadOnlyError {
    return new ReadOnlyError(`Model [${model}] is read-only: ${operation} refused.`, operation, connection, model);
  }

  private constructor(message: string, operation: string, connection: string, model?: string) {
    super(message, { connection });
    this.operation = operation;
    if (model !== undefined) this.model = model;
  }
}
