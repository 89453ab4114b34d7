/** The public API of so-database. Exports only: no logic lives here. */
export { env } from './config/env.js';
export { defineConfig } from './config/define-config.js';
export type {
  CacheOptions,
  ConnectionOptions,
  DatabaseConfig,
  DriverName,
  PoolOptions,
  ServerOptions,
  TransactionsOptions,
} from './config/types.js';
export { Connection } from './connection/connection.js';
export type { QueryEvent, QueryListener } from './connection/query-events.js';
export type { InsertResult, StatementKind } from './connection/statement-kind.js';
export type { Row } from './dialect/dialect.js';
export { QueryBuilder } from './query/query-builder.js';
export { DB } from './registry/db.js';
export { DatabaseError } from './errors/database-error.js';
export { ConfigurationError } from './errors/configuration-error.js';
export {
  ConnectionError,
  ConnectionNotConfiguredError,
  DriverNotInstalledError,
  PoolTimeoutError,
} from './errors/connection-errors.js';
export { QueryError } from './errors/query-error.js';
export { ReadOnlyError } from './errors/read-only-error.js';
export { MassAssignmentError, ModelNotFoundError } from './errors/model-errors.js';
export { TwoPhaseCommitError } from './errors/two-phase-commit-error.js';
