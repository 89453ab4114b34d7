import type { DriverName, NormalizedConnectionConfig, ServerConfig } from '../config/types.js';
import type { Dialect, DriverSession, Row, WriteResult } from '../dialect/dialect.js';
import { dialectFor } from '../dialect/dialects.js';
import { ConnectionError } from '../errors/connection-errors.js';
import { DatabaseError } from '../errors/database-error.js';
import { ReadOnlyError } from '../errors/read-only-error.js';
import { QueryBuilder } from '../query/query-builder.js';
import { ConnectionTransactions } from '../transaction/connection-transactions.js';
import { retriesOf, type TransactionOptions, withRetries } from '../transaction/transaction-retries.js';
import type { TransactionFrame, TransactionHost } from '../transaction/transaction-frame.js';
import type { ConnectionName, DatabaseOf, DefaultConnection, TableName, UntypedTableName } from '../types/register.js';
import type { TypedQueryBuilder } from '../types/typed-query-builder.js';
import { checkBindings } from './binding-check.js';
import { createReadWriteRouter } from './create-read-write-router.js';
import { resolveInstance } from './instance-resolver.js';
import { PooledRowStream, type RowSource } from './pooled-row-stream.js';
import { queryEvents, type ReplicaHealthChange } from './query-events.js';
import { type ReadWriteRouter, WRITER } from './read-write-router.js';
import { checkBatchSize, DEFAULT_BATCH_SIZE, streamedRows } from './row-cursor.js';
import type { Statement } from './statement.js';
import type { InsertResult, StatementKind } from './statement-kind.js';
import { type PooledSession, SessionPool } from './session-pool.js';
import { type OpenedStream, type StreamHost, type StreamRequest, StatementStream } from './statement-stream.js';

/** Where a statement runs: a pool (any free session) or one reserved session. */
interface Executor {
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  exec(sql: string, params: readonly unknown[]): Promise<WriteResult>;
  /** The result at once where the driver is synchronous (SQLite); undefined: not now, use all/exec. */
  allNow?(sql: string, params: readonly unknown[]): Row[] | undefined;
  firstNow?(sql: string, params: readonly unknown[]): Row | null | undefined;
  execNow?(sql: string, params: readonly unknown[]): WriteResult | undefined;
}

function nothing(): void {}

function firstRow(rows: Row[] | WriteResult): Row | null {
  return (rows as Row[]).length > 0 ? (rows as Row[])[0] : null;
}

/**
 * One named database connection. Every statement, whoever sends it (raw
 * methods, the query builder, models, transactions), passes through `run`:
 * read-only check, transaction lookup, execution, error translation, events.
 *
 * @example
 * const db = Connection.getInstance('db');
 * const orders = await db.select('SELECT * FROM orders WHERE status = ?', ['pending']);
 *
 * `Name` is the connection's name as the compiler knows it: with types from `so-db types`
 * it types `table()` (docs/types.md).
 */
export class Connection<Name extends string = string> {
  readonly name: Name;
  readonly driver: DriverName;
  readonly readOnly: boolean;
  /** @internal The engine's capabilities and compiler. */
  readonly dialect: Dialect;
  readonly #config: NormalizedConnectionConfig;
  readonly #transactions: ConnectionTransactions;
  /** `?` to the engine's placeholders; undefined where `?` is its own. */
  readonly #fromQuestionMarks: ((sql: string) => string) | undefined;
  /** Read/write splitting: `read` servers are configured. */
  readonly #split: boolean;
  #writer: SessionPool | undefined;
  /** One pool per `read` server, opened on first use. */
  #readers: (SessionPool | undefined)[] = [];
  #router: ReadWriteRouter | undefined;
  #streamHost: StreamHost | undefined;

  /** @internal Connections come from `Connection.getInstance()` / `DB.connection()`. */
  constructor(config: NormalizedConnectionConfig) {
    this.name = config.name as Name;
    this.driver = config.driver;
    this.readOnly = config.readOnly;
    this.#config = config;
    this.dialect = dialectFor(config.driver, config.topology);
    this.#fromQuestionMarks = this.dialect.fromQuestionMarks;
    this.#split = config.read.length > 0;
    this.#transactions = new ConnectionTransactions(this.#transactionHost(), config.readOnly);
  }

  /**
   * The connection named in the configuration (the default one without a name).
   * Synchronous and lazy: nothing connects before the first query.
   * @throws ConnectionNotConfiguredError `Connection [xyz] not configured.`
   */
  static getInstance<N extends ConnectionName>(name: N): Connection<N>;
  static getInstance(): Connection<DefaultConnection>;
  static getInstance(name?: ConnectionName): Connection;
  static getInstance(name?: string): Connection {
    return resolveInstance(name);
  }

  /** Rows as plain objects. */
  select<T = Row>(sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
    return this.run({ kind: 'select', sql, bindings }) as Promise<T[]>;
  }

  /** The first row, or null. */
  selectOne<T = Row>(sql: string, bindings: readonly unknown[] = []): Promise<T | null> {
    return this.runFirst({ kind: 'select', sql, bindings }) as Promise<T | null>;
  }

  insert(sql: string, bindings: readonly unknown[] = []): Promise<InsertResult> {
    return this.run({ kind: 'insert', sql, bindings }) as Promise<WriteResult>;
  }

  /** Affected rows. */
  async update(sql: string, bindings: readonly unknown[] = []): Promise<number> {
    return ((await this.run({ kind: 'update', sql, bindings })) as WriteResult).affectedRows;
  }

  /** Affected rows. */
  async delete(sql: string, bindings: readonly unknown[] = []): Promise<number> {
    return ((await this.run({ kind: 'delete', sql, bindings })) as WriteResult).affectedRows;
  }

  /** Any other statement (DDL, SET, ...). Resolves to true, as Laravel's does. */
  async statement(sql: string, bindings: readonly unknown[] = []): Promise<boolean> {
    await this.run({ kind: 'statement', sql, bindings });
    return true;
  }

  /**
   * A read whose rows arrive one by one as the driver streams them (Laravel's `cursor()`):
   * memory holds one batch of `batchSize` rows (default 1000), not the result. Outside a
   * transaction the stream holds one pooled session until it ends, fails or the loop leaves
   * early; inside one it runs on the transaction's session. Each `for await` runs the read again.
   *
   * @example
   * for await (const order of db.cursor<{ id: number }>('SELECT id FROM orders WHERE status = ?', ['paid'])) {
   *   if (order.id > 100) break; // closes the stream, the session goes back to the pool
   * }
   */
  cursor<T = Row>(sql: string, bindings: readonly unknown[] = [], options: { batchSize?: number } = {}): AsyncIterable<T> {
    const batchSize = options.batchSize === undefined ? DEFAULT_BATCH_SIZE : checkBatchSize(this.name, 'cursor', options.batchSize);
    const request: StreamRequest = { method: 'cursor', batchSize };
    return streamedRows<T>(() => this.stream(sql, bindings, request));
  }

  /** @internal A read as a stream of row batches: `cursor()`, and the query builder's `cursor()`/`lazy()`. */
  stream(sql: string, bindings: readonly unknown[], request: StreamRequest): RowSource {
    this.#streamHost ??= {
      name: this.name,
      open: (text, values, options) => this.#openStream(text, values, options),
      translate: (error, server, text, values, role) => this.#translate(error, server, text, values, role),
    };
    return new StatementStream(this.#streamHost, sql, bindings, request);
  }

  /** A query builder on `table` (typed by its columns when `so-db types` registered this connection's tables). */
  table<T extends TableName<Name>>(name: T): TypedQueryBuilder<T, DatabaseOf<Name>[T]>;
  table(name: UntypedTableName<Name>): QueryBuilder;
  table(name: string): QueryBuilder | TypedQueryBuilder<string, unknown> {
    return QueryBuilder.on(this, name);
  }

  /** Begins a transaction in this async flow (a savepoint when one is open). */
  beginTransaction(): Promise<void> {
    if (this.#split) this.#routerOrNew().transactionBegins();
    return this.#transactions.begin();
  }

  commit(): Promise<void> {
    return this.#transactions.commit();
  }

  /** Rolls back this flow's innermost transaction; does nothing when there is none. */
  rollback(): Promise<void> {
    return this.#transactions.rollback();
  }

  /**
   * Runs `fn` in a transaction: commits when it returns, rolls back when it throws. With
   * `retries`, a deadlock or serialization failure runs `fn` again from the start (see TransactionOptions).
   *
   * @example
   * await db.transaction(async () => {
   *   await db.update('UPDATE accounts SET balance = balance - ? WHERE id = ?', [10, 1]);
   *   await db.update('UPDATE accounts SET balance = balance + ? WHERE id = ?', [10, 2]);
   * }, { retries: 3 });
   */
  transaction<T>(fn: (connection: this) => Promise<T> | T, options?: TransactionOptions): Promise<T> {
    let retries = 0;
    try {
      if (options !== undefined) retries = retriesOf('transaction()', this.name, options);
    } catch (error) {
      return Promise.reject(error);
    }
    // Nested, a failure ended the whole transaction: the outermost level retries, not a savepoint.
    if (retries === 0 || this.inTransaction()) return this.#transaction(fn);
    return withRetries(retries, options, [this], () => this.#transaction(fn));
  }

  #transaction<T>(fn: (connection: this) => Promise<T> | T): Promise<T> {
    if (this.#split) this.#routerOrNew().transactionBegins();
    return this.#transactions.run(() => fn(this));
  }

  /** @internal True while this flow has a transaction open on the connection. */
  inTransaction(): boolean {
    return this.#transactions.current() !== undefined;
  }

  /** @internal This connection's per-flow transactions, for the cross-connection coordinator and recovery. */
  get transactions(): ConnectionTransactions {
    return this.#transactions;
  }

  /** Closes the pools (and stops replica health checks); a later query opens new sessions. */
  async close(): Promise<void> {
    const writer = this.#writer;
    const readers = this.#readers;
    const router = this.#router;
    this.#writer = undefined;
    this.#readers = [];
    this.#router = undefined;
    await router?.health.stop();
    await Promise.all([writer?.close(), ...readers.map((reader) => reader?.close())]);
  }

  /**
   * @internal The one path of every statement: rows for a read (or a write that returns
   * rows), else what the write did.
   */
  run(statement: Statement): Promise<Row[] | WriteResult> {
    return this.#dispatch(statement, false) as Promise<Row[] | WriteResult>;
  }

  /**
   * @internal `run` of a read that wants its first row or null (`selectOne`, the builder's `first()`):
   * the row is taken where the result settles, not in a `.then` of its own (a promise and a
   * microtask less on a key lookup).
   */
  runFirst(read: Statement & { readonly kind: 'select' }): Promise<Row | null> {
    return this.#dispatch(read, true) as Promise<Row | null>;
  }

  /** `run`; `first`: the result is the first row or null (`runFirst`). */
  #dispatch(statement: Statement, first: boolean): Promise<unknown> {
    // Not async: outside a transaction the statement's own promise is the only one made here.
    // Each async frame and await is a promise, and on Node 20/22 AsyncLocalStorage runs
    // promise hooks on every one (about 0.2 µs each, bench/FINDINGS.md).
    try {
      const { kind, sql, bindings } = statement;
      if (this.readOnly) this.#checkReadOnly(statement);
      // Before any driver: a binding it cannot send fails there, or hangs a PostgreSQL session.
      if (bindings.length !== 0) checkBindings(this.name, this.dialect, kind, sql, bindings);
      const text = this.#nativeSql(sql, statement.native);
      const returnsRows = kind === 'select' || statement.returnsRows === true;
      const frame = this.#transactions.current();
      if (frame !== undefined) {
        const session = frame.sessionNow;
        if (session === undefined) return this.#runInTransaction(frame, kind, text, bindings, returnsRows, first);
        if (this.#split && kind !== 'select') this.#routerOrNew().wrote();
        return this.#execute(session.driver, this.#config.write, returnsRows, text, bindings, this.#split ? 'write' : undefined, first);
      }
      if (this.#split) return this.#runSplit(statement, text, returnsRows, first);
      const pool = this.#writer ?? this.#openWriter();
      return this.#execute(pool, pool.server, returnsRows, text, bindings, undefined, first);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A read-only connection sends reads only, and no read that would change its session
   * (`SET`, `BEGIN`, `PRAGMA x = y`, `set_config()`): the dialect recognises them.
   */
  #checkReadOnly(statement: Statement): void {
    if (statement.kind !== 'select') throw ReadOnlyError.forConnection(this.name, statement.operation ?? statement.kind);
    this.#checkReadOnlyRead(statement.kind, statement.sql);
  }

  /** The SQL in the engine's placeholders: as it is when `native`, else translated from `?` where the engine needs it. */
  #nativeSql(sql: string, native: boolean | undefined): string {
    return native === true || this.#fromQuestionMarks === undefined ? sql : this.#fromQuestionMarks(sql);
  }

  /** A read on a read-only connection must not change the session (`method` names the caller in the error). */
  #checkReadOnlyRead(method: string, sql: string): void {
    const refusal = this.dialect.readOnlyRefusal(sql);
    if (refusal !== null) throw ReadOnlyError.forStatement(this.name, method, refusal);
  }

  /** Rule 1 of read/write splitting: in a transaction, its session (on the writer). */
  async #runInTransaction(
    frame: TransactionFrame,
    kind: StatementKind,
    sql: string,
    bindings: readonly unknown[],
    returnsRows: boolean,
    first: boolean,
  ): Promise<unknown> {
    if (this.#split && kind !== 'select') this.#routerOrNew().wrote();
    const executor = (await frame.usableSession()).driver;
    return this.#execute(executor, this.#config.write, returnsRows, sql, bindings, this.#split ? 'write' : undefined, first);
  }

  /** A statement of a read/write connection outside a transaction: see ReadWriteRouter for the rules. */
  async #runSplit(statement: Statement, sql: string, returnsRows: boolean, first: boolean): Promise<unknown> {
    const { kind, bindings } = statement;
    const router = this.#routerOrNew();
    if (kind !== 'select') router.wrote(); // synchronously, so the caller's flow sees it
    for (;;) {
      const routed = router.route(kind, sql, statement.needsWriter === true);
      const target = typeof routed === 'number' ? routed : await routed;
      if (target === WRITER) {
        const pool = this.#writer ?? this.#openWriter();
        return this.#execute(pool, pool.server, returnsRows, sql, bindings, 'write', first);
      }
      try {
        const rows = await this.#onReplica(target, router.replicaSql(sql), bindings);
        return first ? firstRow(rows) : rows;
      } catch (error) {
        // An unreachable replica leaves the rotation and the read runs elsewhere: one replica down fails no read.
        if (!(error instanceof DatabaseError) || !router.health.failed(target, error)) throw error;
      }
    }
  }

  #onReplica(replica: number, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
    const pool = this.#readers[replica] ?? this.#openReader(replica);
    return this.#execute(pool, pool.server, true, sql, bindings, 'read') as Promise<Row[]>;
  }

  #routerOrNew(): ReadWriteRouter {
    this.#router ??= this.#createRouter();
    return this.#router;
  }

  #createRouter(): ReadWriteRouter {
    return createReadWriteRouter({
      config: this.#config,
      dialect: this.dialect,
      owner: this,
      onReplica: (replica, sql, bindings) => this.#onReplica(replica, sql, bindings),
      onWriter: (sql) => {
        const pool = this.#writer ?? this.#openWriter();
        return this.#execute(pool, pool.server, true, sql, [], 'write') as Promise<Row[]>;
      },
      report: (change, error) => this.#emitHealth(change, error),
    });
  }

  /**
   * `run`'s path for a stream (kept apart so that `run` stays as lean): the same checks and
   * routing, then the first batch, which reports the statement to DB.listen.
   */
  async #openStream(sql: string, bindings: readonly unknown[], request: StreamRequest): Promise<OpenedStream> {
    if (this.readOnly) this.#checkReadOnlyRead(request.method, sql);
    if (bindings.length !== 0) checkBindings(this.name, this.dialect, request.method, sql, bindings);
    const text = this.#nativeSql(sql, request.native);
    const { batchSize } = request;
    const frame = this.#transactions.current();
    if (frame !== undefined) {
      const session = frame.sessionNow ?? (await frame.usableSession());
      const stream = session.driver.stream(text, bindings, { batchSize, inTransaction: true });
      return this.#firstBatch(stream, this.#config.write, this.#split ? 'write' : undefined, text, bindings);
    }
    if (!this.#split) {
      const pool = this.#writer ?? this.#openWriter();
      return this.#firstBatch(new PooledRowStream(pool, text, bindings, batchSize), pool.server, undefined, text, bindings);
    }
    const router = this.#routerOrNew();
    for (;;) {
      const routed = router.route('select', text, request.needsWriter === true);
      const target = typeof routed === 'number' ? routed : await routed;
      if (target === WRITER) {
        const pool = this.#writer ?? this.#openWriter();
        return this.#firstBatch(new PooledRowStream(pool, text, bindings, batchSize), pool.server, 'write', text, bindings);
      }
      const pool = this.#readers[target] ?? this.#openReader(target);
      const onReplica = router.replicaSql(text);
      try {
        return await this.#firstBatch(new PooledRowStream(pool, onReplica, bindings, batchSize), pool.server, 'read', onReplica, bindings);
      } catch (error) {
        // As in #runSplit: an unreachable replica leaves the rotation and the read runs elsewhere.
        if (!(error instanceof DatabaseError) || !router.health.failed(target, error)) throw error;
      }
    }
  }

  async #firstBatch(
    source: RowSource,
    server: ServerConfig,
    role: 'read' | 'write' | undefined,
    sql: string,
    bindings: readonly unknown[],
  ): Promise<OpenedStream> {
    const start = queryEvents.active ? performance.now() : 0;
    try {
      const first = await source.next();
      if (queryEvents.active) this.#emit(sql, bindings, start, role, undefined);
      return { source, first, sql, server, role };
    } catch (error) {
      await source.close();
      const translated = this.#translate(error, server, sql, bindings, role);
      if (queryEvents.active) this.#emit(sql, bindings, start, role, translated);
      throw translated;
    }
  }

  /** A replica left or rejoined the rotation (DB.listen). */
  #emitHealth(health: ReplicaHealthChange, error: DatabaseError | undefined): void {
    if (!queryEvents.active) return;
    queryEvents.emit({
      connection: this.name,
      sql: '',
      bindings: [],
      durationMs: 0,
      role: 'read',
      health,
      ...(error === undefined ? {} : { error }),
    });
  }

  #execute(
    executor: Executor,
    server: ServerConfig,
    returnsRows: boolean,
    sql: string,
    bindings: readonly unknown[],
    role: 'read' | 'write' | undefined,
    first = false,
  ): Promise<unknown> {
    if (queryEvents.active) {
      const observed = this.#executeObserved(executor, server, returnsRows, sql, bindings, role);
      return first ? observed.then(firstRow) : observed;
    }
    // A synchronous driver (SQLite): the result in one settled promise, not a chain of three.
    if (executor.allNow !== undefined) {
      let result: Row[] | Row | null | WriteResult | undefined;
      try {
        if (!returnsRows) result = executor.execNow?.(sql, bindings);
        else result = first ? executor.firstNow?.(sql, bindings) : executor.allNow(sql, bindings);
      } catch (error) {
        return Promise.reject(this.#translate(error, server, sql, bindings, role));
      }
      if (result !== undefined) return Promise.resolve(result);
    }
    // Unobserved: one promise (the error translation), not an async frame and its awaits.
    let pending: Promise<Row[] | WriteResult>;
    try {
      pending = returnsRows ? executor.all(sql, bindings) : executor.exec(sql, bindings);
    } catch (error) {
      return Promise.reject(this.#translate(error, server, sql, bindings, role));
    }
    return pending.then(first ? firstRow : undefined, (error: unknown) => {
      throw this.#translate(error, server, sql, bindings, role);
    });
  }

  /** `#execute` with timing and a DB.listen event. */
  async #executeObserved(
    executor: Executor,
    server: ServerConfig,
    returnsRows: boolean,
    sql: string,
    bindings: readonly unknown[],
    role: 'read' | 'write' | undefined,
  ): Promise<Row[] | WriteResult> {
    const start = performance.now();
    try {
      const result = returnsRows ? await executor.all(sql, bindings) : await executor.exec(sql, bindings);
      this.#emit(sql, bindings, start, role, undefined);
      return result;
    } catch (error) {
      const translated = this.#translate(error, server, sql, bindings, role);
      this.#emit(sql, bindings, start, role, translated);
      throw translated;
    }
  }

  #translate(
    error: unknown,
    server: ServerConfig,
    sql: string,
    bindings: readonly unknown[],
    role: 'read' | 'write' | undefined,
  ): DatabaseError {
    if (error instanceof DatabaseError) return error;
    return this.dialect.translateError(error, {
      connection: this.name,
      host: server.host,
      port: server.port,
      sql,
      bindings,
      role,
      connecting: false,
    });
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
    this.#writer = this.#createPool(this.#config.write, this.#split ? 'write' : undefined);
    return this.#writer;
  }

  #openReader(replica: number): SessionPool {
    const pool = this.#createPool(this.#config.read[replica], 'read');
    this.#readers[replica] = pool;
    return pool;
  }

  #createPool(server: ServerConfig, role: 'read' | 'write' | undefined): SessionPool {
    const pool: SessionPool = new SessionPool({
      connection: this.name,
      dialect: this.dialect,
      server,
      readOnly: this.readOnly,
      statementTimeoutMs: this.#config.statementTimeoutMs,
      variables: this.#config.variables,
      max: this.#config.pool.max,
      acquireTimeoutMs: this.#config.pool.acquireTimeoutMs,
      allowExitOnIdle: this.#config.pool.allowExitOnIdle,
      probe: (session, sql, host) => this.#execute(session, host, true, sql, [], role) as Promise<Row[]>,
      setUp: async (session: DriverSession, statements: string[]) => {
        for (const statement of statements) await this.#execute(session, server, false, statement, [], role);
      },
      // The read that a dead session lost is reported, then retried by the pool on a fresh session.
      onRetry: (error, sql, bindings, start) => {
        if (!queryEvents.active) return;
        const context = { connection: this.name, host: server.host, port: server.port, sql, bindings, role, connecting: false };
        this.#emit(sql, bindings, start, role, this.dialect.translateError(error, context));
      },
      // Not through run(): a read-only connection sends it too. Observed; a failure only means it ended anyway.
      stopLeftRunning: (sql) => {
        this.#execute(pool, server, false, sql, [], role).catch(nothing);
      },
    });
    return pool;
  }

  #transactionHost(): TransactionHost {
    return {
      name: this.name,
      sql: this.dialect.transactionSql,
      reserveSession: () => (this.#writer ?? this.#openWriter()).reserve(),
      // Back to the pool it came from, even if close() replaced that pool meanwhile.
      releaseSession: (session: PooledSession) => session.pool.release(session),
      // One promise per BEGIN/COMMIT, not an async frame around another.
      control: (session: PooledSession, sql: string) =>
        this.#execute(session.driver, this.#config.write, false, sql, [], this.#split ? 'write' : undefined).then(nothing),
      lostSessionError: () =>
        new ConnectionError(
          `Connection [${this.name}]: the server session of this transaction was lost; the server rolled the transaction back.`,
          { connection: this.name },
        ),
    };
  }
}
