import type { MigrationPolicy } from '../dialect.js';

const LOCK_TIMEOUT_SECONDS = 3600;
// Named after the database, so connections to different databases do not wait for each other.
const LOCK_NAME = `LEFT(CONCAT('kysely_migration:', COALESCE(DATABASE(), '')), 64)`;

/**
 * DDL commits at once, so no transaction: GET_LOCK on a reserved session, released by
 * RELEASE_LOCK, or by the server when that session ends (a killed process never leaves it held).
 */
export const mysqlMigrations: MigrationPolicy = {
  transactionalDdl: false,
  engine: 'MySQL/MariaDB',
  sessionLock: {
    acquire: `SELECT GET_LOCK(${LOCK_NAME}, ${LOCK_TIMEOUT_SECONDS}) AS acquired`,
    release: `SELECT RELEASE_LOCK(${LOCK_NAME}) AS released`,
    timeoutSeconds: LOCK_TIMEOUT_SECONDS,
  },
};
