import type { MigrationDb } from './migration-file.js';

/** The library's table beside Kysely's `kysely_migration`: the batch each applied migration came in. */
export const MIGRATION_BATCH_TABLE = 'so_migration_batches';

/**
 * Batches, as in Laravel: every migration applied by one `migrate` run of a connection has that
 * run's number (the highest so far plus one), and `migrate:rollback` undoes the highest batch.
 * Kysely's migrator has no such notion, so the number is kept in a table of our own, written in
 * the same transaction as Kysely's row where the engine has transactional DDL. A migration applied
 * before this table existed has no row: it counts as a batch of its own.
 *
 * @example
 * await MigrationBatches.ensure(db);
 * const batch = await MigrationBatches.next(db);
 */
export const MigrationBatches = {
  /** Creates the table when missing; called inside the run's lock. */
  async ensure(db: MigrationDb): Promise<void> {
    await db.schema
      .createTable(MIGRATION_BATCH_TABLE)
      .ifNotExists()
      .addColumn('name', 'varchar(255)', (col) => col.notNull().primaryKey())
      .addColumn('batch', 'integer', (col) => col.notNull())
      .execute();
  },

  /** Whether the table exists (read without creating it: `migrate:status` runs on read-only connections too). */
  async exists(db: MigrationDb): Promise<boolean> {
    const tables = await db.introspection.getTables();
    return tables.some((table) => table.name === MIGRATION_BATCH_TABLE);
  },

  /** Batch numbers by migration name. */
  async read(db: MigrationDb): Promise<Map<string, number>> {
    const rows = await db.selectFrom(MIGRATION_BATCH_TABLE).select(['name', 'batch']).execute();
    return new Map(rows.map((row) => [String(row.name), Number(row.batch)]));
  },

  /** The number of the run about to start. */
  async next(db: MigrationDb): Promise<number> {
    const row = await db
      .selectFrom(MIGRATION_BATCH_TABLE)
      .select((eb) => eb.fn.max('batch').as('batch'))
      .executeTakeFirst();
    return Number(row?.batch ?? 0) + 1;
  },

  /** Records that `name` was applied in `batch` (replacing a row a crash may have left behind). */
  async record(db: MigrationDb, name: string, batch: number): Promise<void> {
    await db.deleteFrom(MIGRATION_BATCH_TABLE).where('name', '=', name).execute();
    await db.insertInto(MIGRATION_BATCH_TABLE).values({ name, batch }).execute();
  },

  /** Forgets `name`, rolled back. */
  async forget(db: MigrationDb, name: string): Promise<void> {
    await db.deleteFrom(MIGRATION_BATCH_TABLE).where('name', '=', name).execute();
  },
};
