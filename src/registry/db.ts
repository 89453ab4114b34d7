import type { DatabaseConfig } from '../config/types.js';
import type { Connection } from '../connection/connection.js';
import { type QueryListener, queryEvents } from '../connection/query-events.js';
import type { QueryBuilder } from '../query/query-builder.js';
import { registry } from './connection-registry.js';

/**
 * The database manager: named connections, configuration, observers.
 *
 * @example
 * DB.configure({ connections: { db: { driver: 'sqlite', database: ':memory:' } } });
 * const stop = DB.listen((e) => console.log(e.connection, e.sql, e.durationMs));
 * await DB.connection('db').select('SELECT 1');
 */
export const DB = {
  /** The named connection (the default one without a name): `Connection.getInstance(name)`. */
  connection(name?: string): Connection {
    return registry.get(name);
  },

  /** Sets the configuration from an object, replacing any earlier one and closing its connections. */
  configure(config: DatabaseConfig): Promise<void> {
    return registry.configure(config);
  },

  /** Closes every connection's pool; the process can then exit on its own. */
  disconnect(): Promise<void> {
    return registry.disconnect();
  },

  /** Calls `listener` after every statement sent to any server; returns a function that stops it. */
  listen(listener: QueryListener): () => void {
    return queryEvents.listen(listener);
  },

  /** A query builder on a table of the default connection. */
  table(name: string): QueryBuilder {
    return registry.get().table(name);
  },
};
