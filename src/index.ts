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
export type { UpdateOrInsertValues } from './query/update-or-insert.js';
export type { ChunkCallback } from './query/chunking.js';
export type { Page } from './query/pagination.js';
export type { CursorPage } from './query/pagination-cursor.js';
export { setCursorSecret } from './query/cursor-token.js';
export type { UpsertUpdate } from './query/upsert.js';
export type { JoinClause, JoinCallback } from './query/join-clause.js';
export type { SubQuery } from './query/where-builder.js';
// types from the live schema (issue 14): what the file `so-db types` writes registers
export type { ConnectionName, DatabaseOf, DefaultConnectionName, Register, TableName } from './types/register.js';
export type { TypedModelQuery } from './types/typed-model-query.js';
export type { TypedQueryBuilder } from './types/typed-query-builder.js';
export type { ColumnOf, ColumnRef, SelectColumn, SelectedRow } from './types/column-names.js';
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
// models, relations, cache (issue 4)
export { Model } from './model/model.js';
export { ModelQuery } from './model/model-query.js';
export type { EagerLoad, RelationCallback, WhereArgs, WhereCallback } from './model/model-query.js';
export type { ModelSubQuery } from './model/model-query-clauses.js';
export type { CastName } from './model/casts.js';
export type { HookResult, ModelHooks } from './model/hooks.js';
export type { AttributeNames } from './model/dirty-tracking.js';
export type { Scope, ScopedQuery, ScopeMethods, Scopes } from './model/scopes.js';
export type { GlobalScope, GlobalScopes } from './model/global-scopes.js';
export type { ModelClass, ModelOptions, ModelReference } from './model/model-class.js';
export { Relation } from './relations/relation.js';
export { BelongsTo } from './relations/belongs-to.js';
export { HasMany } from './relations/has-many.js';
export { HasOne } from './relations/has-one.js';
export { BelongsToMany } from './relations/belongs-to-many.js';
export type { SyncResult, ToggleResult } from './relations/belongs-to-many.js';
export type { PivotId, PivotIds } from './relations/pivot-ids.js';
export type { Pivot, WithPivot } from './relations/pivot-record.js';
export { HasManyThrough } from './relations/has-many-through.js';
export { HasOneThrough } from './relations/has-one-through.js';
export { EAGER_LOAD_CHUNK_SIZE, MAX_FILTER_KEYS } from './relations/key-chunks.js';
export { Cache, cache } from './cache/cache.js';
// cross-connection transactions (issue 8)
export type { TwoPhase } from './errors/two-phase-commit-error.js';
export type { Participants } from './transaction/cross-connection-transaction.js';
export type { TransactionOptions } from './transaction/transaction-retries.js';
export type { RecoverOptions, RecoveryResult } from './transaction/recovery.js';
// Read/write splitting
export type { ReplicaHealthChange } from './connection/query-events.js';
// schema, migrations (issue 6)
export { Schema } from './schema/schema.js';
// Kysely's column types, which the file `so-db types` writes uses (and to type inserts and updates with it)
export type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';
export { MigrationError } from './migrations/migration-error.js';
export type { MigrationDb, MigrationModule } from './migrations/migration-file.js';
export type { ForeignIdOptions, ForeignKeyAction, MigrationHelpers } from './migrations/migration-helpers.js';
