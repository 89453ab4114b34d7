import { DatabaseError } from '../errors/database-error.js';

export interface MigrationErrorOptions {
  connection?: string;
  /** The migration (file name without extension) that failed. */
  migration?: string;
  /** Its file, as shown to the user. */
  file?: string;
  direction?: 'up' | 'down';
  /** Statements of the failed migration that ran and stay applied. */
  statementsRun?: readonly string[];
  cause?: unknown;
}

/**
 * A migration could not be loaded or failed. Names the file, the connection and,
 * through `cause` and the message, the database's error. On engines without
 * transactional DDL, `statementsRun` lists what the failed migration left applied.
 */
export class MigrationError extends DatabaseError {
  readonly migration?: string;
  readonly file?: string;
  readonly direction?: 'up' | 'down';
  readonly statementsRun: readonly string[];

  constructor(message: string, options: MigrationErrorOptions = {}) {
    super(message, { connection: options.connection, cause: options.cause });
    if (options.migration !== undefined) this.migration = options.migration;
    if (options.file !== undefined) this.file = options.file;
    if (options.direction !== undefined) this.direction = options.direction;
    this.statementsRun = options.statementsRun ?? [];
  }
}
