import { type DialectAdapter, Kysely } from 'kysely';
import type { Connection } from '../connection/connection.js';
import { ConnectionDriver } from '../connection/kysely-driver.js';

// biome-ignore lint/suspicious/noExplicitAny: table shapes are only known at run time
type AnyKysely = Kysely<any>;

const instances = new WeakMap<Connection, AnyKysely>();

export interface ConnectionKyselyOptions {
  /** Replaces the engine's Kysely adapter (the migrator uses its own locking). */
  adapter?: (base: DialectAdapter) => DialectAdapter;
  /** Reads go to the primary too, never to a replica. */
  writer?: boolean;
}

/**
 * A Kysely instance that executes on `connection` (through `Connection.run`).
 *
 * @example
 * const db = createConnectionKysely(DB.connection('essentials'));
 * await db.selectFrom('users').selectAll().execute();
 */
export function createConnectionKysely(connection: Connection, options: ConnectionKyselyOptions = {}): AnyKysely {
  const { adapter } = options;
  const parts = connection.dialect.kysely;
  return new Kysely({
    dialect: {
      createAdapter: () => (adapter === undefined ? parts.createAdapter() : adapter(parts.createAdapter())),
      createDriver: () => new ConnectionDriver(connection, { writer: options.writer === true }),
      createIntrospector: (db) => parts.createIntrospector(db),
      createQueryCompiler: () => parts.createQueryCompiler(),
    },
  });
}

/**
 * The Kysely instance of a connection, one per `Connection` object (a connection made
 * by a later `DB.configure()` gets its own).
 *
 * @example
 * const tables = await kyselyFor(DB.connection('legacy')).introspection.getTables();
 */
export function kyselyFor(connection: Connection): AnyKysely {
  let db = instances.get(connection);
  if (db === undefined) {
    db = createConnectionKysely(connection);
    instances.set(connection, db);
  }
  return db;
}
