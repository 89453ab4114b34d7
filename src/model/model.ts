import type { ChunkCallback } from '../query/chunking.js';
import type { Page } from '../query/pagination.js';
import type { CursorPage } from '../query/pagination-cursor.js';
import { BelongsTo } from '../relations/belongs-to.js';
import { BelongsToMany } from '../relations/belongs-to-many.js';
import { addToTree, EMPTY_TREE, eagerLoad } from '../relations/eager-loader.js';
import { HasMany } from '../relations/has-many.js';
import { HasManyThrough } from '../relations/has-many-through.js';
import { HasOne } from '../relations/has-one.js';
import { HasOneThrough } from '../relations/has-one-through.js';
import { loadedRelations } from '../relations/loaded-relations.js';
import { type Pivot, pivotOf } from '../relations/pivot-record.js';
import { PivotTable } from '../relations/pivot-table.js';
import type { ThroughKeys } from '../relations/through-relation.js';
import { castAttributes, castsOf } from './casts.js';
import { type AttributeNames, changesOf, dirtyOf, hasAny, originalOf, rawOriginalOf, wasChanged } from './dirty-tracking.js';
import { assertColumnName, assertMassAssignable } from './mass-assignment.js';
import { type ModelClass, type ModelReference, primaryKeyOf, resolveModel, snakeCase } from './model-class.js';
import { findByKey } from './find-by-key.js';
import type { Match } from './first-or-create.js';
import { incrementModel } from './increment-model.js';
import type { EagerLoad, ModelQuery, RelationCallback, WhereArgs } from './model-query.js';
import type { ModelSubQuery } from './model-query-clauses.js';
import { registerModel } from './model-registry.js';
import { type ModelState, newState, provideStateAccess, stateOf } from './model-state.js';
import { deleteModel, refreshModel, restoreModel, saveModel } from './persistence.js';
import { newModelQuery, type ScopedQuery } from './scopes.js';
import { append, makeHidden, makeVisible, serialiseModel } from './serialisation.js';
import { assertSoftDeletes, isTrashed } from './soft-deletes.js';
import { writableConnection } from './write-guard.js';
import type { ConnectionName, TableName } from '../types/register.js';
import type { ModelColumn, ModelEagerLoad, ModelSelectColumn, ModelValues, ModelWhereArgs, RelationPath, TableOf, TypedCasts, TypedModelBase, WithCounts } from '../types/typed-model.js';
import type { PluckedValue, QueryOf } from '../types/typed-model-query.js';

/**
 * A table row as an object, on the connection its class names. Subclasses
 * declare their table, connection and attributes; attributes are plain
 * properties of the instance: declare them with `declare`, not as class
 * fields (a field would be set on every instance, also on rows read without
 * that column, and then saved as a change).
 *
 * @example
 * export class Order extends Model {
 *   static table = 'orders';
 *   static connection = 'db';
 *   static fillable = ['user_id', 'order_number', 'total', 'status'];
 *   static casts = { total: 'number' } as const;
 *   declare id: number; declare user_id: number; declare total: number; declare status: string;
 *   user() { return this.belongsTo(User, 'user_id', 'uid'); }
 * }
 * const order = await Order.find(1);          // Order | null
 * const user = await order?.user();           // User | null, read on User's connection
 */
export class Model {
  // The statics a model declares (table, connection, primaryKey, fillable, ...) are described by
  // ModelOptions; Model declares none, so subclasses need no `override` and defaults fill the gaps.

  /** Everything besides the attributes (see model-state.ts). */
  #state: ModelState = newState();

  static {
    provideStateAccess((model) => (model as Model).#state);
  }

  constructor() {
    registerModel(new.target as ModelClass);
  }

  /**
   * Registers the class for the cache by name (done on first use anyway); call it
   * at start-up for models that a process may read from a shared cache before using them.
   */
  static boot(this: ModelClass): void {
    registerModel(this);
  }

  /**
   * A base class typed by the generated types of `table` on `connection` (`so-db types`,
   * docs/types.md): it sets `static connection` and `static table`, and its subclasses'
   * attributes, columns (in `where`, `orderBy`, `select`, `pluck`, `create`, `fill`, `update`)
   * and relation names (`with`, `whereHas`, `withCount`) are checked by the compiler. Give
   * `casts` here for their types to follow (a DECIMAL is a string unless cast).
   * @example class Order extends Model.for('shop', 'orders', { casts: { total: 'number' } }) {
   *   user() { return this.belongsTo(User, 'user_id'); }
   * }
   */
  static for<N extends ConnectionName, TB extends TableName<N>, const C extends TypedCasts = Record<never, never>>(
    connection: N,
    table: TB,
    options: { casts?: C } = {},
  ): TypedModelBase<TB, TableOf<N, TB>, C> {
    const base = class extends Model {};
    // Statics as a subclass would declare them; nothing else differs from an untyped model.
    Object.assign(base, options.casts === undefined ? { connection, table } : { connection, table, casts: options.casts });
    return base as unknown as TypedModelBase<TB, TableOf<N, TB>, C>;
  }

  /** An empty model query; for a model with `static scopes`, its scopes are methods of it (`Order.query().paid()`). */
  static query<C extends ModelClass & { scopes: object }>(this: C): ScopedQuery<C>;
  static query<M extends Model>(this: ModelClass<M>): ModelQuery<M>;
  static query<M extends Model>(this: ModelClass<M>): ModelQuery<M> {
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
  static on<M extends Model>(this: ModelClass<M>, name: ConnectionName): ModelQuery<M>;
  static on<M extends Model>(this: ModelClass<M>, name: string): ModelQuery<M> {
    return this.query().usingConnection(name);
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

  static chunkById<M extends Model>(this: ModelClass<M>, size: number, fn: ChunkCallback<M>, column?: string): Promise<boolean> {
    return this.query().chunkById(size, fn, column);
  }

  static lazy<M extends Model>(this: ModelClass<M>, size?: number): AsyncIterable<M> {
    return this.query().lazy(size);
  }

  static lazyById<M extends Model>(this: ModelClass<M>, size?: number, column?: string): AsyncIterable<M> {
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
  static whereIn<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>, values: readonly unknown[] | ModelSubQuery): QueryOf<M> {
    return this.query().whereIn(column, values) as QueryOf<M>;
  }

  static whereNotIn<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>, values: readonly unknown[] | ModelSubQuery): QueryOf<M> {
    return this.query().whereNotIn(column, values) as QueryOf<M>;
  }

  static whereNull<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>): QueryOf<M> {
    return this.query().whereNull(column) as QueryOf<M>;
  }

  static whereNotNull<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>): QueryOf<M> {
    return this.query().whereNotNull(column) as QueryOf<M>;
  }

  /** `Order.whereBetween('total', [100, 500])`: both ends included. */
  static whereBetween<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>, range: readonly [unknown, unknown]): QueryOf<M> {
    return this.query().whereBetween(column, range) as QueryOf<M>;
  }

  static whereNotBetween<M extends Model>(this: ModelClass<M>, column: ModelColumn<M>, range: readonly [unknown, unknown]): QueryOf<M> {
    return this.query().whereNotBetween(column, range) as QueryOf<M>;
  }

  /** `Order.whereColumn('shipped_at', '>', 'created_at')`; two columns mean `=`. */
  static whereColumn<M extends Model>(this: ModelClass<M>, first: string, operator: string, second: string): ModelQuery<M>;
  static whereColumn<M extends Model>(this: ModelClass<M>, first: string, second: string): ModelQuery<M>;
  static whereColumn<M extends Model>(this: ModelClass<M>, first: string, ...rest: string[]): ModelQuery<M> {
    const query = this.query();
    return (query.whereColumn as (...args: string[]) => ModelQuery<M>).call(query, first, ...rest);
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
    callback: (query: ModelQuery<M>, value: V) => ModelQuery<M>,
    otherwise?: (query: ModelQuery<M>, value: V) => ModelQuery<M>,
  ): QueryOf<M> {
    return this.query().when(value, callback, otherwise) as QueryOf<M>;
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
  static firstOrNew<M extends Model>(this: ModelClass<M>, match: Match, values?: Match): Promise<M> {
    return this.query().firstOrNew(match, values);
  }

  /**
   * The first model matching `match` (read on the writer), else one inserted with `match` and `values`.
   * @example const tag = await Tag.firstOrCreate({ slug: 'sale' }, { label: 'On sale' });
   */
  static firstOrCreate<M extends Model>(this: ModelClass<M>, match: Match, values?: Match): Promise<M> {
    return this.query().firstOrCreate(match, values);
  }

  /**
   * The first model matching `match` updated with `values` (changed columns only), else one inserted with both.
   * @example await Price.updateOrCreate({ sku: 'A-1' }, { amount: 12 });
   */
  static updateOrCreate<M extends Model>(this: ModelClass<M>, match: Match, values?: Match): Promise<M> {
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

  /** True once the row is in the database (read from it, or saved). */
  get $isPersisted(): boolean {
    return stateOf(this).exists;
  }

  /** Changed attributes since the last read or save (in database form). */
  get $dirty(): Record<string, unknown> {
    return dirtyOf(this);
  }

  /**
   * Sets attributes, refusing keys the model does not accept (`MassAssignmentError`,
   * nothing set). Cast attributes are converted (`'12.50'` -> `12.5` for a number).
   */
  fill(attributes: ModelValues<this>): this {
    assertMassAssignable(this.constructor as ModelClass, attributes);
    return this.#assign(attributes);
  }

  /**
   * Sets attributes without `fillable`/`guarded`. Keys that are members of the model
   * (`constructor`, `__proto__`, methods, relations) are still refused: they are never columns.
   */
  forceFill(attributes: Record<string, unknown>): this {
    for (const key of Object.keys(attributes)) assertColumnName(this.constructor as ModelClass, key);
    return this.#assign(attributes);
  }

  #assign(attributes: Record<string, unknown>): this {
    Object.assign(this, castAttributes(attributes, castsOf(this.constructor as ModelClass)));
    return this;
  }

  /**
   * INSERT when new, else UPDATE of the changed columns only; joins this flow's transaction.
   * Runs the hooks; when a `*ing` hook returns false nothing is written and the model is left
   * as it was (`$isPersisted` still false for a new one, `isDirty()` still true).
   */
  async save(): Promise<this> {
    await saveModel(this);
    return this;
  }

  /**
   * DELETE by key (with soft deletes: sets `deleted_at`, the model stays persisted); true when
   * the row was deleted, false when not persisted or a `deleting` hook cancelled.
   */
  async delete(): Promise<boolean> {
    return deleteModel(this);
  }

  /** Removes the row even with soft deletes (a model without them: as `delete()`); `deleting`/`deleted` hooks run. */
  async forceDelete(): Promise<boolean> {
    return deleteModel(this, { force: true });
  }

  /**
   * Soft deletes: `restoring`, then clears `deleted_at` and saves (its saving/updating hooks
   * run, as Eloquent's `save()` inside `restore()`), then `restored`; false when a hook cancelled.
   */
  async restore(): Promise<boolean> {
    assertSoftDeletes((this.constructor as ModelClass).query(), 'restore');
    return restoreModel(this);
  }

  /** Soft deletes: whether this model is deleted (its `deleted_at` is set). */
  trashed(): boolean {
    return isTrashed(this);
  }


  /**
   * Adds `amount` to a column of this model's row in one UPDATE by key (and sets `extra`, and
   * `updated_at` with timestamps); the attribute takes the new value and stays clean. Affected rows.
   * @example await product.increment('views'); await product.decrement('stock', 2, { restocked: false });
   */
  increment(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return incrementModel(this, 'increment', column, amount, extra);
  }

  decrement(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return incrementModel(this, 'decrement', column, amount, extra);
  }

  /** Reads the row again (from the writer), and reloads the loaded relations (a `pivot` stays as it was). */
  async refresh(): Promise<this> {
    const relations = [...(loadedRelations(this)?.keys() ?? [])];
    await refreshModel(this);
    stateOf(this).relations = undefined;
    stateOf(this).signatures = undefined;
    if (relations.length > 0) await this.load(...relations);
    return this;
  }

  /** The pivot row of a model read through a belongsToMany (`role.pivot.expires_at`); undefined otherwise. */
  get pivot(): Pivot | undefined {
    return pivotOf(this);
  }

  /** Loads relations onto this model (as `with()` does for a query's results). */
  async load(...relations: EagerLoad[]): Promise<this> {
    await eagerLoad([this], addToTree(EMPTY_TREE, relations));
    return this;
  }

  /**
   * Attributes, `appends` getters, the `pivot` (when read through a belongsToMany) and loaded
   * relations as a plain object, less what `hidden`/`visible` leave out (see serialisation.ts).
   */
  toJSON(): Record<string, unknown> {
    return serialiseModel(this);
  }

  /** Hides these attributes or relations from this instance's `toJSON()`. */
  makeHidden(...names: string[]): this {
    makeHidden(this, names);
    return this;
  }

  /** Shows these (hidden by the class) in this instance's `toJSON()`. */
  makeVisible(...names: string[]): this {
    makeVisible(this, names);
    return this;
  }

  /** Adds these getters to this instance's `toJSON()`. */
  append(...names: string[]): this {
    append(this, names);
    return this;
  }

  /** Changed since the last read or save (any attribute, or any of those named): `order.isDirty('status')`. */
  isDirty(...names: AttributeNames): boolean {
    return hasAny(dirtyOf(this), names);
  }

  isClean(...names: AttributeNames): boolean {
    return !hasAny(dirtyOf(this), names);
  }

  /** Written by the last save's UPDATE (false after an insert, as in Eloquent). */
  wasChanged(...names: AttributeNames): boolean {
    return wasChanged(this, names);
  }

  /** What the last save's UPDATE wrote, in database form. */
  getChanges(): Record<string, unknown> {
    return changesOf(this);
  }

  /** The changed attributes, in database form (as `$dirty`). */
  getDirty(): Record<string, unknown> {
    return dirtyOf(this);
  }

  /** Values as last read or saved, cast (`getOriginal('status')`, or all of them). */
  getOriginal(): Record<string, unknown>;
  getOriginal(name: string): unknown;
  getOriginal(name?: string): unknown {
    return name === undefined ? originalOf(this) : originalOf(this, name);
  }

  /** Values as last read or saved, in database form (JSON as text). */
  getRawOriginal(name?: string): unknown {
    return rawOriginalOf(this, name);
  }

  /**
   * This model holds the key of a `related` model (default keys:
   * `<related>_<its key>` and the related model's primary key).
   */
  protected belongsTo<R extends Model>(related: ModelReference<R>, foreignKey?: string, ownerKey?: string): BelongsTo<R> {
    const target = resolveModel(related);
    const key = primaryKeyOf(target);
    return new BelongsTo(this, related, foreignKey ?? `${snakeCase(target.name)}_${key}`, ownerKey ?? key);
  }

  /** Many `related` models hold this model's key (default: `<this model>_<key>` and this model's key). */
  protected hasMany<R extends Model>(related: ModelReference<R>, foreignKey?: string, localKey?: string): HasMany<R> {
    const [fk, lk] = ownKeys(this, foreignKey, localKey);
    return new HasMany(this, related, fk, lk);
  }

  /** One `related` model holds this model's key. */
  protected hasOne<R extends Model>(related: ModelReference<R>, foreignKey?: string, localKey?: string): HasOne<R> {
    const [fk, lk] = ownKeys(this, foreignKey, localKey);
    return new HasOne(this, related, fk, lk);
  }

  /**
   * Many-to-many through a pivot table (Eloquent's defaults for what is omitted: table
   * `<model>_<model>` of both names in alphabetical order, keys `<parent>_<its key>` and
   * `<related>_<its key>`, the two primary keys). The pivot is on this model's connection
   * unless `.using(connection)` names another; each side is read on its own connection.
   * @example roles() { return this.belongsToMany(Role, 'role_user', 'user_id', 'role_id').using('auth').withPivot('level'); }
   */
  protected belongsToMany<R extends Model>(
    related: ModelReference<R>,
    table?: string,
    foreignPivotKey?: string,
    relatedPivotKey?: string,
    parentKey?: string,
    relatedKey?: string,
  ): BelongsToMany<R> {
    const own = this.constructor as ModelClass;
    const target = resolveModel(related);
    const pivot = new PivotTable({
      table: table ?? [snakeCase(own.name), snakeCase(target.name)].sort().join('_'),
      foreignPivotKey: foreignPivotKey ?? `${snakeCase(own.name)}_${primaryKeyOf(own)}`,
      relatedPivotKey: relatedPivotKey ?? `${snakeCase(target.name)}_${primaryKeyOf(target)}`,
      connection: undefined,
      columns: [],
      conditions: [],
      values: {},
      timestamps: false,
    });
    return new BelongsToMany(this, related, pivot, parentKey ?? primaryKeyOf(own), relatedKey ?? primaryKeyOf(target));
  }

  /**
   * Many `related` models reached through `through` models (Eloquent's arguments and
   * defaults: `firstKey` `<this model>_<key>` on the through model, `secondKey`
   * `<through>_<its key>` on the related one, then the two primary keys).
   * @example deployments() { return this.hasManyThrough(Deployment, Environment, 'project_id', 'environment_id'); }
   */
  protected hasManyThrough<R extends Model, T extends Model>(
    related: ModelReference<R>,
    through: ModelReference<T>,
    firstKey?: string,
    secondKey?: string,
    localKey?: string,
    secondLocalKey?: string,
  ): HasManyThrough<R, T> {
    return new HasManyThrough(this, related, through, throughKeys(this, through, firstKey, secondKey, localKey, secondLocalKey));
  }

  /** One `related` model reached through a `through` model (arguments as `hasManyThrough`). */
  protected hasOneThrough<R extends Model, T extends Model>(
    related: ModelReference<R>,
    through: ModelReference<T>,
    firstKey?: string,
    secondKey?: string,
    localKey?: string,
    secondLocalKey?: string,
  ): HasOneThrough<R, T> {
    return new HasOneThrough(this, related, through, throughKeys(this, through, firstKey, secondKey, localKey, secondLocalKey));
  }
}

/** Keys of a through relation: given, or Eloquent's defaults. */
function throughKeys(
  model: Model,
  through: ModelReference,
  firstKey: string | undefined,
  secondKey: string | undefined,
  localKey: string | undefined,
  secondLocalKey: string | undefined,
): ThroughKeys {
  const own = model.constructor as ModelClass;
  const middle = resolveModel(through);
  return {
    firstKey: firstKey ?? `${snakeCase(own.name)}_${primaryKeyOf(own)}`,
    secondKey: secondKey ?? `${snakeCase(middle.name)}_${primaryKeyOf(middle)}`,
    localKey: localKey ?? primaryKeyOf(own),
    secondLocalKey: secondLocalKey ?? primaryKeyOf(middle),
  };
}

/** Keys of a hasOne/hasMany: given, or `<model>_<primary key>` and the primary key. */
function ownKeys(model: Model, foreignKey: string | undefined, localKey: string | undefined): [string, string] {
  const own = model.constructor as ModelClass;
  const key = primaryKeyOf(own);
  return [foreignKey ?? `${snakeCase(own.name)}_${key}`, localKey ?? key];
}
