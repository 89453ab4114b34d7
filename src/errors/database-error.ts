export interface DatabaseErrorOptions {
  connection?: string;
  /** The driver's code, e.g. `ER_ACCESS_DENIED_ERROR` or `23505`. */
  code?: string;
  /** The SQLSTATE the server reported, e.g. `28000`. */
  sqlState?: string;
  cause?: unknown;
}

/** Root of every error so-database throws. */
export class DatabaseError extends Error {
  readonly connection?: string;
  readonly code?: string;
  readonly sqlState?: string;

  constructor(message: string, options: DatabaseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.connection !== undefined) this.connection = options.connection;
    if (options.code !== undefined) this.code = options.code;
    if (options.sqlState !== undefined) this.sqlState = options.sqlState;
  }
}
