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
import type { EagerLoad } from './model-query.js';
import { incrementModel } from './increment-model.js';
import { registerModel } from './model-registry.js';
import { ModelStatics } from './model-statics.js';
import { type ModelState, newState, provideStateAccess, stateOf } from './model-state.js';
import { deleteModel, refreshModel, restoreModel, saveModel } from './persistence.js';
import { append, makeHidden, makeVisible, serialiseModel } from './serialisation.js';
import { assertSoftDeletes, isTrashed } from './soft-deletes.js';
import type { ConnectionName, TableName } from '../types/register.js';
import type { ModelColumn, ModelValues, TableOf, TypedCasts, TypedModelBase } from '../types/typed-model.js';

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
export class Model extends ModelStatics {
  // The statics a model declares (table, connection, primaryKey, fillable, ...) are described by
  // ModelOptions; Model declares none, so subclasses need no `override` and defaults fill the gaps.

  /** Everything besides the attributes (see model-state.ts). */
  #state: ModelState = newState();

  static {
    provideStateAccess((model) => (model as Model).#state);
  }

  constructor() {
    super();
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
  ): TypedModelBase<N, TB, TableOf<N, TB>, C> {
    const base = class extends Model {};
    // Statics as a subclass would declare them; nothing else differs from an untyped model.
    Object.assign(base, options.casts === undefined ? { connection, table } : { connection, table, casts: options.casts });
    return base as unknown as TypedModelBase<N, TB, TableOf<N, TB>, C>;
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
  forceFill(attributes: ModelValues<this>): this {
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
  increment(column: ModelColumn<this>, amount: number | bigint = 1, extra?: ModelValues<this>): Promise<number> {
    return incrementModel(this, 'increment', column, amount, extra);
  }

  decrement(column: ModelColumn<this>, amount: number | bigint = 1, extra?: ModelValues<this>): Promise<number> {
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
