import type { DatabaseConfig } from '../config/types.js';
import type { Connection } from '../connection/connection.js';
import { type QueryListener, queryEvents } from '../connection/query-events.js';
import type { QueryBuilder } from '../query/query-builder.js';
import { crossConnectionTransaction, type Participants } from '../transaction/cross-connection-transaction.js';
import { retriesOf, type TransactionOptions, withRetries } from '../transaction/transaction-retries.js';
import { type RecoverOptions, type RecoveryResult, recoverPrepared } from '../transaction/recovery.js';
import type { ConnectionName, DatabaseOf, DefaultConnection, DefaultConnectionName, TableName, UntypedTableName } from '../types/register.js';
import type { TypedQueryBuilder } from '../types/typed-query-builder.js';
import { registry } from './connection-registry.js';

function connection<N extends ConnectionName>(name: N): Connection<N>;
function connection(): Connection<DefaultConnection>;
function connection(name?: ConnectionName): Connection;
function connection(name?: string): Connection {
  return registry.get(name);
}

function table<T extends TableName<DefaultConnectionName>>(name: T): TypedQueryBuilder<T, DatabaseOf<DefaultConnectionName>[T]>;
function table(name: UntypedTableName<DefaultConnectionName>): QueryBuilder;
function table(name: string): QueryBuilder | TypedQueryBuilder<string, unknown> {
  return registry.get().table(name);
}

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
  connection,

  /** Sets the configuration from an object, replacing any earlier one and closing its connections. */
  configure(config: DatabaseConfig): Promise<void> {
    return registry.configure(config);
  },

  /** Closes every connection's pool and the Redis cache's client (graceful shutdown); a later query reconnects. */
  disconnect(): Promise<void> {
    return registry.disconnect();
  },

  /**
   * Runs `fn` in one transaction on each named connection and commits them all
   * or none (two-phase commit; at most one participant without it, SQLite,
   * commits as the last resource). Queries of each connection made in `fn`'s
   * async flow (raw, builder, models) join its transaction. Returns what `fn` returns.
   * `retries` runs `fn` again from the start after a deadlock or serialization failure of a
   * participant (in `fn`, or at phase one once all were rolled back; never after a commit).
   * @throws TwoPhaseCommitError naming the participant and the phase that failed
   *
   * @example
   * await DB.transaction(['db', 'essentials'], async ({ db, essentials }) => {
   *   await db.insert('INSERT INTO orders (user_id, total) VALUES (?, ?)', [1, 500]);
   *   await essentials.update('UPDATE auser SET order_count = order_count + 1 WHERE uid = ?', [1]);
   * });
   */
  async transaction<const Names extends readonly ConnectionName[], T>(
    names: Names,
    fn: (connections: Participants<Names>) => Promise<T> | T,
    options?: TransactionOptions,
  ): Promise<T> {
    const { transactions } = registry.config();
    const connections = names.map((name) => registry.get(name));
    const log = transactions.log === undefined ? undefined : registry.get(transactions.log);
    const run = () =>
      crossConnectionTransaction(connections, fn as (c: Record<string, Connection>) => Promise<T> | T, {
        prefix: transactions.prefix,
        log,
      });
    const retries = retriesOf(`DB.transaction([${names.join(', ')}])`, names[0] ?? '', options);
    return retries === 0 ? run() : withRetries(retries, options, connections, run);
  },

  /**
   * Finishes the prepared transactions of this application that a crash left in
   * doubt, on every configured connection, by the recorded decision (commit if
   * it says commit, else roll back). Those younger than `minAgeMs` (default
   * 60000) are left alone, as a live process may still finish them.
   *
   * @example
   * for (const r of await DB.recover()) console.log(r.connection, r.xid, r.action, r.reason);
   */
  async recover(options: RecoverOptions = {}): Promise<RecoveryResult[]> {
    const { transactions } = registry.config();
    const connections = registry.names().map((name) => registry.get(name));
    const log = transactions.log === undefined ? undefined : registry.get(transactions.log);
    return recoverPrepared(connections, { prefix: transactions.prefix, minAgeMs: options.minAgeMs, log });
  },

  /** Calls `listener` after every statement sent to any server; returns a function that stops it. */
  listen(listener: QueryListener): () => void {
    return queryEvents.listen(listener);
  },

  /**
   * A query builder on a table of the default connection: typed by its columns when `so-db types`
   * registered the default connection (`DB.table('orders')` as `DB.connection('shop').table('orders')`).
   */
  table,
};
