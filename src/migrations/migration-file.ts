import type { Kysely } from 'kysely';
import type { MigrationHelpers } from './migration-helpers.js';

/**
 * What `up` and `down` receive: the Kysely instance of the migration's connection
 * (`db.schema.createTable(...)`, `db.insertInto(...)`, `sql\`...\`.execute(db)`).
 */
// biome-ignore lint/suspicious/noExplicitAny: a migration sees tables as they are at that point, untyped
export type MigrationDb = Kysely<any>;

/**
 * The exports of a migration file in `database/migrations/`. `up` and `down` receive the
 * connection's Kysely instance and the portable column helpers (`t`), which they may leave out.
 *
 * @example
 * // database/migrations/20250101120000_create_users.ts
 * import type { MigrationDb, MigrationHelpers } from 'so-database';
 * export const connection = 'essentials';   // omit for the default connection
 * export async function up(db: MigrationDb, t: MigrationHelpers): Promise<void> {
 *   await db.schema.createTable('users').$call(t.id).addColumn('email', 'varchar(255)').$call(t.timestamps).execute();
 * }
 * export async function down(db: MigrationDb): Promise<void> {
 *   await db.schema.dropTable('users').execute();
 * }
 */
export interface MigrationModule {
  /** The connection it runs on; the default connection when absent. */
  connection?: string;
  up(db: MigrationDb, t: MigrationHelpers): Promise<void>;
  down?(db: MigrationDb, t: MigrationHelpers): Promise<void>;
}

/** A migration file found on disk, loaded. */
export interface MigrationFile {
  /** The file name without its extension; migrations run in the order of these names. */
  name: string;
  /** Absolute path. */
  path: string;
  /** The connection it runs on (the default connection filled in). */
  connection: string;
  module: MigrationModule;
}
