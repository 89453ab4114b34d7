import type { Connection } from '../connection/connection.js';
import { registry } from '../registry/connection-registry.js';
import { kyselyFor } from './connection-kysely.js';
import type { ConnectionSchema } from './typescript-types.js';

/**
 * Reads the live tables and columns of a connection (read-only connections too),
 * without Kysely's migration tables. Tables of the connection's own schema (its
 * configured `schema`, PostgreSQL's `public`, the MySQL database) come without a
 * schema; others carry it.
 *
 * @example
 * const { tables } = await introspectConnection(DB.connection('legacy'));
 */
export async function introspectConnection(connection: Connection): Promise<ConnectionSchema> {
  const tables = await kyselyFor(connection).introspection.getTables({ withInternalKyselyTables: false });
  const server = registry.config().connections[connection.name]?.write;
  const own = new Set(['public', server?.schema, server?.database].filter((s) => s !== undefined && s !== ''));
  return {
    connection: connection.name,
    driver: connection.driver,
    tables: tables
      .map((table) => ({
        name: table.name,
        ...(table.schema === undefined || own.has(table.schema) ? {} : { schema: table.schema }),
        isView: table.isView,
        columns: table.columns.map((column) => ({
          name: column.name,
          dataType: column.dataType,
          isNullable: column.isNullable,
          isAutoIncrementing: column.isAutoIncrementing,
        })),
      }))
      .sort((a, b) => `${a.schema ?? ''}.${a.name}`.localeCompare(`${b.schema ?? ''}.${b.name}`)),
  };
}
