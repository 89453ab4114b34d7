import { DatabaseError, type DatabaseErrorOptions } from './database-error.js';

/** `Connection.getInstance(name)` for a name the configuration does not have. */
export class ConnectionNotConfiguredError extends DatabaseError {
  constructor(name: string) {
    super(`Connection [${name}] not configured.`, { connection: name });
  }
}

/** The server could not be reached or refused the login. */
export class ConnectionError extends DatabaseError {
  readonly host?: string;
  readonly port?: number;

  constructor(message: string, options: DatabaseErrorOptions & { host?: string; port?: number } = {}) {
    super(message, options);
    if (options.host !== undefined) this.host = options.host;
    if (options.port !== undefined) this.port = options.port;
  }
}

/** The driver package a connection needs is not installed. */
export class DriverNotInstalledError extends ConnectionError {
  readonly packageName: string;

  constructor(connection: string, packageName: string, cause?: unknown) {
    super(
      `Connection [${connection}] needs the "${packageName}" package, which is not installed: run npm install ${packageName}`,
      { connection, cause },
    );
    this.packageName = packageName;
  }
}

/** No pooled session became free within `pool.acquireTimeoutMs`. */
export class PoolTimeoutError extends DatabaseError {
  readonly poolSize: number;
  readonly timeoutMs: number;

  constructor(connection: string, poolSize: number, timeoutMs: number) {
    super(
      `Connection [${connection}]: no pooled connection became free within ${timeoutMs} ms (pool max ${poolSize}).`,
      { connection },
    );
    this.poolSize = poolSize;
    this.timeoutMs = timeoutMs;
  }
}
