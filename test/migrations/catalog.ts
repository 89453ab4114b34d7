/**
 * What the engine's own catalog says about a table: column types, nullability, how a key is
 * generated, foreign keys. Written per engine on purpose: the tests check what the helpers made
 * against the server, not against the library's own introspection.
 */
import type { Connection, DriverName } from '../../src/index.js';

export interface ColumnFact {
  /** Lower case, without MySQL's display width: `bigint unsigned`, `timestamp with time zone`, `integer`. */
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  /** AUTO_INCREMENT (MySQL), identity BY DEFAULT (PostgreSQL), AUTOINCREMENT rowid (SQLite). */
  generated: boolean;
}

export interface ForeignKeyFact {
  column: string;
  references: string;
  onDelete: string;
}

export async function columnFacts(db: Connection, driver: DriverName, table: string): Promise<Record<string, ColumnFact>> {
  const facts: Record<string, ColumnFact> = {};
  if (driver === 'mysql') {
    const rows = await db.select<{ name: string; type: string; nullable: string; extra: string; ckey: string }>(
      `SELECT column_name AS name, column_type AS type, is_nullable AS nullable, extra, column_key AS ckey
       FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`,
      [table],
    );
    for (const r of rows) {
      facts[r.name] = {
        type: r.type.toLowerCase().replace(/^(\w*int)\(\d+\)/, '$1'),
        nullable: r.nullable === 'YES',
        primaryKey: r.ckey === 'PRI',
        generated: r.extra.toLowerCase().includes('auto_increment'),
      };
    }
  } else if (driver === 'pgsql') {
    const rows = await db.select<{ name: string; type: string; nullable: string; identity: string | null; pk: boolean }>(
      `SELECT c.column_name AS name, c.data_type AS type, c.is_nullable AS nullable, c.identity_generation AS identity,
         EXISTS (SELECT 1 FROM information_schema.table_constraints tc
           JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
           WHERE tc.table_schema = c.table_schema AND tc.table_name = c.table_name AND tc.constraint_type = 'PRIMARY KEY'
             AND k.column_name = c.column_name) AS pk
       FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = ? ORDER BY c.ordinal_position`,
      [table],
    );
    for (const r of rows) {
      facts[r.name] = { type: r.type, nullable: r.nullable === 'YES', primaryKey: r.pk, generated: r.identity === 'BY DEFAULT' };
    }
  } else {
    const [ddl] = await db.select<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]);
    const rows = await db.select<{ name: string; type: string; notnull: number; pk: number }>(
      'SELECT name, type, "notnull" AS "notnull", pk FROM pragma_table_info(?) ORDER BY cid',
      [table],
    );
    for (const r of rows) {
      const autoincrement = new RegExp(`"${r.name}" integer primary key autoincrement`, 'i').test(ddl?.sql ?? '');
      facts[r.name] = { type: r.type.toLowerCase(), nullable: r.notnull === 0 && r.pk === 0, primaryKey: r.pk > 0, generated: autoincrement };
    }
  }
  return facts;
}

export async function foreignKeyFacts(db: Connection, driver: DriverName, table: string): Promise<ForeignKeyFact[]> {
  let rows: { column: string; ref_table: string; ref_column: string; on_delete: string }[];
  if (driver === 'mysql') {
    rows = await db.select(
      `SELECT k.column_name AS \`column\`, k.referenced_table_name AS ref_table, k.referenced_column_name AS ref_column, r.delete_rule AS on_delete
       FROM information_schema.key_column_usage k
       JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
       WHERE k.table_schema = DATABASE() AND k.table_name = ? AND k.referenced_table_name IS NOT NULL ORDER BY k.column_name`,
      [table],
    );
  } else if (driver === 'pgsql') {
    rows = await db.select(
      `SELECT k.column_name AS "column", u.table_name AS ref_table, u.column_name AS ref_column, r.delete_rule AS on_delete
       FROM information_schema.referential_constraints r
       JOIN information_schema.key_column_usage k ON k.constraint_name = r.constraint_name AND k.constraint_schema = r.constraint_schema
       JOIN information_schema.constraint_column_usage u ON u.constraint_name = r.constraint_name AND u.constraint_schema = r.constraint_schema
       WHERE k.table_schema = current_schema() AND k.table_name = ? ORDER BY k.column_name`,
      [table],
    );
  } else {
    rows = await db.select(
      `SELECT "from" AS "column", "table" AS ref_table, "to" AS ref_column, on_delete FROM pragma_foreign_key_list(?) ORDER BY "from"`,
      [table],
    );
  }
  return rows.map((r) => ({ column: r.column, references: `${r.ref_table}.${r.ref_column}`, onDelete: r.on_delete.toUpperCase() }));
}

/** The tables (not views) of the connection's database or schema, sorted. */
export async function tableNames(db: Connection, driver: DriverName): Promise<string[]> {
  const sql =
    driver === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
      : driver === 'mysql'
        ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'`
        : `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`;
  const rows = await db.select<{ name: string }>(sql);
  return rows.map((r) => r.name).sort();
}

/** The views of the connection's database or schema, sorted. */
export async function viewNames(db: Connection, driver: DriverName): Promise<string[]> {
  const sql =
    driver === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'view'`
      : driver === 'mysql'
        ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'VIEW'`
        : `SELECT viewname AS name FROM pg_views WHERE schemaname = current_schema()`;
  const rows = await db.select<{ name: string }>(sql);
  return rows.map((r) => r.name).sort();
}
