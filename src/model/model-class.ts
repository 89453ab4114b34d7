import { Connection } from '../connection/connection.js';
import type { CastName } from './casts.js';
import type { ModelHooks } from './hooks.js';
import type { Model } from './model.js';
import type { StoredScope } from './scopes.js';

/**
 * What a model class may declare as statics. `Model` itself declares none of
 * them, so a subclass writes `static table = 'orders'` (no `override` needed)
 * and the defaults apply to whatever it leaves out.
 */
export interface ModelOptions {
  /** Table name; default: the class name in snake_case, plural (`OrderItem` -> `order_items`). */
  table?: string;
  /** Connection name; default: the configuration's default connection. */
  connection?: string;
  /** Connection for reads (e.g. a replica); writes still go to `connection`. */
  readConnection?: string;
  /** Default `'id'`. */
  primaryKey?: string;
  /** When declared, the only keys `create()`/`fill()` accept. */
  fillable?: readonly string[];
  /** Keys `create()`/`fill()` refuse (when `fillable` is not declared). */
  guarded?: readonly string[];
  /** Refuse every write of this model with ReadOnlyError. */
  readOnly?: boolean;
  /** Maintain `created_at`/`updated_at` (cast as dates); default false. */
  timestamps?: boolean;
  /** Column -> `'number' | 'boolean' | 'date' | 'json' | 'string'`, applied on reads and writes. */
  casts?: Readonly<Record<string, CastName | (string & {})>>;
  /** `saving`, `creating`, `updating`, `deleting`, `restoring` (return false to cancel) and their `*ed` pairs; a subclass runs its parents' first. */
  hooks?: ModelHooks;
  /** Local scopes: name -> `(q, ...args) => q.where(...)`, methods of the model's queries (`Order.query().paid()`). */
  scopes?: Readonly<Record<string, StoredScope>>;
  /** Scopes every query of the model runs with (relations, eager loads and `whereHas` too), lifted with `withoutGlobalScope(name)`. */
  globalScopes?: Readonly<Record<string, StoredScope>>;
  /** `delete()` sets `deleted_at` instead of removing the row, and reads leave such rows out; default false. */
  softDeletes?: boolean;
  /** Attributes, relations and appends `toJSON()` leaves out. */
  hidden?: readonly string[];
  /** When declared, the only attributes, relations and appends `toJSON()` gives. */
  visible?: readonly string[];
  /** Getters of the model (`get full_name()`) that `toJSON()` adds. */
  appends?: readonly string[];
}

/**
 * A model class: the constructor of `M` with `Model`'s statics. Static methods
 * are typed `this: ModelClass<M>` so that `Order.find(1)` is `Promise<Order | null>`.
 */
export type ModelClass<M extends Model = Model> = (new () => M) & typeof Model & ModelOptions;

/** A model class, or a function returning one (for models that import each other). */
export type ModelReference<M extends Model = Model> = ModelClass<M> | (() => ModelClass<M>);

/** The class a reference names. */
export function resolveModel<M extends Model>(reference: ModelReference<M>): ModelClass<M> {
  // A model class inherits Model's static `query`; a thunk has none.
  return (typeof (reference as { query?: unknown }).query === 'function'
    ? reference
    : (reference as () => ModelClass<M>)()) as ModelClass<M>;
}

/** The table: `static table`, else the class name in snake_case, plural (`OrderItem` -> `order_items`). */
export function tableOf(model: ModelClass): string {
  return model.table ?? plural(snakeCase(model.name));
}

export function primaryKeyOf(model: ModelClass): string {
  return model.primaryKey ?? 'id';
}

/** The connection that takes the model's writes (and its reads without `readConnection`). */
export function writeConnectionOf(model: ModelClass): Connection {
  return Connection.getInstance(model.connection);
}

/** `OrderItem` -> `order_item`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** English plural for table names, enough for the common cases; name the table when it is not. */
function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
