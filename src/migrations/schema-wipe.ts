import { sql } from 'kysely';
import type { DriverName } from '../config/types.js';
import { DECISION_LOG_TABLE } from '../transaction/decision-log.js';
import type { MigrationDb } from './migration-file.js';

/** How one engine lists and drops every table and view of the connection's database (or schema). */
interface WipeStatements {
  /** Rows `{ name, kind: 'table' | 'view' }`. */
  readonly objects: string;
  /** Rows `{ table_name, name }` of foreign keys to drop before any table (MySQL refuses to drop a referenced table). */
  readonly foreignKeys?: string;
  /** Sent first, in the run's transaction. */
  readonly before?: string;
  /** DROP ... CASCADE: what depends on a table or view goes with it. */
  readonly cascade: boolean;
}

/** Per engine, as a capability table: only `migrate:fresh` needs these facts. */
const ENGINES: Readonly<Record<DriverName, WipeStatements>> = {
  mysql: {
    objects: `SELECT table_name AS name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind
FROM information_schema.tables WHERE table_schema = DATABASE()`,
    foreignKeys: `SELECT table_name AS table_name, constraint_name AS name
FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() AND constraint_type = 'FOREIGN KEY'`,
    cascade: false,
  },
  pgsql: {
    objects: `SELECT tablename AS name, 'table' AS kind FROM pg_tables WHERE schemaname = current_schema()
UNION ALL SELECT viewname AS name, 'view' AS kind FROM pg_views WHERE schemaname = current_schema()`,
    cascade: true,
  },
  // Checked at COMMIT instead: dropping a table first deletes its rows, which other tables' rows may refer to.
  sqlite: {
    objects: `SELECT name, type AS kind FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`,
    before: 'PRAGMA defer_foreign_keys = ON',
    cascade: false,
  },
};

/**
 * Tables a wipe keeps: the two-phase decision log holds the outcome of transactions that may
 * still be in doubt on other connections, and no migration creates it again.
 */
const KEPT: ReadonlySet<string> = new Set([DECISION_LOG_TABLE]);

export interface WipedObjects {
  tables: string[];
  views: string[];
}

/**
 * Drops every table and view of the connection `db` runs on (PostgreSQL: of its current schema),
 * Kysely's migration tables included, but not the two-phase decision log. Run inside the
 * migration lock; on PostgreSQL and SQLite inside the run's transaction.
 *
 * @example
 * const { tables } = await wipeSchema(db, 'pgsql');
 */
export async function wipeSchema(db: MigrationDb, driver: DriverName): Promise<WipedObjects> {
  const engine = ENGINES[driver];
  if (engine.before !== undefined) await sql.raw(engine.before).execute(db);
  const { rows } = await sql.raw<{ name: string; kind: string }>(engine.objects).execute(db);
  const names = (kind: string) =>
    rows
      .filter((row) => row.kind === kind && !KEPT.has(row.name))
      .map((row) => row.name)
      .sort();
  const wiped: WipedObjects = { tables: names('table'), views: names('view') };
  for (const view of wiped.views) {
    const drop = db.schema.dropView(view).ifExists();
    await (engine.cascade ? drop.cascade() : drop).execute();
  }
  if (engine.foreignKeys !== undefined) {
    const keys = await sql.raw<{ table_name: string; name: string }>(engine.foreignKeys).execute(db);
    for (const key of keys.rows) {
      await sql`ALTER TABLE ${sql.table(key.table_name)} DROP FOREIGN KEY ${sql.id(key.name)}`.execute(db);
    }
  }
  for (const table of wiped.tables) {
    const drop = db.schema.dropTable(table).ifExists();
    await (engine.cascade ? drop.cascade() : drop).execute();
  }
  return wiped;
}
