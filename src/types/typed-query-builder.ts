import type { Insertable, Selectable, Updateable } from 'kysely';
import type { InsertResult } from '../connection/statement-kind.js';
import type { ChunkCallback } from '../query/chunking.js';
import type { JoinCallback } from '../query/join-clause.js';
import type { Page } from '../query/pagination.js';
import type { CursorPage } from '../query/pagination-cursor.js';
import type { QueryBuilder } from '../query/query-builder.js';
import type { SubQuery } from '../query/where-builder.js';
import type { ColumnFreeClauses } from './column-free-clauses.js';
import type { ColumnConditionArgs, ColumnRef, ColumnType, ColumnValues, ConditionValue, SelectColumn, SelectedRow } from './column-names.js';

type Direction = 'asc' | 'desc' | 'ASC' | 'DESC';

/** A value of an `IN` list or a `BETWEEN` range on column `C`: the column's values, never null. */
type ListValue<T, C extends string> = NonNullable<ConditionValue<ColumnType<T, C>>>;


/**
 * `QueryBuilder` as the compiler sees it on a table of a typed connection (`conn.table('orders')`
 * after `so-db types`): column names are checked, rows are `Selectable<Table>` (or what
 * `select()` chose), inserts `Insertable<Table>` (what the database fills may be left out),
 * updates `Updateable<Table>`. The object is the same `QueryBuilder` at run time: the types
 * cost nothing. A join or `from()` leaves the table's columns behind: it gives the untyped builder.
 *
 * `TB` is the table name, `T` its generated interface, `O` the row type.
 */
export interface TypedQueryBuilder<TB extends string, T, O = Selectable<T>> extends PromiseLike<O[]>, ColumnFreeClauses {
  select<C extends SelectColumn<TB, T>>(...columns: C[]): TypedQueryBuilder<TB, T, SelectedRow<T, C>>;
  addSelect<C extends SelectColumn<TB, T>>(...columns: C[]): TypedQueryBuilder<TB, T, O & SelectedRow<T, C>>;
  selectRaw<R = Record<string, unknown>>(sql: string, bindings?: readonly unknown[]): TypedQueryBuilder<TB, T, O & R>;

  /** `('status', 'paid')`, `('total', '>', 100)`, `('note', 'is', null)`: each value of the column's type. */
  where(...condition: ColumnConditionArgs<TB, T>): this;
  where(conditions: ColumnValues<TB, T> | ((query: this) => unknown)): this;
  orWhere(...condition: ColumnConditionArgs<TB, T>): this;
  orWhere(conditions: ColumnValues<TB, T> | ((query: this) => unknown)): this;
  whereIn<C extends ColumnRef<TB, T>>(column: C, values: readonly ListValue<T, C>[] | SubQuery): this;
  whereNotIn<C extends ColumnRef<TB, T>>(column: C, values: readonly ListValue<T, C>[] | SubQuery): this;
  orWhereIn<C extends ColumnRef<TB, T>>(column: C, values: readonly ListValue<T, C>[] | SubQuery): this;
  orWhereNotIn<C extends ColumnRef<TB, T>>(column: C, values: readonly ListValue<T, C>[] | SubQuery): this;
  whereNull(column: ColumnRef<TB, T>): this;
  whereNotNull(column: ColumnRef<TB, T>): this;
  orWhereNull(column: ColumnRef<TB, T>): this;
  orWhereNotNull(column: ColumnRef<TB, T>): this;
  whereBetween<C extends ColumnRef<TB, T>>(column: C, range: readonly [ListValue<T, C>, ListValue<T, C>]): this;
  whereNotBetween<C extends ColumnRef<TB, T>>(column: C, range: readonly [ListValue<T, C>, ListValue<T, C>]): this;
  orWhereBetween<C extends ColumnRef<TB, T>>(column: C, range: readonly [ListValue<T, C>, ListValue<T, C>]): this;
  orWhereNotBetween<C extends ColumnRef<TB, T>>(column: C, range: readonly [ListValue<T, C>, ListValue<T, C>]): this;
  whereColumn(first: ColumnRef<TB, T>, operator: string, second: ColumnRef<TB, T>): this;
  whereColumn(first: ColumnRef<TB, T>, second: ColumnRef<TB, T>): this;
  orWhereColumn(first: ColumnRef<TB, T>, operator: string, second: ColumnRef<TB, T>): this;
  orWhereColumn(first: ColumnRef<TB, T>, second: ColumnRef<TB, T>): this;
  whereExists(query: SubQuery): this;
  whereNotExists(query: SubQuery): this;
  orWhereExists(query: SubQuery): this;
  orWhereNotExists(query: SubQuery): this;

  join(table: string, first: string, operator: string, second: string): QueryBuilder;
  join(table: string, first: string, second: string): QueryBuilder;
  join(table: string, on: JoinCallback): QueryBuilder;
  leftJoin(table: string, first: string, operator: string, second: string): QueryBuilder;
  leftJoin(table: string, first: string, second: string): QueryBuilder;
  leftJoin(table: string, on: JoinCallback): QueryBuilder;
  rightJoin(table: string, first: string, operator: string, second: string): QueryBuilder;
  rightJoin(table: string, first: string, second: string): QueryBuilder;
  rightJoin(table: string, on: JoinCallback): QueryBuilder;
  crossJoin(table: string): QueryBuilder;
  from(table: string): QueryBuilder;

  groupBy(...columns: ColumnRef<TB, T>[]): this;
  orderBy(column: ColumnRef<TB, T>, direction?: Direction): this;
  orderByDesc(column: ColumnRef<TB, T>): this;

  get(): Promise<O[]>;
  first(): Promise<O | null>;
  find(id: unknown, column?: ColumnRef<TB, T>): Promise<O | null>;
  value<C extends ColumnRef<TB, T>>(column: C): Promise<SelectedRow<T, C>[keyof SelectedRow<T, C>] | null>;
  pluck<C extends ColumnRef<TB, T>>(column: C): Promise<SelectedRow<T, C>[keyof SelectedRow<T, C>][]>;
  count(column?: ColumnRef<TB, T> | '*'): Promise<number>;
  sum(column: ColumnRef<TB, T>): Promise<number>;
  min<C extends ColumnRef<TB, T>>(column: C): Promise<SelectedRow<T, C>[keyof SelectedRow<T, C>] | null>;
  max<C extends ColumnRef<TB, T>>(column: C): Promise<SelectedRow<T, C>[keyof SelectedRow<T, C>] | null>;
  avg(column: ColumnRef<TB, T>): Promise<number | null>;
  cursor(): AsyncIterable<O>;
  lazy(size?: number): AsyncIterable<O>;
  lazyById(size?: number, column?: ColumnRef<TB, T>): AsyncIterable<O>;
  chunk(size: number, fn: ChunkCallback<O>): Promise<boolean>;
  chunkById(size: number, fn: ChunkCallback<O>, column?: ColumnRef<TB, T>): Promise<boolean>;
  paginate(perPage?: number, page?: number): Promise<Page<O>>;
  cursorPaginate(perPage?: number, cursor?: string | null): Promise<CursorPage<O>>;

  insert(values: Insertable<T> | readonly Insertable<T>[]): Promise<InsertResult>;
  insertGetId(values: Insertable<T>, keyColumn?: ColumnRef<TB, T>): Promise<number | string | bigint | null>;
  upsert(
    values: Insertable<T> | readonly Insertable<T>[],
    uniqueBy: ColumnRef<TB, T> | readonly ColumnRef<TB, T>[],
    update?: ColumnRef<TB, T> | readonly ColumnRef<TB, T>[] | Updateable<T>,
  ): Promise<number>;
  updateOrInsert(match: ColumnValues<TB, T>, values?: Updateable<T> | ((exists: boolean) => Updateable<T>)): Promise<boolean>;
  update(values: Updateable<T>): Promise<number>;
  increment(column: ColumnRef<TB, T>, amount?: number | bigint, extra?: Updateable<T>): Promise<number>;
  decrement(column: ColumnRef<TB, T>, amount?: number | bigint, extra?: Updateable<T>): Promise<number>;
}
