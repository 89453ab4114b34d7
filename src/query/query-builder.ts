import type { Connection } from '../connection/connection.js';
import { checkBatchSize, DEFAULT_BATCH_SIZE, streamedRows } from '../connection/row-cursor.js';
import type { InsertResult } from '../connection/statement-kind.js';
import type { Row } from '../dialect/dialect.js';
import { checkColumn, checkCount, checkPositive, checkSelection, checkTable, inputError, shown } from './builder-input.js';
import { type ChunkCallback, chunk, chunkById, itemsById } from './chunking.js';
import { incrementColumn } from './increment.js';
import { columnsOf, type Join, type JoinCallback, runJoinCallback } from './join-clause.js';
import type { PagedQuery } from './paged-query.js';
import { DEFAULT_PER_PAGE, type Page, paginate } from './pagination.js';
import { type CursorPage, cursorPaginate } from './pagination-cursor.js';
import { type Aggregate, type Compiled, initialState, type QueryState } from './query-state.js';
import { RawSql } from './raw-sql.js';
import { selectSql } from './select-sql.js';
import { selectStream } from './select-stream.js';
import { type UpdateOrInsertValues, updateOrInsertRow } from './update-or-insert.js';
import { type UpsertUpdate, upsertRows } from './upsert.js';
import type { WhereClause } from './where-clause.js';
import { WhereBuilder } from './where-builder.js';
import { whereOf } from './where-input.js';
import { deleteRows, insertRowGetId, insertRows, updateRows } from './write-terminals.js';

/**
 * Laravel-style query builder. Immutable: every method returns a new builder,
 * and nothing runs until a terminal call (`get`, `first`, ... or `await`).
 * Values are always bound and identifiers always quoted (Kysely compiles).
 * The conditions are WhereBuilder's (where-builder.ts); the rest of the vocabulary
 * and the reading terminals are here, the writing ones in write-terminals.ts (and
 * upsert.ts, update-or-insert.ts, increment.ts); what they become is in
 * query-state.ts (the state), select-sql.ts and write-sql.ts (the SQL).
 *
 * @example
 * const pending = await db.table('orders').where('status', 'pending').orderBy('id').limit(10).get();
 */
export class QueryBuilder<T = Row> extends WhereBuilder implements PromiseLike<T[]> {
  protected constructor(connection: Connection, state: QueryState) {
    super(connection, state);
  }

  /** @internal Use `connection.table(name)`. */
  static on(connection: Connection, table: string): QueryBuilder {
    return new QueryBuilder(connection, initialState(checkTable(connection.name, 'table', table)));
  }

  /** The columns to return (`'name'`, `'o.id'`, `'name as n'`, `'o.*'`), instead of any chosen before; none means all. */
  select(...columns: string[]): this {
    return this.clone({ columns: this.selections('select', columns) });
  }

  /** More columns to return, after those chosen. */
  addSelect(...columns: string[]): this {
    return this.clone({ columns: [...this.state.columns, ...this.selections('addSelect', columns)] });
  }

  /** A selected expression with `?` bindings: `selectRaw('COUNT(*) AS n')`, `selectRaw('total * ? AS gross', [1.2])`. */
  selectRaw(sql: string, bindings: readonly unknown[] = []): this {
    return this.clone({ columns: [...this.state.columns, this.raw('selectRaw', sql, bindings)] });
  }

  distinct(): this {
    return this.clone({ distinct: true });
  }

  /** The table to read (`'orders'`, `'orders as o'`): how a subquery callback names its table. */
  from(table: string): this {
    return this.clone({ table: checkTable(this.connection.name, 'from', table) });
  }

  /**
   * `JOIN table ON first operator second` (`join('orders as o', 'o.user_id', '=', 'u.id')`;
   * `(table, first, second)` means `=`), or with several conditions:
   * `join('orders as o', j => j.on('o.user_id', '=', 'u.id').where('o.status', 'paid'))`.
   * A join stays in this connection's database: relations across connections are `with()`/`whereHas()`.
   */
  join(table: string, first: string, operator: string, second: string): this;
  join(table: string, first: string, second: string): this;
  join(table: string, on: JoinCallback): this;
  join(table: string, first: string | JoinCallback, ...rest: string[]): this {
    return this.addJoin('join', 'inner', table, first, rest);
  }

  leftJoin(table: string, first: string, operator: string, second: string): this;
  leftJoin(table: string, first: string, second: string): this;
  leftJoin(table: string, on: JoinCallback): this;
  leftJoin(table: string, first: string | JoinCallback, ...rest: string[]): this {
    return this.addJoin('leftJoin', 'left', table, first, rest);
  }

  /** RIGHT JOIN (SQLite has it since 3.39; better-sqlite3 12 bundles a later one). */
  rightJoin(table: string, first: string, operator: string, second: string): this;
  rightJoin(table: string, first: string, second: string): this;
  rightJoin(table: string, on: JoinCallback): this;
  rightJoin(table: string, first: string | JoinCallback, ...rest: string[]): this {
    return this.addJoin('rightJoin', 'right', table, first, rest);
  }

  /** Every row with every row of `table`. */
  crossJoin(table: string): this {
    return this.clone({ joins: [...this.state.joins, { kind: 'cross', table: checkTable(this.connection.name, 'crossJoin', table), conditions: [] }] });
  }

  /** `GROUP BY` these columns (`'user_id'`, `'o.status'`). */
  groupBy(...columns: string[]): this {
    const list = columns.flat();
    for (const column of list) checkColumn(this.connection.name, 'groupBy', column);
    return this.clone({ groups: [...this.state.groups, ...list] });
  }

  /** `GROUP BY` an expression in SQL with `?` bindings. */
  groupByRaw(sql: string, bindings: readonly unknown[] = []): this {
    return this.clone({ groups: [...this.state.groups, this.raw('groupByRaw', sql, bindings)] });
  }

  /**
   * A condition on the groups: `having('user_id', '>', 1)`. An aggregate is named with
   * `havingRaw('SUM(total) > ?', [100])` (PostgreSQL does not take a select alias in HAVING).
   */
  having(column: string, value: unknown): this;
  having(column: string, operator: string, value: unknown): this;
  having(column: string, ...rest: unknown[]): this {
    return this.pushHaving(whereOf(this.connection.name, 'having', 'and', this.havingColumn('having', column), rest));
  }

  orHaving(column: string, value: unknown): this;
  orHaving(column: string, operator: string, value: unknown): this;
  orHaving(column: string, ...rest: unknown[]): this {
    return this.pushHaving(whereOf(this.connection.name, 'orHaving', 'or', this.havingColumn('orHaving', column), rest));
  }

  havingRaw(sql: string, bindings: readonly unknown[] = []): this {
    return this.pushHaving({ type: 'raw', boolean: 'and', raw: this.raw('havingRaw', sql, bindings) });
  }

  orHavingRaw(sql: string, bindings: readonly unknown[] = []): this {
    return this.pushHaving({ type: 'raw', boolean: 'or', raw: this.raw('orHavingRaw', sql, bindings) });
  }

  orderBy(column: string, direction: 'asc' | 'desc' | 'ASC' | 'DESC' = 'asc'): this {
    const connection = this.connection.name;
    checkColumn(connection, 'orderBy', column);
    // Kysely would read `'id desc'` as a column and a direction (and warn on the console).
    if (/\s(?:asc|desc)\s*$/i.test(column)) {
      const bare = column.replace(/\s+(?:asc|desc)\s*$/i, '');
      throw inputError(connection, 'orderBy', `takes the direction as its second argument: orderBy(${shown(bare)}, 'desc')`);
    }
    const lower = typeof direction === 'string' ? direction.toLowerCase() : undefined;
    if (lower !== 'asc' && lower !== 'desc') throw inputError(connection, 'orderBy', `direction must be asc or desc, got ${shown(direction)}`);
    return this.clone({ orders: [...this.state.orders, { column, direction: lower }] });
  }

  orderByDesc(column: string): this {
    return this.orderBy(column, 'desc');
  }

  /** `ORDER BY` in SQL with `?` bindings: `orderByRaw('CASE WHEN status = ? THEN 0 ELSE 1 END', ['paid'])`. */
  orderByRaw(sql: string, bindings: readonly unknown[] = []): this {
    return this.clone({ orders: [...this.state.orders, this.raw('orderByRaw', sql, bindings)] });
  }

  limit(count: number): this {
    return this.clone({ limit: checkCount(this.connection.name, 'limit', count) });
  }

  offset(count: number): this {
    return this.clone({ offset: checkCount(this.connection.name, 'offset', count) });
  }

  /** SELECT ... FOR UPDATE (runs on the writer of a read/write connection). */
  lockForUpdate(): this {
    return this.clone({ lock: 'update' });
  }

  /** A shared-lock read (FOR SHARE / LOCK IN SHARE MODE). */
  sharedLock(): this {
    return this.clone({ lock: 'share' });
  }

  /** Sends this query to the writer of a read/write connection. */
  useWriter(): this {
    return this.clone({ useWriter: true });
  }

  // get() and first() are not async: the statement's promise is the only one (see Connection.run).
  get(): Promise<T[]> {
    return this.runSelect(this.state) as Promise<T[]>;
  }

  first(): Promise<T | null> {
    const state = { ...this.state, limit: 1 };
    let compiled: Compiled;
    try {
      compiled = selectSql(this.connection, state);
    } catch (error) {
      return Promise.reject(error);
    }
    // The row is taken where the statement settles (Connection.runFirst): no promise of its own.
    return this.connection.runFirst({ kind: 'select', sql: compiled.sql, bindings: compiled.parameters, native: true, needsWriter: needsWriter(state) }) as Promise<T | null>;
  }

  /** The rows whose `column` equals `id` (default `id`), first one. */
  find(id: unknown, column = 'id'): Promise<T | null> {
    try {
      return this.addWhere('find', 'and', column, [id]).first();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One column of the first row. */
  async value<V = unknown>(column: string): Promise<V | null> {
    checkSelection(this.connection.name, 'value', column);
    const row = (await this.clone({ columns: [column] }).first()) as Row | null;
    return row === null ? null : (Object.values(row)[0] as V);
  }

  /** One column of every row. */
  async pluck<V = unknown>(column: string): Promise<V[]> {
    checkSelection(this.connection.name, 'pluck', column);
    const rows = (await this.runSelect({ ...this.state, columns: [column] })) as Row[];
    return rows.map((row) => Object.values(row)[0] as V);
  }

  async count(column = '*'): Promise<number> {
    if (column !== '*') checkColumn(this.connection.name, 'count', column);
    return Number((await this.aggregate({ fn: 'count', column })) ?? 0);
  }

  async exists(): Promise<boolean> {
    // DISTINCT decides which rows there are by the selected columns; else any column will do.
    const columns = this.state.distinct ? this.state.columns : [RawSql.ONE];
    const rows = await this.runSelect({ ...this.state, columns, orders: [], limit: 1 });
    return rows.length > 0;
  }

  async sum(column: string): Promise<number> {
    checkColumn(this.connection.name, 'sum', column);
    return Number((await this.aggregate({ fn: 'sum', column })) ?? 0);
  }

  async min<V = unknown>(column: string): Promise<V | null> {
    checkColumn(this.connection.name, 'min', column);
    return (await this.aggregate({ fn: 'min', column })) as V | null;
  }

  async max<V = unknown>(column: string): Promise<V | null> {
    checkColumn(this.connection.name, 'max', column);
    return (await this.aggregate({ fn: 'max', column })) as V | null;
  }

  async avg(column: string): Promise<number | null> {
    checkColumn(this.connection.name, 'avg', column);
    const value = await this.aggregate({ fn: 'avg', column });
    return value === null || value === undefined ? null : Number(value);
  }

  /**
   * The rows streamed through the driver (postgres.js cursor, mysql2 row stream, better-sqlite3
   * `iterate()`), 1000 at a time: memory holds one batch. Leaving the loop early closes the read
   * and gives its session back; in a transaction it reads on the transaction's session.
   * @example for await (const order of db.table('orders').where('status', 'paid').cursor()) total += order.total;
   */
  cursor(): AsyncIterable<T> {
    return this.lazy(DEFAULT_BATCH_SIZE);
  }

  /** `cursor()` with `size` rows per batch the driver fetches (default 1000). */
  lazy(size: number = DEFAULT_BATCH_SIZE): AsyncIterable<T> {
    const batchSize = checkBatchSize(this.connection.name, 'lazy', size);
    return streamedRows<T>(() => selectStream(this.connection, this.state, 'lazy', batchSize));
  }

  /** The rows one by one, read `size` at a time by key as `chunkById` reads them (a query per batch, no session held between). */
  lazyById(size: number = DEFAULT_BATCH_SIZE, column = 'id'): AsyncIterable<T> {
    const query = this.paged();
    checkPositive(query.connection, 'lazyById', size, 'the rows per chunk');
    return { [Symbol.asyncIterator]: () => itemsById(query, 'lazyById', size, column) };
  }

  /**
   * Hands `fn` the rows `size` at a time (LIMIT/OFFSET pages, in the query's order, which it
   * must have), the next page read after `fn` is done; `fn` returning false stops.
   * Resolves to false when stopped, else true. To change the rows as you go, use `chunkById`.
   * @example await db.table('users').orderBy('id').chunk(500, async (users) => { await send(users); });
   */
  chunk(size: number, fn: ChunkCallback<T>): Promise<boolean> {
    return chunk(this.paged(), 'chunk', size, fn);
  }

  /** `chunk` by key (`WHERE column > last ORDER BY column`): safe when `fn` updates or deletes the rows. */
  chunkById(size: number, fn: ChunkCallback<T>, column = 'id'): Promise<boolean> {
    return chunkById(this.paged(), 'chunkById', size, fn, column);
  }

  /**
   * Page `page` (from 1) of `perPage` rows, and the count of all rows (groups, distinct rows):
   * two queries. @example const { data, lastPage } = await db.table('orders').orderBy('id').paginate(20, 2);
   */
  paginate(perPage: number = DEFAULT_PER_PAGE, page = 1): Promise<Page<T>> {
    return paginate(this.paged(), 'paginate', perPage, page);
  }

  /**
   * The `perPage` rows after `cursor` (a `nextCursor`/`prevCursor` of an earlier page; none: the
   * first page) in the query's order (default `id`; `id` is added as a tiebreaker), by keyset:
   * stable while rows are inserted. Cursors are opaque and signed (see `setCursorSecret`).
   */
  cursorPaginate(perPage: number = DEFAULT_PER_PAGE, cursor?: string | null): Promise<CursorPage<T>> {
    return cursorPaginate(this.paged(), 'cursorPaginate', perPage, cursor);
  }

  /**
   * Inserts one row or many: one statement, or several in one transaction when the rows
   * pass the engine's parameter limit. A column a row leaves out gets its default.
   */
  insert(values: Record<string, unknown> | readonly Record<string, unknown>[]): Promise<InsertResult> {
    return insertRows(this.connection, this.state.table, values);
  }

  /**
   * Inserts one row and returns its generated key: the auto-increment value
   * (MySQL/MariaDB), the rowid (SQLite), or `RETURNING keyColumn` (PostgreSQL,
   * so a key not named `id` must be named there).
   *
   * @example
   * const uid = await db.table('auser').insertGetId({ name: 'Ada' }, 'uid');
   */
  insertGetId(values: Record<string, unknown>, keyColumn = 'id'): Promise<number | string | bigint | null> {
    return insertRowGetId(this.connection, this.state.table, values, keyColumn);
  }

  /**
   * Inserts the rows; one that conflicts with an existing row on a unique key updates it
   * instead (`update`: the columns to take from the row, or values; default: every column
   * but `uniqueBy`). Resolves to the affected rows as the engine counts them (see the README).
   *
   * @example
   * await db.table('flights').upsert([{ code: 'AF1', seats: 120 }], 'code', ['seats']);
   */
  upsert(
    values: Record<string, unknown> | readonly Record<string, unknown>[],
    uniqueBy: string | readonly string[],
    update?: UpsertUpdate,
  ): Promise<number> {
    return upsertRows(this.connection, this.state.table, values, uniqueBy, update);
  }

  /**
   * Updates the rows that match `match` with `values`, or inserts `match` and `values` when
   * none does (Laravel). Two statements, not atomic: see the README.
   *
   * @example
   * await db.table('settings').updateOrInsert({ user_id: 1, key: 'theme' }, { value: 'dark' });
   */
  updateOrInsert(match: Record<string, unknown>, values: UpdateOrInsertValues = {}): Promise<boolean> {
    return updateOrInsertRow(this as QueryBuilder, this.connection, match, values);
  }

  /** Affected rows. */
  update(values: Record<string, unknown>): Promise<number> {
    return updateRows(this.connection, this.state, values);
  }

  /**
   * `UPDATE ... SET column = column + amount` (and the `extra` columns) under this query's
   * conditions, in one statement; resolves to the affected rows.
   *
   * @example
   * await db.table('posts').where('id', 1).increment('views');
   */
  increment(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return incrementColumn(this.connection, this.state, 'increment', column, amount, extra);
  }

  /** `UPDATE ... SET column = column - amount` (and the `extra` columns); resolves to the affected rows. */
  decrement(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return incrementColumn(this.connection, this.state, 'decrement', column, amount, extra);
  }

  /** Affected rows. */
  delete(): Promise<number> {
    return deleteRows(this.connection, this.state);
  }

  /**
   * The SQL and bindings a `get()` would send, in this engine's placeholders; nothing runs.
   * @example db.table('orders').where('status', 'paid').toSql() // { sql: 'select * from "orders" where "status" = $1', bindings: ['paid'] }
   */
  toSql(): { sql: string; bindings: readonly unknown[] } {
    const { sql, parameters } = selectSql(this.connection, this.state);
    return { sql, bindings: parameters };
  }

  /** `toSql()` under its earlier name, kept for code written against it. */
  toSQL(): { sql: string; bindings: readonly unknown[] } {
    return this.toSql();
  }

  /** Awaiting a builder runs `get()`. */
  then<R1 = T[], R2 = never>(
    onfulfilled?: ((rows: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.get().then(onfulfilled, onrejected);
  }

  /** This query for the reading-in-pieces terminals (chunking.ts, pagination*.ts). */
  private paged(): PagedQuery<T> {
    return {
      connection: this.connection.name,
      state: this.state,
      key: 'id',
      rows: (change) => this.runSelect(change(this.state)) as Promise<T[]>,
      count: () => this.count(),
      valueOf: (item, column) => (item as Row)[column],
    };
  }

  private pushHaving(having: WhereClause | undefined): this {
    return having === undefined ? this : this.clone({ havings: [...this.state.havings, having] });
  }

  private selections(method: string, columns: readonly string[]): string[] {
    const list = columns.flat();
    for (const column of list) checkSelection(this.connection.name, method, column);
    return list;
  }

  /** `having` takes a column or a select alias, never a callback or an object (those are where's forms). */
  private havingColumn(method: string, column: unknown): string {
    return checkColumn(this.connection.name, method, column);
  }

  private addJoin(method: string, kind: Join['kind'], table: string, first: unknown, rest: readonly unknown[]): this {
    const connection = this.connection.name;
    checkTable(connection, method, table);
    let conditions: readonly WhereClause[];
    if (typeof first === 'function') {
      if (rest.length > 0) throw inputError(connection, method, 'takes a table and a callback alone');
      conditions = runJoinCallback(connection, method, first as JoinCallback);
      if (conditions.length === 0) throw inputError(connection, method, `needs at least one condition: j => j.on('o.user_id', '=', 'u.id')`);
    } else conditions = [columnsOf(connection, method, 'and', first, rest)];
    return this.clone({ joins: [...this.state.joins, { kind, table, conditions }] });
  }

  private async aggregate(aggregate: Aggregate): Promise<unknown> {
    const rows = (await this.runSelect({ ...this.state, orders: [], limit: undefined, offset: undefined }, aggregate)) as Row[];
    return rows[0]?.aggregate ?? null;
  }

  private runSelect(state: QueryState, aggregate?: Aggregate): Promise<Row[]> {
    let compiled: Compiled;
    try {
      compiled = selectSql(this.connection, state, aggregate);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.connection.run({ kind: 'select', sql: compiled.sql, bindings: compiled.parameters, native: true, needsWriter: needsWriter(state) }) as Promise<Row[]>;
  }

  protected blank(table: string): QueryBuilder {
    return new QueryBuilder(this.connection, initialState(table));
  }
}

/** A read that must not go to a replica: `useWriter()`, a locking read. */
function needsWriter(state: QueryState): boolean {
  return state.useWriter || state.lock !== undefined;
}
