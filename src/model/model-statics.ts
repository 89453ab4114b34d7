import type { ChunkCallback } from '../query/chunking.js';
import type { Page } from '../query/pagination.js';
import type { CursorPage } from '../query/pagination-cursor.js';
import type { ConnectionName } from '../types/register.js';
import type { ModelColumn, ModelEagerLoad, ModelListValue, ModelSelectColumn, ModelValues, ModelWhereArgs, RelationPath, WithCounts } from '../types/typed-model.js';
import type { PluckedValue, QueryOf, TypedModel, TypedModelQuery } from '../types/typed-model-query.js';
import { findByKey } from './find-by-key.js';
import type { Model } from './model.js';
import type { ModelClass } from './model-class.js';
import type { EagerLoad, ModelQuery, RelationCallback, WhereArgs } from './model-query.js';
import type { ModelSubQuery } from './model-query-clauses.js';
import { newModelQuery, type ScopedQuery } from './scopes.js';
import { writableConnection } from './write-guard.js';

/**
 * The static side every model shares: `Order.query()`, `Order.on(name)`, and the shortcuts that
 * start a query (`Order.where(...)`, `Order.with(...)`, `Order.find(1)`, `Order.create({...})`).
 * Each is `this.query()` and one call; `Model` extends this class, so they are `Model`'s statics.
 */
export abstract class ModelStatics {
  /**
   * An empty model query; for a model with `static scopes`, its scopes are methods of it
   * (`Order.query().paid()`). Typed (TypedModelQuery) for a model made with `Model.for`.
   */
  static query<C extends ModelClass & { scopes: object }>(this: C): ScopedQuery<C>;
  static query<M extends TypedModel>(this: ModelClass<M>): TypedModelQuery<M>;
  static query<M extends Model>(this: ModelClass<M>): ModelQuery<M>;
  // One object whatever the overload: the types are the compiler's only.
  static query(this: ModelClass): unknown {
    return newModelQuery(this);
  }

  /**
   * A query on the connection `name` instead of the model's own, Eloquent's `on()`: reads and
   * writes of this query (`create`, `update`, ...) go there, and the models it gives keep it
   * (`save()`, `delete()`, `refresh()` go there too). Relations still run on each related
   * model's own connection. An unknown name is the registry's ConnectionNotConfiguredError.
   * @example const archived = await Order.on('archive').where('year', 2019).get();
   */
  static on<C extends ModelClass & { scopes: object }>(this: C, name: ConnectionName): ScopedQuery<C>;
  static on<M extends TypedModel>(this: ModelClass<M>, name: ConnectionName): TypedModelQuery<M>;
  static on<M extends Model>(this: ModelClass<M>, name: ConnectionName): ModelQuery<M>;
  static on(this: ModelClass, name: string): unknown {
    return newModelQuery(this).usingConnection(name);
  }

  static find<M extends Model>(this: ModelClass<M>, id: unknown): Promise<M | null> {
    return findByKey(this, id);
  }

  /** @throws ModelNotFoundError naming the model and the key. */
  static findOrFail<M extends Model>(this: ModelClass<M>, id: unknown): Promise<M> {
    return this.query().findOrFail(id);
  }

  static all<M extends Model>(this: ModelClass<M>): Promise<M[]> {
    return this.query().get();
  }

  static get<M extends Model>(this: ModelClass<M>): Promise<M[]> {
    return this.query().get();
  }

  static first<M extends Model>(this: ModelClass<M>): Promise<M | null> {
    return this.query().first();
  }

  static count<M extends Model>(this: ModelClass<M>, column?: ModelColumn<M> | '*'): Promise<number> {
    return this.query().count(column);
  }

  static exists<M extends Model>(this: ModelClass<M>): Promise<boolean> {
    return this.query().exists();
  }

  static pluck<M extends Model, C extends ModelColumn<M> = ModelColumn<M>, V = PluckedValue<M, C>>(this: ModelClass<M>, column: C): Promise<V[]> {
    return this.query().pluck<V>(column);
  }

  // Reading in pieces (see ModelQuery): each piece hydrated with its eager loads.
  static chunk<M extends Model>(this: ModelClass<M>, size: number, fn: ChunkCallback<M>): Promise<boolean> {
    return this.query().chunk(size, fn);
  }

  static chunkById<M extends Model>(this: ModelClass<M>, size: number, fn: ChunkCallback<M>, column?: ModelColumn<M>): Promise<boolean> {
    return this.query().chunkById(size, fn, column);
  }

  static lazy<M extends Model>(this: ModelClass<M>, size?: number): AsyncIterable<M> {
    return this.query().lazy(size);
  }

  static lazyById<M extends Model>(this: ModelClass<M>, size?: number, column?: ModelColumn<M>): AsyncIterable<M> {
    return this.query().lazyById(size, column);
  }

  static cursor<M extends Model>(this: ModelClass<M>): AsyncIterable<M> {
    return this.query().cursor();
  }

  static paginate<M extends Model>(this: ModelClass<M>, perPage?: number, page?: number): Promise<Page<M>> {
    return this.query().paginate(perPage, page);
  }

  static cursorPaginate<M extends Model>(this: ModelClass<M>, perPage?: number, cursor?: string | null): Promise<CursorPage<M>> {
    return this.query().cursorPaginate(perPage, cursor);
  }

  static select<M extends Model>(this: ModelClass<M>, ...columns: ModelSelectColumn<M>[]): QueryOf<M> {
    return this.query().select(...columns) as QueryOf<M>;
  }

  static where<M extends Model>(this: ModelClass<M>, ...args: ModelWhereArgs<M>): QueryOf<M> {
    return this.query().where(...(args as WhereArgs)) as QueryOf<M>;
  }

  static orWhere<M extends Model>(this: ModelClass<M>, ...args: ModelWhereArgs<M>): QueryOf<M> {
    return this.query().orWhere(...(args as WhereArgs)) as QueryOf<M>;
  }

  /** `column IN (values)`, or `IN (subquery)` of this model's connection (`User.select('id')...`). */
  static whereIn<M extends Model, C extends ModelColumn<M>>(this: ModelClass<M>, column: C, values: readonly ModelListValue<M, C>[] | ModelSubQuery): QueryOf<M> {
    return this.query().whereIn(column, values) as QueryOf<M>;
  }

  static whereNotIn<M extends Model, C extends ModelColumn<M>>(this: ModelClass<M>, column: C, values: readonly ModelListValue<M, C>[] | ModelSubQuery): QueryOf<M> {
    return this.query().whereNotIn(column, values) as QueryOf<M>;
  }

  static whereNull<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>): QueryOf<M> {
    return this.query().whereNull(column) as QueryOf<M>;
  }

  static whereNotNull<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>): QueryOf<M> {
    return this.query().whereNotNull(column) as QueryOf<M>;
  }

  /** `Order.whereBetween('total', [100, 500])`: both ends included. */
  static whereBetween<M extends Model, C extends ModelColumn<M>>(
    this: ModelClass<M>,
    column: C,
    range: readonly [ModelListValue<M, C>, ModelListValue<M, C>],
  ): QueryOf<M> {
    return this.query().whereBetween(column, range) as QueryOf<M>;
  }

  static whereNotBetween<M extends Model, C extends ModelColumn<M>>(
    this: ModelClass<M>,
    column: C,
    range: readonly [ModelListValue<M, C>, ModelListValue<M, C>],
  ): QueryOf<M> {
    return this.query().whereNotBetween(column, range) as QueryOf<M>;
  }

  /** `Order.whereColumn('shipped_at', '>', 'created_at')`; two columns mean `=`. */
  static whereColumn<M extends Model>(this: ModelClass<M>, first: ModelColumn<M>, operator: string, second: ModelColumn<M>): QueryOf<M>;
  static whereColumn<M extends Model>(this: ModelClass<M>, first: ModelColumn<M>, second: ModelColumn<M>): QueryOf<M>;
  static whereColumn<M extends Model>(this: ModelClass<M>, first: string, ...rest: string[]): QueryOf<M> {
    const query = this.query();
    return (query.whereColumn as (...args: string[]) => QueryOf<M>).call(query, first, ...rest);
  }

  /** `Order.whereRaw('total * ? > ?', [1.2, 100])`. */
  static whereRaw<M extends Model>(this: ModelClass<M>, sql: string, bindings?: readonly unknown[]): QueryOf<M> {
    return this.query().whereRaw(sql, bindings) as QueryOf<M>;
  }

  /** `User.whereExists(q => q.from('orders').whereColumn('orders.user_id', 'users.id'))`, on the model's connection. */
  static whereExists<M extends Model>(this: ModelClass<M>, query: ModelSubQuery): QueryOf<M> {
    return this.query().whereExists(query) as QueryOf<M>;
  }

  static whereNotExists<M extends Model>(this: ModelClass<M>, query: ModelSubQuery): QueryOf<M> {
    return this.query().whereNotExists(query) as QueryOf<M>;
  }

  /** `Order.when(status, (q, s) => q.where('status', s))`: the callback when `value` is truthy, else `otherwise`. */
  static when<M extends Model, V>(
    this: ModelClass<M>,
    value: V,
    callback: (query: QueryOf<M>, value: V) => QueryOf<M>,
    otherwise?: (query: QueryOf<M>, value: V) => QueryOf<M>,
  ): QueryOf<M> {
    type Branch = (query: ModelQuery<M>, value: V) => ModelQuery<M>;
    return this.query().when(value, callback as unknown as Branch, otherwise as unknown as Branch | undefined) as QueryOf<M>;
  }

  static orderBy<M extends Model>(
    this: ModelClass<M>,
    column: ModelColumn<M>,
    direction?: 'asc' | 'desc' | 'ASC' | 'DESC',
  ): QueryOf<M> {
    return this.query().orderBy(column, direction) as QueryOf<M>;
  }

  static orderByDesc<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>): QueryOf<M> {
    return this.query().orderByDesc(column) as QueryOf<M>;
  }

  static limit<M extends Model>(this: ModelClass<M>, count: number): QueryOf<M> {
    return this.query().limit(count) as QueryOf<M>;
  }

  static offset<M extends Model>(this: ModelClass<M>, count: number): QueryOf<M> {
    return this.query().offset(count) as QueryOf<M>;
  }

  static useWriter<M extends Model>(this: ModelClass<M>): QueryOf<M> {
    return this.query().useWriter() as QueryOf<M>;
  }

  /** Eager loading: `Order.with('user', 'items.product').get()`. */
  static with<M extends Model>(this: ModelClass<M>, ...relations: ModelEagerLoad<M>[]): QueryOf<M> {
    return this.query().with(...(relations as EagerLoad[])) as QueryOf<M>;
  }

  /** `Order.whereHas('user', q => q.where('ustatusid', 1)).get()`, across connections. */
  static whereHas<M extends Model>(this: ModelClass<M>, relation: RelationPath<M>, callback?: RelationCallback): QueryOf<M> {
    return this.query().whereHas(relation, callback) as QueryOf<M>;
  }

  static whereDoesntHave<M extends Model>(this: ModelClass<M>, relation: RelationPath<M>, callback?: RelationCallback): QueryOf<M> {
    return this.query().whereDoesntHave(relation, callback) as QueryOf<M>;
  }

  /** `User.withCount('orders').get()` sets `orders_count` on each user. */
  static withCount<M extends Model, const R extends readonly ModelEagerLoad<M>[]>(this: ModelClass<M>, ...relations: R): QueryOf<WithCounts<M, R>> {
    return this.query().withCount(...(relations as readonly EagerLoad[])) as QueryOf<WithCounts<M, R>>;
  }

  /**
   * Inserts a model (mass assignment rules apply; nothing is written when they refuse).
   * @example const customer = await Customer.create({ legacy_id: 7, name: 'Ada' }); customer.id
   */
  static async create<M extends Model>(this: ModelClass<M>, attributes: ModelValues<M>): Promise<M> {
    writableConnection(this, 'create');
    const model = new this();
    model.fill(attributes);
    await model.save();
    return model;
  }

  /** A new model filled with `match` and `values` unless one matching `match` exists (read on the writer); not saved. */
  static firstOrNew<M extends Model>(this: ModelClass<M>, match: ModelValues<M>, values?: ModelValues<M>): Promise<M> {
    return this.query().firstOrNew(match, values);
  }

  /**
   * The first model matching `match` (read on the writer), else one inserted with `match` and `values`.
   * @example const tag = await Tag.firstOrCreate({ slug: 'sale' }, { label: 'On sale' });
   */
  static firstOrCreate<M extends Model>(this: ModelClass<M>, match: ModelValues<M>, values?: ModelValues<M>): Promise<M> {
    return this.query().firstOrCreate(match, values);
  }

  /**
   * The first model matching `match` updated with `values` (changed columns only), else one inserted with both.
   * @example await Price.updateOrCreate({ sku: 'A-1' }, { amount: 12 });
   */
  static updateOrCreate<M extends Model>(this: ModelClass<M>, match: ModelValues<M>, values?: ModelValues<M>): Promise<M> {
    return this.query().updateOrCreate(match, values);
  }

  /** Soft deletes: a query with the trashed rows too. */
  static withTrashed<M extends Model>(this: ModelClass<M>): QueryOf<M> {
    return this.query().withTrashed() as QueryOf<M>;
  }

  /** Soft deletes: a query of the trashed rows only. */
  static onlyTrashed<M extends Model>(this: ModelClass<M>): QueryOf<M> {
    return this.query().onlyTrashed() as QueryOf<M>;
  }

  /** A query without the global scope `name` (`static globalScopes`, or `'softDeletes'`). */
  static withoutGlobalScope<M extends Model>(this: ModelClass<M>, name: string): QueryOf<M> {
    return this.query().withoutGlobalScope(name) as QueryOf<M>;
  }

  /** A query without the named global scopes, or without any (no argument). */
  static withoutGlobalScopes<M extends Model>(this: ModelClass<M>, names?: readonly string[]): QueryOf<M> {
    return this.query().withoutGlobalScopes(names) as QueryOf<M>;
  }
}
