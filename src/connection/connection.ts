import { LRUCache } from 'lru-cache';
import type { DriverName, NormalizedConnectionConfig, ServerConfig } from '../config/types.js';
import type { Dialect, DriverSession, Row, WriteResult } from '../dialect/dialect.js';
import { dialectFor } from '../dialect/dialects.js';
import { questionToDollar } from '../dialect/postgres/question-to-dollar.js';
import { ConnectionError } from '../errors/connection-errors.js';
import { DatabaseError } from '../errors/database-error.js';
import { ReadOnlyError } from '../errors/read-only-error.js';
import { QueryBuilder } from '../query/query-builder.js';
import { ConnectionTransactions } from '../transaction/connection-transactions.js';
import type { TransactionHost } from '../transaction/transaction-frame.js';
import { resolveInstance } from './instance-resolver.js';
import { queryEvents } from './query-events.js';
import type { InsertResult, StatementKind } from './statement-kind.js';
import { type PooledSession, SessionPool } from './session-pool.js';

/** Where a statement runs: a pool (any free session) or one reserved session. */
interface Executor {
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  exec(sql: string, params: readonly unknown[]): Promise<WriteResult>;
}

/** `?` to `$n` translations, shared by every PostgreSQL connection. */
const dollarSql = new LRUCache<string, string>({ max: 2000 });

function toDollar(sql: string): string {
  let translated = dollarSql.get(sql);
  if (translated === undefined) {
    translated = questionToDollar(sql);
    dollarSql.set(sql, translated);
  }
  return translated;
}

/**
 * One named database connection. Every statement, whoever sends it (raw
 * methods, the query builder, models, transactions), passes through `run`:
 * read-only check, transaction lookup, execution, error translation, events.
 *
 * @example
 * const db = Connection.getInstance('db');
 * const orders = await db.select('SELECT * FROM orders WHERE status = ?', ['pending']);
 */
export class Connection {
  readonly name: string;
  readonly driver: DriverName;
  readonly readOnly: boolean;
  /** @internal The engine's capabilities and compiler. */
  readonly dialect: Dialect;
  readonly #config: NormalizedConnectionConfig;
  readonly #transactions: ConnectionTransactions;
  readonly #placeholdersAsDollar: boolean;
  #writer: SessionPool | undefined;

  /** @internal Connections come from `Connection.getInstance()` / `DB.connection()`. */
  constructor(config: NormalizedConnectionConfig) {
    this.name = config.name;
    this.driver = config.driver;
    this.readOnly = config.readOnly;
    this.#config = config;
    this.dialect = dialectFor(config.driver);
    this.#placeholdersAsDollar = this.dialect.placeholders === 'dollar';
    this.#transactions = new ConnectionTransactions(this.#transactionHost(), this.dialect.beginStatement);
  }

  /**
   * The connection named in the configuration (the default one without a name).
   * Synchronous and lazy: nothing connects before the first query.
   * @throws ConnectionNotConfiguredError `Connection [xyz] not configured.`
   */
  static getInstance(name?: string): Connection {
    return resolveInstance(name);
  }

  /** Rows as plain objects. */
  select<T = Row>(sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
    return this.run('select', sql, bindings) as Promise<T[]>;
  }

  /** The first row, or null. */
  async selectOne<T = Row>(sql: string, bindings: readonly unknown[] = []): Promise<T | null> {
    const rows = (await this.run('select', sql, bindings)) as T[];
    return rows.length > 0 ? rows[0] : null;
  }

  insert(sql: string, bindings: readonly unknown[] = []): Promise<InsertResult> {
    return this.run('insert', sql, bindings) as Promise<WriteResult>;
  }

  /** Affected rows. */
  async update(sql: string, bindings: readonly unknown[] = []): Promise<number> {
    return ((await this.run('update', sql, bindings)) as WriteResult).affectedRows;
  }

  /** Affected rows. */
  async delete(sql: string, bindings: readonly unknown[] = []): Promise<number> {
    return ((await this.run('delete', sql, bindings)) as WriteResult).affectedRows;
  }

  /** Any other statement (DDL, SET, ...). Resolves to true, as Laravel's does. */
  async statement(sql: string, bindings: readonly unknown[] = []): Promise<boolean> {
    await this.run('statement', sql, bindings);
    return true;
  }

  /** A query builder on `table`. */
  table(name: string): QueryBuilder {
    return QueryBuilder.on(this, name);
  }

  /** Begins a transaction in this async flow (a savepoint when one is open). */
  beginTransaction(): Promise<void> {
    return this.#transactions.begin();
  }

  commit(): Promise<void> {
    return this.#transactions.commit();
  }

  /** Rolls back this flow's innermost transaction; does nothing when there is none. */
  rollback(): Promise<void> {
    return this.#transactions.rollback();
  }

  /** Runs `fn` in a transaction: commits when it returns, rolls back when it throws. */
  transaction<T>(fn: (connection: this) => Promise<T> | T): Promise<T> {
    return this.#transactions.run(() => fn(this));
  }

  /** @internal True while this flow has a transaction open on the connection. */
  inTransaction(): boolean {
    return this.#transactions.current() !== undefined;
  }

  /** Closes the pool; a later query opens new sessions. */
  async close(): Promise<void> {
    const writer = this.#writer;
    this.#writer = undefined;
    await writer?.close();
  }

  /**
   * @internal The one path of every statement. `sql` uses `?` placeholders
   * unless `native` says it is already in the engine's own syntax; `needsWriter`
   * marks a read that must not go to a replica (locking read, `useWriter()`).
   */
  async run(
    kind: StatementKind,
    sql: string,
    bindings: readonly unknown[],
    native = false,
    _needsWriter = false,
  ): Promise<Row[] | WriteResult> {
    if (kind !== 'select' && this.readOnly) throw ReadOnlyError.forConnection(this.name, kind);
    const text = native || !this.#placeholdersAsDollar ? sql : toDollar(sql);
    const frame = this.#transactions.current();
    let executor: Executor;
    let server: ServerConfig;
    if (frame === undefined) {
      const pool = this.#writer ?? this.#openWriter();
      executor = pool;
      server = pool.server;
    } else {
      executor = (await frame.usableSession()).driver;
      server = this.#config.write;
    }
    return this.#execute(executor, server, kind === 'select', text, bindings, undefined);
  }

  async #execute(
    executor: Executor,
    server: ServerConfig,
    returnsRows: boolean,
    sql: string,
    bindings: readonly unknown[],
    role: 'read' | 'write' | undefined,
  ): Promise<Row[] | WriteResult> {
    const observed = queryEvents.active;
    const start = observed ? performance.now() : 0;
    try {
      const result = returnsRows ? await executor.all(sql, bindings) : await executor.exec(sql, bindings);
      if (observed) this.#emit(sql, bindings, start, role, undefined);
      return result;
    } catch (error) {
      const translated =
        error instanceof DatabaseError
          ? error
          : this.dialect.translateError(error, {
              connection: this.name,
              host: server.host,
              port: server.port,
              sql,
              bindings,
              role,
              connecting: false,
            });
      if (observed) this.#emit(sql, bindings, start, role, translated);
      throw translated;
    }
  }

  #emit(
    sql: string,
    bindings: readonly unknown[],
    start: number,
    role: 'read' | 'write' | undefined,
    error: DatabaseError | undefined,
  ): void {
    queryEvents.emit({
      connection: this.name,
      sql,
      bindings,
      durationMs: performance.now() - start,
      ...(role === undefined ? {} : { role }),
      ...(error === undefined ? {} : { error }),
    });
  }

  #openWriter(): SessionPool {
    this.#writer = this.#createPool(this.#config.write);
    return this.#writer;
  }

  #createPool(server: ServerConfig): SessionPool {
    return new SessionPool({
      connection: this.name,
      dialect: this.dialect,
      server,
      readOnly: this.readOnly,
      max: this.#config.pool.max,
      acquireTimeoutMs: this.#config.pool.acquireTimeoutMs,
      setUp: async (session: DriverSession, statements: string[]) => {
        for (const statement of statements) await this.#execute(session, server, false, statement, [], undefined);
      },
    });
  }

  #transactionHost(): TransactionHost {
    return {
      name: this.name,
      reserveSession: () => (this.#writer ?? this.#openWriter()).reserve(),
      // Back to the pool it came from, even if close() replaced that pool meanwhile.
      releaseSession: (session: PooledSession) => session.pool.release(session),
      control: async (session: PooledSession, sql: string) => {
        await this.#execute(session.driver, this.#config.write, false, sql, [], undefined);
      },
      lostSessionError: () =>
        new ConnectionError(
          `Connection [${this.name}]: the server session of this transaction was lost; the server rolled the transaction back.`,
          { connection: this.name },
        ),
    };
  }
}
