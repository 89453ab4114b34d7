import { DEFAULT_MIGRATION_LOCK_TABLE, DEFAULT_MIGRATION_TABLE } from 'kysely';
import type { Connection } from '../connection/connection.js';
import type { CatalogColumn } from '../dialect/dialect.js';
import { MIGRATION_BATCH_TABLE } from '../migrations/migration-batches.js';
import { registry } from '../registry/connection-registry.js';
import { DECISION_LOG_TABLE } from '../transaction/decision-log.js';
import type { ConnectionSchema, TableInfo } from './typescript-types.js';

/** The library's own tables (migrations, their lock and batches, the two-phase decision log): not the application's. */
const LIBRARY_TABLES: ReadonlySet<string> = new Set([
  DEFAULT_MIGRATION_TABLE,
  DEFAULT_MIGRATION_LOCK_TABLE,
  MIGRATION_BATCH_TABLE,
  DECISION_LOG_TABLE,
]);

function flag(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1';
}

/**
 * Reads the live tables and columns of a connection (read-only connections too) from the
 * engine's catalog, without the library's own tables. Tables of the connection's own schema
 * (its configured `schema`, PostgreSQL's `public`, the MySQL database) come without a
 * schema; others carry it.
 *
 * @example
 * const { tables } = await introspectConnection(DB.connection('legacy'));
 */
export async function introspectConnection(connection: Connection): Promise<ConnectionSchema> {
  const rows = await connection.select<CatalogColumn>(connection.dialect.catalog.columnsSql);
  const server = registry.config().connections[connection.name]?.write;
  const own = new Set(['public', server?.schema, server?.database].filter((s) => s !== undefined && s !== ''));
  const tables = new Map<string, TableInfo & { columns: TableInfo['columns'][number][] }>();
  for (const row of rows) {
    if (LIBRARY_TABLES.has(row.table_name)) continue;
    const schema = row.table_schema === null || own.has(row.table_schema) ? undefined : row.table_schema;
    const key = `${schema ?? ''}.${row.table_name}`;
    let table = tables.get(key);
    if (table === undefined) {
      table = { name: row.table_name, ...(schema === undefined ? {} : { schema }), isView: flag(row.is_view), columns: [] };
      tables.set(key, table);
    }
    // A view's columns are what it returns; what an insert leaves out is its tables' business
    // (MariaDB reports defaults on view columns).
    const filled = !table.isView;
    table.columns.push({
      name: row.column_name,
      dataType: row.data_type,
      isNullable: flag(row.is_nullable),
      isAutoIncrementing: filled && flag(row.auto_increment),
      hasDefault: filled && flag(row.has_default),
      isGeneratedAlways: filled && flag(row.generated_always),
    });
  }
  return {
    connection: connection.name,
    driver: connection.driver,
    tables: [...tables.values()].sort((a, b) => `${a.schema ?? ''}.${a.name}`.localeCompare(`${b.schema ?? ''}.${b.name}`)),
  };
}
