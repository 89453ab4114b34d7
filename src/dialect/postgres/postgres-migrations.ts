import type { MigrationPolicy } from '../dialect.js';

/** A transaction-level advisory lock: released by COMMIT or ROLLBACK, or when the session dies. */
export const postgresMigrations: MigrationPolicy = {
  transactionalDdl: true,
  engine: 'PostgreSQL',
  transactionLock: `SELECT pg_advisory_xact_lock(hashtext('kysely_migration:' || coalesce(current_schema(), '')))`,
};
