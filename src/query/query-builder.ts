import type { Connection } from '../connection/connection.js';
import type { InsertResult } from '../connection/statement-kind.js';
import type { Row, WriteResult } from '../dialect/dialect.js';
import { DatabaseError } from '../errors/database-error.js';
import { compiledSql } from './compiled-sql-cache.js';
import { type Conjunction, checkOperator, collectWhereValues, type WhereClause, whereShape } from './where-clause.js';
import { compileDelete, compileInsert, compileSelect, compileUpdate } from './kysely-compile.js';

export interface Order {
  column: string;
  direction: 'asc' | 'desc';
}

/** Everything a query says, frozen; each builder call makes a new one. */
export interface QueryState {
  readonly table: string;
  readonly columns: readonly string[];
  readonly distinct: boolean;
  readonly wheres: readonly WhereClause[];
  readonly orders: readonly Order[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  readonly lock: 'update' | 'share' | undefined;
  readonly useWriter: boolean;
}

type WhereCallback = (query: QueryBuilder) => QueryBuilder;
type Compiled = { sql: string; parameters: readonly unknown[] };

/**
 * Laravel-style query builder. Immutable: every method returns a new builder,
 * and nothing runs until a terminal call (`get`, `first`, ... or `await`).
 * Values are always bound and identifiers always quoted (Kysely compiles).
 *
 * @example
 * const pending = await db.table('orders').where('status', 'pending').orderBy('id').limit(10).get();
 */
export class QueryBuilder<T = Row> implements PromiseLike<T[]> {
  protected readonly connection: Connection;
  protected readonly state: QueryState;

  protected constructor(connection: Connection, state: QueryState) {
    this.connection = connection;
    this.state = state;
  }

  /** @internal Use `connection.table(name)`. */
  static on(connection: Connection, table: string): QueryBuilder {
    return new QueryBuilder(connection, {
      table,
      columns: [],
      distinct: false,
      wheres: [],
      orders: [],
      limit: undefined,
      offset: undefined,
      lock: undefined,
      useWriter: false,
    });
  }

  /** The columns to return (`'name'`, `'orders.id'`, `'name as n'`); none means all. */
  select(...columns: string[]): this {
    return this.with({ columns: columns.flat() });
  }

  distinct(): this {
    return this.with({ distinct: true });
  }

  /**
   * `where('status', 'paid')`, `where('total', '>', 100)`, `where({ status: 'paid', user_id: 1 })`,
   * or a group: `where(q => q.where('a', 1).orWhere('b', 2))`.
   */
  where(column: string, value: unknown): this;
  where(column: string, operator: string, value: unknown): this;
  where(conditions: Record<string, unknown> | WhereCallback): this;
  where(column: string | Record<string, unknown> | WhereCallback, ...rest: unknown[]): this {
    return this.addWhere('and', column, rest);
  }

  orWhere(column: string, value: unknown): this;
  orWhere(column: string, operator: string, value: unknown): this;
  orWhere(conditions: Record<string, unknown> | WhereCallback): this;
  orWhere(column: string | Record<string, unknown> | WhereCallback, ...rest: unknown[]): this {
    return this.addWhere('or', column, rest);
  }

  whereIn(column: string, values: readonly unknown[]): this {
    return this.pushWhere({ type: 'in', boolean: 'and', column, values: [...values], not: false });
  }

  whereNotIn(column: string, values: readonly unknown[]): this {
    return this.pushWhere({ type: 'in', boolean: 'and', column, values: [...values], not: true });
  }

  orWhereIn(column: string, values: readonly unknown[]): this {
    return this.pushWhere({ type: 'in', boolean: 'or', column, values: [...values], not: false });
  }

  whereNull(column: string): this {
    return this.pushWhere({ type: 'null', boolean: 'and', column, not: false });
  }

  whereNotNull(column: string): this {
    return this.pushWhere({ type: 'null', boolean: 'and', column, not: true });
  }

  orWhereNull(column: string): this {
    return this.pushWhere({ type: 'null', boolean: 'or', column, not: false });
  }

  orderBy(column: string, direction: 'asc' | 'desc' | 'ASC' | 'DESC' = 'asc'): this {
    const lower = direction.toLowerCase();
    if (lower !== 'asc' && lower !== 'desc') throw new DatabaseError(`orderBy direction must be asc or desc, got "${direction}".`);
    return this.with({ orders: [...this.state.orders, { column, direction: lower }] });
  }

  orderByDesc(column: string): this {
    return this.orderBy(column, 'desc');
  }

  limit(count: number): this {
    return this.with({ limit: checkCount('limit', count) });
  }

  offset(count: number): this {
    return this.with({ offset: checkCount('offset', count) });
  }

  /** SELECT ... FOR UPDATE (runs on the writer of a read/write connection). */
  lockForUpdate(): this {
    return this.with({ lock: 'update' });
  }

  /** A shared-lock read (FOR SHARE / LOCK IN SHARE MODE). */
  sharedLock(): this {
    return this.with({ lock: 'share' });
  }

  /** Sends this query to the writer of a read/write connection. */
  useWriter(): this {
    return this.with({ useWriter: true });
  }

  // get() and first() are not async: the statement's promise is the only one (see Connection.run).
  get(): Promise<T[]> {
    return this.runSelect(this.state) as Promise<T[]>;
  }

  first(): Promise<T | null> {
    return this.runSelect({ ...this.state, limit: 1 }).then(firstRow) as Promise<T | null>;
  }

  /** The rows whose `column` equals `id` (default `id`), first one. */
  find(id: unknown, column = 'id'): Promise<T | null> {
    return this.where(column, id).first();
  }

  /** One column of the first row. */
  async value<V = unknown>(column: string): Promise<V | null> {
    const row = (await this.select(column).first()) as Row | null;
    return row === null ? null : (Object.values(row)[0] as V);
  }

  /** One column of every row. */
  async pluck<V = unknown>(column: string): Promise<V[]> {
    const rows = (await this.runSelect({ ...this.state, columns: [column] })) as Row[];
    return rows.map((row) => Object.values(row)[0] as V);
  }

  async count(column = '*'): Promise<number> {
    return Number((await this.aggregate('count', column)) ?? 0);
  }

  async exists(): Promise<boolean> {
    const rows = await this.runSelect({ ...this.state, columns: [], orders: [], limit: 1 });
    return rows.length > 0;
  }

  async sum(column: string): Promise<number> {
    return Number((await this.aggregate('sum', column)) ?? 0);
  }

  async min<V = unknown>(column: string): Promise<V | null> {
    return (await this.aggregate('min', column)) as V | null;
  }

  async max<V = unknown>(column: string): Promise<V | null> {
    return (await this.aggregate('max', column)) as V | null;
  }

  async avg(column: string): Promise<number | null> {
    const value = await this.aggregate('avg', column);
    return value === null || value === undefined ? null : Number(value);
  }

  /** Inserts one row or many. */
  async insert(values: Record<string, unknown> | readonly Record<string, unknown>[]): Promise<InsertResult> {
    const rows = Array.isArray(values) ? values : [values];
    if (rows.length === 0) return { affectedRows: 0, insertId: null };
    return (await this.runWrite('insert', this.compileInsertRows(rows, undefined))) as WriteResult;
  }

  /**
   * Inserts one row and returns its generated key: the auto-increment value
   * (MySQL/MariaDB), the rowid (SQLite), or `RETURNING keyColumn` (PostgreSQL,
   * so a key not named `id` must be named there).
   *
   * @example
   * const uid = await db.table('auser').insertGetId({ name: 'Ada' }, 'uid');
   */
  async insertGetId(values: Record<string, unknown>, keyColumn = 'id'): Promise<number | string | bigint | null> {
    const returning = this.connection.dialect.insertReturning ? keyColumn : undefined;
    return ((await this.runWrite('insert', this.compileInsertRows([values], returning))) as WriteResult).insertId;
  }

  /** Affected rows. */
  async update(values: Record<string, unknown>): Promise<number> {
    return ((await this.runWrite('update', this.compileUpdateValues(values))) as WriteResult).affectedRows;
  }

  /** Affected rows. */
  async delete(): Promise<number> {
    const dialect = this.connection.dialect;
    const state = this.state;
    const bound: unknown[] = [];
    collectWhereValues(state.wheres, bound);
    const compiled = compiledSql(dialect, `delete\0${state.table}\0${whereShape(state.wheres)}`, bound, () => compileDelete(dialect, state));
    return ((await this.runWrite('delete', compiled)) as WriteResult).affectedRows;
  }

  /** The SQL and bindings a `get()` would send. */
  toSQL(): { sql: string; bindings: readonly unknown[] } {
    const { sql, parameters } = this.compileSelectState(this.state);
    return { sql, bindings: parameters };
  }

  /** Awaiting a builder runs `get()`. */
  then<R1 = T[], R2 = never>(
    onfulfilled?: ((rows: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.get().then(onfulfilled, onrejected);
  }

  /**
   * A copy with some of the state replaced; subclasses keep their own fields.
   * (Copies are made with Object.create, which is why this class has no `#private` members.)
   */
  protected with(patch: Partial<QueryState>): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    (copy as unknown as { state: QueryState }).state = { ...this.state, ...patch };
    return copy;
  }

  private pushWhere(where: WhereClause): this {
    return this.with({ wheres: [...this.state.wheres, where] });
  }

  private addWhere(
    boolean: Conjunction,
    column: string | Record<string, unknown> | WhereCallback,
    rest: unknown[],
  ): this {
    if (typeof column === 'function') {
      const inner = column(QueryBuilder.on(this.connection, this.state.table));
      return this.pushWhere({ type: 'nested', boolean, wheres: inner.state.wheres });
    }
    if (typeof column === 'object') {
      const wheres: WhereClause[] = Object.entries(column).map(([key, v]) => ({
        type: 'basic', boolean: 'and', column: key, operator: '=', value: v,
      }));
      return this.pushWhere({ type: 'nested', boolean, wheres });
    }
    if (rest.length === 1) return this.pushWhere({ type: 'basic', boolean, column, operator: '=', value: rest[0] });
    return this.pushWhere({ type: 'basic', boolean, column, operator: checkOperator(String(rest[0])), value: rest[1] });
  }

  private async aggregate(fn: 'count' | 'sum' | 'min' | 'max' | 'avg', column: string): Promise<unknown> {
    const rows = (await this.runSelect({ ...this.state, orders: [], limit: undefined, offset: undefined }, { fn, column })) as Row[];
    return rows[0]?.aggregate ?? null;
  }

  private runSelect(state: QueryState, aggregate?: { fn: string; column: string }): Promise<Row[]> {
    let compiled: Compiled;
    try {
      compiled = this.compileSelectState(state, aggregate);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.connection.run('select', compiled.sql, compiled.parameters, true, state.useWriter || state.lock !== undefined) as Promise<Row[]>;
  }

  private compileSelectState(state: QueryState, aggregate?: { fn: string; column: string }): Compiled {
    const dialect = this.connection.dialect;
    const values: unknown[] = [];
    collectWhereValues(state.wheres, values);
    // LIMIT and OFFSET are literals in the SQL (see compileSelect): part of the shape, not of the values.
    // NUL-separated with counts, as whereShape: `select('a,b')` and `select('a', 'b')` must not share SQL.
    let shape = `select\0${state.table}\0${state.columns.length}`;
    for (const column of state.columns) shape += `\0${column}`;
    shape += `\0${state.distinct}\0${whereShape(state.wheres)}\0${state.orders.length}`;
    for (const order of state.orders) shape += `\0${order.column}\0${order.direction}`;
    shape += `\0${state.limit}\0${state.offset}\0${state.lock}\0${aggregate?.fn}\0${aggregate?.column}`;
    return compiledSql(dialect, shape, values, () => compileSelect(dialect, state, aggregate));
  }

  /**
   * INSERT SQL from the compiled-SQL cache when every row has plain values under the
   * same keys in the same order (the usual case); anything else is compiled afresh.
   */
  private compileInsertRows(rows: readonly Record<string, unknown>[], returning: string | undefined): Compiled {
    const dialect = this.connection.dialect;
    const table = this.state.table;
    const compile = () => compileInsert(dialect, table, rows, returning);
    const columns = Object.keys(rows[0]);
    const bound: unknown[] = [];
    for (const row of rows) if (!sameKeys(row, columns) || !pushPlainValues(row, columns, bound)) return compile();
    const shape = `insert\0${table}\0${rows.length}\0${returning === undefined ? '' : `r${returning}`}\0${columns.length}\0${columns.join('\0')}`;
    return compiledSql(dialect, shape, bound, compile);
  }

  /** UPDATE SQL from the cache: SET values in key order, then the WHERE values. */
  private compileUpdateValues(values: Record<string, unknown>): Compiled {
    const dialect = this.connection.dialect;
    const state = this.state;
    const compile = () => compileUpdate(dialect, state, values);
    const columns = Object.keys(values);
    const bound: unknown[] = [];
    if (!pushPlainValues(values, columns, bound)) return compile();
    collectWhereValues(state.wheres, bound);
    const shape = `update\0${state.table}\0${columns.length}\0${columns.join('\0')}\0${whereShape(state.wheres)}`;
    return compiledSql(dialect, shape, bound, compile);
  }

  private runWrite(kind: 'insert' | 'update' | 'delete', compiled: Compiled): Promise<Row[] | WriteResult> {
    return this.connection.run(kind, compiled.sql, compiled.parameters, true);
  }
}

function sameKeys(row: Record<string, unknown>, columns: readonly string[]): boolean {
  const keys = Object.keys(row);
  if (keys.length !== columns.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== columns[i]) return false;
  return true;
}

/**
 * Appends the row's values in `columns` order. False when one is not a plain value:
 * undefined (Kysely leaves the column out), a function or a Kysely expression (compiled into the SQL).
 */
function pushPlainValues(row: Record<string, unknown>, columns: readonly string[], into: unknown[]): boolean {
  for (const column of columns) {
    const value = row[column];
    if (value === undefined || typeof value === 'function') return false;
    if (typeof value === 'object' && value !== null && typeof (value as { toOperationNode?: unknown }).toOperationNode === 'function') {
      return false;
    }
    into.push(value);
  }
  return true;
}

function firstRow(rows: Row[]): Row | null {
  return rows.length > 0 ? rows[0] : null;
}

function checkCount(name: string, count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new DatabaseError(`${name}() takes a whole number of rows, got ${String(count)}.`);
  return count;
}
