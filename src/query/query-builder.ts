import type { Connection } from '../connection/connection.js';
import type { InsertResult } from '../connection/statement-kind.js';
import type { Row, WriteResult } from '../dialect/dialect.js';
import {
  checkColumn,
  checkCount,
  checkRecord,
  checkSelection,
  checkTable,
  checkValue,
  checkWriteValue,
  inputError,
  isExpression,
  shown,
} from './builder-input.js';
import { compiledSql } from './compiled-sql-cache.js';
import { compileDelete, compileInsert, compileSelect, compileUpdate } from './kysely-compile.js';
import { fitParameters } from './long-lists.js';
import {
  type Conjunction,
  checkOperator,
  checkOperatorValue,
  collectWhereValues,
  type WhereClause,
  whereShape,
} from './where-clause.js';

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
      table: checkTable(connection.name, 'table', table),
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
    const list = columns.flat();
    for (const column of list) checkSelection(this.connection.name, 'select', column);
    return this.with({ columns: list });
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
    return this.addWhere('where', 'and', column, rest);
  }

  orWhere(column: string, value: unknown): this;
  orWhere(column: string, operator: string, value: unknown): this;
  orWhere(conditions: Record<string, unknown> | WhereCallback): this;
  orWhere(column: string | Record<string, unknown> | WhereCallback, ...rest: unknown[]): this {
    return this.addWhere('orWhere', 'or', column, rest);
  }

  /**
   * `column IN (values)`. A list longer than one statement binds (SQLite 32766, MySQL and
   * PostgreSQL 65535) still runs as one statement: it is then bound as one parameter
   * (PostgreSQL `= ANY(?)`, SQLite `json_each(?)`, MySQL/MariaDB `JSON_TABLE(?)`).
   */
  whereIn(column: string, values: readonly unknown[]): this {
    return this.addIn('whereIn', 'and', column, values, false);
  }

  whereNotIn(column: string, values: readonly unknown[]): this {
    return this.addIn('whereNotIn', 'and', column, values, true);
  }

  orWhereIn(column: string, values: readonly unknown[]): this {
    return this.addIn('orWhereIn', 'or', column, values, false);
  }

  whereNull(column: string): this {
    return this.addNull('whereNull', 'and', column, false);
  }

  whereNotNull(column: string): this {
    return this.addNull('whereNotNull', 'and', column, true);
  }

  orWhereNull(column: string): this {
    return this.addNull('orWhereNull', 'or', column, false);
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
    return this.with({ orders: [...this.state.orders, { column, direction: lower }] });
  }

  orderByDesc(column: string): this {
    return this.orderBy(column, 'desc');
  }

  limit(count: number): this {
    return this.with({ limit: checkCount(this.connection.name, 'limit', count) });
  }

  offset(count: number): this {
    return this.with({ offset: checkCount(this.connection.name, 'offset', count) });
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
    try {
      return this.addWhere('find', 'and', column, [id]).first();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One column of the first row. */
  async value<V = unknown>(column: string): Promise<V | null> {
    checkSelection(this.connection.name, 'value', column);
    const row = (await this.with({ columns: [column] }).first()) as Row | null;
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
    return Number((await this.aggregate('count', column)) ?? 0);
  }

  async exists(): Promise<boolean> {
    const rows = await this.runSelect({ ...this.state, columns: [], orders: [], limit: 1 });
    return rows.length > 0;
  }

  async sum(column: string): Promise<number> {
    checkColumn(this.connection.name, 'sum', column);
    return Number((await this.aggregate('sum', column)) ?? 0);
  }

  async min<V = unknown>(column: string): Promise<V | null> {
    checkColumn(this.connection.name, 'min', column);
    return (await this.aggregate('min', column)) as V | null;
  }

  async max<V = unknown>(column: string): Promise<V | null> {
    checkColumn(this.connection.name, 'max', column);
    return (await this.aggregate('max', column)) as V | null;
  }

  async avg(column: string): Promise<number | null> {
    checkColumn(this.connection.name, 'avg', column);
    const value = await this.aggregate('avg', column);
    return value === null || value === undefined ? null : Number(value);
  }

  /** Inserts one row or many. */
  async insert(values: Record<string, unknown> | readonly Record<string, unknown>[]): Promise<InsertResult> {
    const rows = Array.isArray(values) ? values : [values];
    if (rows.length === 0) return { affectedRows: 0, insertId: null };
    for (const row of rows) this.checkValues('insert', row);
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
    this.checkValues('insertGetId', values);
    checkColumn(this.connection.name, 'insertGetId', keyColumn);
    const returning = this.connection.dialect.insertReturning ? keyColumn : undefined;
    return ((await this.runWrite('insert', this.compileInsertRows([values], returning))) as WriteResult).insertId;
  }

  /** Affected rows. */
  async update(values: Record<string, unknown>): Promise<number> {
    this.checkValues('update', values);
    return ((await this.runWrite('update', this.compileUpdateValues(values))) as WriteResult).affectedRows;
  }

  /** Affected rows. */
  async delete(): Promise<number> {
    const dialect = this.connection.dialect;
    const bound: unknown[] = [];
    const { state, cacheable } = this.fitted(this.state, bound, 0);
    const compile = () => compileDelete(dialect, state);
    const compiled = cacheable ? compiledSql(dialect, `delete\0${state.table}\0${whereShape(state.wheres)}`, bound, compile) : compile();
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

  /** `where`/`orWhere`/`find`: every form checked before it is recorded (builder-input.ts). */
  private addWhere(method: string, boolean: Conjunction, column: unknown, rest: unknown[]): this {
    const connection = this.connection.name;
    if (typeof column === 'function') {
      const inner: unknown = column(QueryBuilder.on(this.connection, this.state.table));
      if (!(inner instanceof QueryBuilder)) {
        throw inputError(connection, method, 'callback must return the query it was given (queries are immutable): q => q.where(...)');
      }
      const wheres = inner.state.wheres;
      return wheres.length === 0 ? this : this.pushWhere({ type: 'nested', boolean, wheres });
    }
    if (typeof column === 'object' && column !== null && !Array.isArray(column)) {
      const prototype = Object.getPrototypeOf(column);
      if (prototype !== Object.prototype && prototype !== null) throw inputError(connection, method, `takes an object of column values, got ${shown(column)}`);
      if (rest.length > 0) throw inputError(connection, method, 'takes an object of conditions alone');
      const wheres: WhereClause[] = [];
      for (const [key, value] of Object.entries(column)) {
        checkColumn(connection, method, key);
        checkValue(connection, method, value, `the value for ${shown(key)}`);
        wheres.push({ type: 'basic', boolean: 'and', column: key, operator: '=', value });
      }
      return wheres.length === 0 ? this : this.pushWhere({ type: 'nested', boolean, wheres });
    }
    if (typeof column !== 'string') {
      throw inputError(connection, method, `takes a column name, an object of conditions or a callback, got ${shown(column)}`);
    }
    checkColumn(connection, method, column);
    if (rest.length === 0 || rest.length > 2) {
      throw inputError(connection, method, `takes (column, value) or (column, operator, value), got ${rest.length + 1} arguments`);
    }
    const operator = rest.length === 1 ? '=' : checkOperator(connection, method, rest[0]);
    const value = rest[rest.length - 1];
    checkValue(connection, method, value, `the value for ${shown(column)}`);
    checkOperatorValue(connection, method, column, operator, value);
    return this.pushWhere({ type: 'basic', boolean, column, operator, value });
  }

  private addIn(method: string, boolean: Conjunction, column: string, values: readonly unknown[], not: boolean): this {
    const connection = this.connection.name;
    checkColumn(connection, method, column);
    if (!Array.isArray(values)) throw inputError(connection, method, `takes an array of values, got ${shown(values)}`);
    const list = [...values];
    for (let i = 0; i < list.length; i++) checkValue(connection, method, list[i], `values[${i}]`);
    return this.pushWhere({ type: 'in', boolean, column, values: list, not });
  }

  private addNull(method: string, boolean: Conjunction, column: string, not: boolean): this {
    checkColumn(this.connection.name, method, column);
    return this.pushWhere({ type: 'null', boolean, column, not });
  }

  /** Column names and values of an insert/update row, checked. */
  private checkValues(method: string, values: unknown): void {
    const connection = this.connection.name;
    const record = checkRecord(connection, method, values);
    const arrays = this.connection.dialect.arrayParameters;
    for (const [column, value] of Object.entries(record)) {
      checkColumn(connection, method, column);
      checkWriteValue(connection, method, value, column, arrays);
    }
  }

  /**
   * The state with its conditions fitted to the engine's parameter limit (long IN lists
   * bound as one parameter each, see fitParameters); their values are appended to
   * `values`, after the `others` already there.
   */
  private fitted(state: QueryState, values: unknown[], others: number): { state: QueryState; cacheable: boolean } {
    collectWhereValues(state.wheres, values);
    if (values.length <= this.connection.dialect.maxParameters) return { state, cacheable: true };
    const { wheres, cacheable } = fitParameters(this.connection.name, this.connection.dialect, state.wheres, values.length);
    if (wheres === state.wheres) return { state, cacheable };
    values.length = others;
    collectWhereValues(wheres, values);
    return { state: { ...state, wheres }, cacheable };
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

  private compileSelectState(original: QueryState, aggregate?: { fn: string; column: string }): Compiled {
    const dialect = this.connection.dialect;
    const values: unknown[] = [];
    const { state, cacheable } = this.fitted(original, values, 0);
    if (!cacheable) return compileSelect(dialect, state, aggregate);
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
    const columns = Object.keys(values);
    const bound: unknown[] = [];
    const plain = pushPlainValues(values, columns, bound);
    const { state, cacheable } = this.fitted(this.state, bound, bound.length);
    const compile = () => compileUpdate(dialect, state, values);
    if (!plain || !cacheable) return compile();
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
    if (value === undefined || typeof value === 'function' || isExpression(value)) return false;
    into.push(value);
  }
  return true;
}

function firstRow(rows: Row[]): Row | null {
  return rows.length > 0 ? rows[0] : null;
}
