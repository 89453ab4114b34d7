import type { Connection } from '../connection/connection.js';
import type { InsertResult } from '../connection/statement-kind.js';
import type { Row, WriteResult } from '../dialect/dialect.js';
import {
  checkColumn,
  checkCount,
  checkRecord,
  checkSelection,
  checkTable,
  checkWriteValue,
  inputError,
  shown,
} from './builder-input.js';
import { incrementColumn } from './increment.js';
import { type Aggregate, type Compiled, initialState, type QueryState } from './query-state.js';
import { rowStatements, runRowStatements } from './row-statements.js';
import { selectSql } from './select-sql.js';
import { type UpdateOrInsertValues, updateOrInsertRow } from './update-or-insert.js';
import { type UpsertUpdate, upsertRows } from './upsert.js';
import type { Conjunction, WhereClause } from './where-clause.js';
import { inOf, nullOf, whereOf } from './where-input.js';
import { deleteSql, insertSql, updateSql } from './write-sql.js';

type WhereCallback = (query: QueryBuilder) => QueryBuilder;
type BuilderClass<B> = new (connection: Connection, state: QueryState) => B;

/**
 * Laravel-style query builder. Immutable: every method returns a new builder,
 * and nothing runs until a terminal call (`get`, `first`, ... or `await`).
 * Values are always bound and identifiers always quoted (Kysely compiles).
 * The vocabulary lives here; what it becomes is in query-state.ts (the state),
 * select-sql.ts and write-sql.ts (the SQL), where-input.ts (the conditions).
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
    return new QueryBuilder(connection, initialState(checkTable(connection.name, 'table', table)));
  }

  /** The columns to return (`'name'`, `'orders.id'`, `'name as n'`); none means all. */
  select(...columns: string[]): this {
    const list = columns.flat();
    for (const column of list) checkSelection(this.connection.name, 'select', column);
    return this.clone({ columns: list });
  }

  distinct(): this {
    return this.clone({ distinct: true });
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
    return this.pushWhere(inOf(this.connection.name, 'whereIn', 'and', column, values, false));
  }

  whereNotIn(column: string, values: readonly unknown[]): this {
    return this.pushWhere(inOf(this.connection.name, 'whereNotIn', 'and', column, values, true));
  }

  orWhereIn(column: string, values: readonly unknown[]): this {
    return this.pushWhere(inOf(this.connection.name, 'orWhereIn', 'or', column, values, false));
  }

  whereNull(column: string): this {
    return this.pushWhere(nullOf(this.connection.name, 'whereNull', 'and', column, false));
  }

  whereNotNull(column: string): this {
    return this.pushWhere(nullOf(this.connection.name, 'whereNotNull', 'and', column, true));
  }

  orWhereNull(column: string): this {
    return this.pushWhere(nullOf(this.connection.name, 'orWhereNull', 'or', column, false));
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
    const rows = await this.runSelect({ ...this.state, columns: [], orders: [], limit: 1 });
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
   * Inserts one row or many: one statement, or several in one transaction when the rows
   * pass the engine's parameter limit. A column a row leaves out gets its default.
   */
  async insert(values: Record<string, unknown> | readonly Record<string, unknown>[]): Promise<InsertResult> {
    const rows = Array.isArray(values) ? values : [values];
    if (rows.length === 0) return { affectedRows: 0, insertId: null };
    for (const row of rows) this.checkValues('insert', row);
    const statements = rowStatements(this.connection.dialect, rows, 0, (batch) => insertSql(this.connection, this.state.table, batch, undefined));
    return runRowStatements(this.connection, 'insert', statements);
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
    return ((await this.runWrite('insert', insertSql(this.connection, this.state.table, [values], returning))) as WriteResult).insertId;
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
  async update(values: Record<string, unknown>): Promise<number> {
    this.checkValues('update', values);
    return ((await this.runWrite('update', updateSql(this.connection, this.state, values))) as WriteResult).affectedRows;
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
  async delete(): Promise<number> {
    return ((await this.runWrite('delete', deleteSql(this.connection, this.state))) as WriteResult).affectedRows;
  }

  /** The SQL and bindings a `get()` would send. */
  toSQL(): { sql: string; bindings: readonly unknown[] } {
    const { sql, parameters } = selectSql(this.connection, this.state);
    return { sql, bindings: parameters };
  }

  /** Awaiting a builder runs `get()`. */
  then<R1 = T[], R2 = never>(
    onfulfilled?: ((rows: T[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.get().then(onfulfilled, onrejected);
  }

  /** A builder of the same class with `patch` over this state (on `connection`, by default this one). */
  protected clone(patch: Partial<QueryState>, connection: Connection = this.connection): this {
    return new (this.constructor as BuilderClass<this>)(connection, { ...this.state, ...patch });
  }

  private pushWhere(where: WhereClause | undefined): this {
    return where === undefined ? this : this.clone({ wheres: [...this.state.wheres, where] });
  }

  /** `where`/`orWhere`/`find`: a callback makes a group; the other forms are where-input.ts's. */
  private addWhere(method: string, boolean: Conjunction, column: unknown, rest: readonly unknown[]): this {
    if (typeof column !== 'function') return this.pushWhere(whereOf(this.connection.name, method, boolean, column, rest));
    const inner: unknown = column(QueryBuilder.on(this.connection, this.state.table));
    if (!(inner instanceof QueryBuilder)) {
      throw inputError(this.connection.name, method, 'callback must return the query it was given (queries are immutable): q => q.where(...)');
    }
    const wheres = inner.state.wheres;
    return wheres.length === 0 ? this : this.pushWhere({ type: 'nested', boolean, wheres });
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
    return this.connection.run('select', compiled.sql, compiled.parameters, true, state.useWriter || state.lock !== undefined) as Promise<Row[]>;
  }

  private runWrite(kind: 'insert' | 'update' | 'delete', compiled: Compiled): Promise<Row[] | WriteResult> {
    return this.connection.run(kind, compiled.sql, compiled.parameters, true);
  }
}

function firstRow(rows: Row[]): Row | null {
  return rows.length > 0 ? rows[0] : null;
}
