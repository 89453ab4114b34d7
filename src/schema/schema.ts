import type { SchemaModule } from 'kysely';
import { registry } from '../registry/connection-registry.js';
import { kyselyFor } from './connection-kysely.js';

/**
 * Kysely's schema builder on a named connection: create, alter and drop tables,
 * indexes, views. Statements go through the connection like any other, so they join
 * the connection's transaction in the current async flow and are refused with
 * `ReadOnlyError` on a read-only connection.
 *
 * @example
 * await Schema.connection('essentials')
 *   .createTable('users')
 *   .addColumn('id', 'integer', (col) => col.primaryKey())
 *   .addColumn('email', 'varchar(255)', (col) => col.notNull().unique())
 *   .execute();
 * await Schema.connection('essentials').dropTable('users').ifExists().execute();
 */
export const Schema = {
  /** The schema builder of the named connection (the default one without a name). */
  connection(name?: string): SchemaModule {
    return kyselyFor(registry.get(name)).schema;
  },
};
