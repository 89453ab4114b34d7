import { DatabaseError } from './database-error.js';

/** The configuration is missing or invalid; names the connection and the key at fault. */
export class ConfigurationError extends DatabaseError {
  readonly key?: string;

  constructor(message: string, options: { connection?: string; key?: string; cause?: unknown } = {}) {
    super(message, options);
    if (options.key !== undefined) this.key = options.key;
  }
}
