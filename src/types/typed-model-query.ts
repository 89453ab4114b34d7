import type { ChunkCallback } from '../query/chunking.js';
import type { Page } from '../query/pagination.js';
import type { CursorPage } from '../query/pagination-cursor.js';
import type { Model } from '../model/model.js';
import type { ModelQuery, RelationCallback, WhereCallback } from '../model/model-query.js';
import type { ModelSubQuery } from '../model/model-query-clauses.js';
import type { ModelColumn, ModelConditions, ModelEagerLoad, ModelSelectColumn, ModelValues, RelationPath, TypesOf, WithCounts } from './typed-model.js';

type Direction = 'asc' | 'desc' | 'ASC' | 'DESC';

/**
 * `ModelQuery<M>` as the compiler sees it for a model made with `Model.for(connection, table)`:
 * columns, relation paths and written values are checked against the generated types. The
 * object is the same `ModelQuery` at run time (the rest of its methods: `Order.query()` of a
 * model with scopes, or a cast to `ModelQuery<Order>`).
 */
export interface TypedModelQuery<M extends Model> extends PromiseLike<M[]> {
  select(...columns: ModelSelectColumn<M>[]): this;
  addSelect(...columns: ModelSelectColumn<M>[]): this;
  where(column: ModelColumn<M>, value: unknown): this;
  where(column: ModelColumn<M>, operator: string, value: unknown): this;
  where(conditions: ModelConditions<M> | WhereCallback): this;
  orWhere(column: ModelColumn<M>, value: unknown): this;
  orWhere(column: ModelColumn<M>, operator: string, value: unknown): this;
  orWhere(conditions: ModelConditions<M> | WhereCallback): this;
  whereIn(column: ModelColumn<M>, values: readonly unknown[] | ModelSubQuery): this;
  whereNotIn(column: ModelColumn<M>, values: readonly unknown[] | ModelSubQuery): this;
  whereNull(column: ModelColumn<M>): this;
  whereNotNull(column: ModelColumn<M>): this;
  whereBetween(column: ModelColumn<M>, range: readonly [unknown, unknown]): this;
  whereNotBetween(column: ModelColumn<M>, range: readonly [unknown, unknown]): this;
  orWhereIn(column: ModelColumn<M>, values: readonly unknown[] | ModelSubQuery): this;
  orWhereNull(column: ModelColumn<M>): this;
  orWhereNotNull(column: ModelColumn<M>): this;
  whereColumn(first: ModelColumn<M>, operator: string, second: ModelColumn<M>): this;
  whereColumn(first: ModelColumn<M>, second: ModelColumn<M>): this;
  whereRaw(sql: string, bindings?: readonly unknown[]): this;
  orWhereRaw(sql: string, bindings?: readonly unknown[]): this;
  whereExists(query: ModelSubQuery): this;
  whereNotExists(query: ModelSubQuery): this;
  orderByRaw(sql: string, bindings?: readonly unknown[]): this;
  orderBy(column: ModelColumn<M>, direction?: Direction): this;
  orderByDesc(column: ModelColumn<M>): this;
  groupBy(...columns: ModelColumn<M>[]): this;
  limit(count: number): this;
  offset(count: number): this;
  useWriter(): this;
  when<V>(value: V, callback: (query: this, value: V) => this, otherwise?: (query: this, value: V) => this): this;

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
  exists(): Promise<boolean>;
  pluck<C extends ModelColumn<M>>(column: C): Promise<PluckedValue<M, C>[]>;
  sum(column: ModelColumn<M>): Promise<number>;
  avg(column: ModelColumn<M>): Promise<number | null>;
  min<V = unknown>(column: ModelColumn<M>): Promise<V | null>;
  max<V = unknown>(column: ModelColumn<M>): Promise<V | null>;
  cursor(): AsyncIterable<M>;
  lazy(size?: number): AsyncIterable<M>;
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
  delete(): Promise<number>;
  toSql(): { sql: string; bindings: readonly unknown[] };
}

/** The type of one attribute, by column name (`'orders.total'` reads `total`). */
export type PluckedValue<M, C extends string> = C extends `${string}.${infer Name}` ? (Name extends keyof M ? M[Name] : unknown) : C extends keyof M ? M[C] : unknown;

/** The query a static query method of model `M` gives: typed for a model made with `Model.for`, else `ModelQuery<M>` as before. */
export type QueryOf<M extends Model> = [TypesOf<M>] extends [never] ? ModelQuery<M> : TypedModelQuery<M>;
