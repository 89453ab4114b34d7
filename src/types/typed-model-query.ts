import type { JoinCallback } from '../query/join-clause.js';
import type { ChunkCallback } from '../query/chunking.js';
import type { Page } from '../query/pagination.js';
import type { CursorPage } from '../query/pagination-cursor.js';
import type { Model } from '../model/model.js';
import type { ModelQuery, RelationCallback, WhereCallback } from '../model/model-query.js';
import type { ModelSubQuery } from '../model/model-query-clauses.js';
import type { ColumnFreeClauses } from './column-free-clauses.js';
import type {
  ModelColumn,
  ModelConditions,
  ModelEagerLoad,
  ModelListValue,
  ModelSelectColumn,
  ModelValues,
  ModelWhereArgs,
  RelationPath,
  TypedModelBrand,
  TypesOf,
  WithCounts,
} from './typed-model.js';

type Direction = 'asc' | 'desc' | 'ASC' | 'DESC';
type ColumnCondition<M> = Exclude<ModelWhereArgs<M>, [unknown]>;

/**
 * `ModelQuery<M>` as the compiler sees it for a model made with `Model.for(connection, table)`
 * (`Order.query()`, `Order.on(name)`, every static query method): columns, the values
 * conditions compare them with, relation paths and written values are checked against the
 * generated types. The object is the same `ModelQuery` at run time: the types cost nothing.
 * A join leaves the table's columns behind: it gives the untyped `ModelQuery<M>`.
 */
export interface TypedModelQuery<M extends Model> extends PromiseLike<M[]>, ColumnFreeClauses {
  select(...columns: ModelSelectColumn<M>[]): this;
  addSelect(...columns: ModelSelectColumn<M>[]): this;
  selectRaw(sql: string, bindings?: readonly unknown[]): this;

  join(table: string, first: string, operator: string, second: string): ModelQuery<M>;
  join(table: string, first: string, second: string): ModelQuery<M>;
  join(table: string, on: JoinCallback): ModelQuery<M>;
  leftJoin(table: string, first: string, operator: string, second: string): ModelQuery<M>;
  leftJoin(table: string, first: string, second: string): ModelQuery<M>;
  leftJoin(table: string, on: JoinCallback): ModelQuery<M>;
  rightJoin(table: string, first: string, operator: string, second: string): ModelQuery<M>;
  rightJoin(table: string, first: string, second: string): ModelQuery<M>;
  rightJoin(table: string, on: JoinCallback): ModelQuery<M>;
  crossJoin(table: string): ModelQuery<M>;

  /** `('status', 'paid')`, `('total', '>', 100)`, `('note', 'is', null)`: each value of the column's (or its cast's) type. */
  where(...condition: ColumnCondition<M>): this;
  where(conditions: ModelConditions<M> | WhereCallback): this;
  orWhere(...condition: ColumnCondition<M>): this;
  orWhere(conditions: ModelConditions<M> | WhereCallback): this;
  whereIn<C extends ModelColumn<M>>(column: C, values: readonly ModelListValue<M, C>[] | ModelSubQuery): this;
  whereNotIn<C extends ModelColumn<M>>(column: C, values: readonly ModelListValue<M, C>[] | ModelSubQuery): this;
  orWhereIn<C extends ModelColumn<M>>(column: C, values: readonly ModelListValue<M, C>[] | ModelSubQuery): this;
  orWhereNotIn<C extends ModelColumn<M>>(column: C, values: readonly ModelListValue<M, C>[] | ModelSubQuery): this;
  whereNull(column: ModelColumn<M>): this;
  whereNotNull(column: ModelColumn<M>): this;
  orWhereNull(column: ModelColumn<M>): this;
  orWhereNotNull(column: ModelColumn<M>): this;
  whereBetween<C extends ModelColumn<M>>(column: C, range: readonly [ModelListValue<M, C>, ModelListValue<M, C>]): this;
  whereNotBetween<C extends ModelColumn<M>>(column: C, range: readonly [ModelListValue<M, C>, ModelListValue<M, C>]): this;
  orWhereBetween<C extends ModelColumn<M>>(column: C, range: readonly [ModelListValue<M, C>, ModelListValue<M, C>]): this;
  orWhereNotBetween<C extends ModelColumn<M>>(column: C, range: readonly [ModelListValue<M, C>, ModelListValue<M, C>]): this;
  whereColumn(first: ModelColumn<M>, operator: string, second: ModelColumn<M>): this;
  whereColumn(first: ModelColumn<M>, second: ModelColumn<M>): this;
  orWhereColumn(first: ModelColumn<M>, operator: string, second: ModelColumn<M>): this;
  orWhereColumn(first: ModelColumn<M>, second: ModelColumn<M>): this;
  whereExists(query: ModelSubQuery): this;
  whereNotExists(query: ModelSubQuery): this;
  orWhereExists(query: ModelSubQuery): this;
  orWhereNotExists(query: ModelSubQuery): this;

  groupBy(...columns: ModelColumn<M>[]): this;
  orderBy(column: ModelColumn<M>, direction?: Direction): this;
  orderByDesc(column: ModelColumn<M>): this;

  with(...relations: ModelEagerLoad<M>[]): this;
  whereHas(relation: RelationPath<M>, callback?: RelationCallback): this;
  orWhereHas(relation: RelationPath<M>, callback?: RelationCallback): this;
  whereDoesntHave(relation: RelationPath<M>, callback?: RelationCallback): this;
  withCount<const R extends readonly ModelEagerLoad<M>[]>(...relations: R): TypedModelQuery<WithCounts<M, R>>;
  withTrashed(): this;
  onlyTrashed(): this;
  withoutGlobalScope(name: string): this;
  withoutGlobalScopes(names?: readonly string[]): this;

  get(): Promise<M[]>;
  first(): Promise<M | null>;
  find(id: unknown): Promise<M | null>;
  findOrFail(id: unknown): Promise<M>;
  count(column?: ModelColumn<M> | '*'): Promise<number>;
  pluck<C extends ModelColumn<M>>(column: C): Promise<PluckedValue<M, C>[]>;
  sum(column: ModelColumn<M>): Promise<number>;
  avg(column: ModelColumn<M>): Promise<number | null>;
  min<C extends ModelColumn<M>>(column: C): Promise<PluckedValue<M, C> | null>;
  max<C extends ModelColumn<M>>(column: C): Promise<PluckedValue<M, C> | null>;
  cursor(): AsyncIterable<M>;
  lazy(size?: number): AsyncIterable<M>;
  lazyById(size?: number, column?: ModelColumn<M>): AsyncIterable<M>;
  chunk(size: number, fn: ChunkCallback<M>): Promise<boolean>;
  chunkById(size: number, fn: ChunkCallback<M>, column?: ModelColumn<M>): Promise<boolean>;
  paginate(perPage?: number, page?: number): Promise<Page<M>>;
  cursorPaginate(perPage?: number, cursor?: string | null): Promise<CursorPage<M>>;
  update(values: ModelValues<M>): Promise<number>;
  increment(column: ModelColumn<M>, amount?: number | bigint, extra?: ModelValues<M>): Promise<number>;
  decrement(column: ModelColumn<M>, amount?: number | bigint, extra?: ModelValues<M>): Promise<number>;
  create(attributes: ModelValues<M>): Promise<M>;
  firstOrNew(match: ModelValues<M>, values?: ModelValues<M>): Promise<M>;
  firstOrCreate(match: ModelValues<M>, values?: ModelValues<M>): Promise<M>;
  updateOrCreate(match: ModelValues<M>, values?: ModelValues<M>): Promise<M>;
  forceDelete(): Promise<number>;
  restore(): Promise<number>;
}

/** The type of one attribute, by column name (`'orders.total'` reads `total`). */
export type PluckedValue<M, C extends string> = C extends `${string}.${infer Name}` ? (Name extends keyof M ? M[Name] : unknown) : C extends keyof M ? M[C] : unknown;

/** The query a static query method of model `M` gives: typed for a model made with `Model.for`, else `ModelQuery<M>` as before. */
export type QueryOf<M extends Model> = [TypesOf<M>] extends [never] ? ModelQuery<M> : TypedModelQuery<M>;

/** An instance of a model made with `Model.for` (what `Order.query()` tells typed models from the others by). */
export type TypedModel = Model & TypedModelBrand<string, unknown, unknown>;
