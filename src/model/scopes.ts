import { DatabaseError } from '../errors/database-error.js';
import { inputError } from '../query/builder-input.js';
import type { QueryOf } from '../types/typed-model-query.js';
import type { Model } from './model.js';
import type { ModelClass } from './model-class.js';
import { ModelQuery } from './model-query.js';
import type { ModelQueryParts } from './model-query-base.js';

/**
 * A local scope: a named narrowing of a model's queries, with the arguments its caller gives.
 * Declare them with `satisfies Scopes<Order>` so `q` is typed and the names stay known (for a
 * model made with `Model.for`, `q` is its TypedModelQuery: columns and values checked):
 * @example
 * class Order extends Model {
 *   static scopes = {
 *     paid: (q) => q.where('status', 'paid'),
 *     ofStatus: (q, status: string) => q.where('status', status),
 *   } satisfies Scopes<Order>;
 * }
 * await Order.query().paid().where('total', '>', 100).get();
 */
// biome-ignore lint/suspicious/noExplicitAny: each scope declares its own arguments; `Scopes` only gives `q` its type
export type Scope<M extends Model> = (query: QueryOf<M>, ...args: any[]) => QueryOf<M>;

/** `static scopes` of a model: name -> local scope (see `Scope`). */
export type Scopes<M extends Model> = Record<string, Scope<M>>;

/** How `ModelOptions` stores scopes: any function of a query (`never` accepts every parameter list). */
export type StoredScope = (query: never, ...args: never[]) => unknown;

/** The local scopes of class `C` as methods of its queries: `paid()`, `ofStatus(status)`. */
export type ScopeMethods<C> = C extends { scopes: infer S }
  ? { [K in keyof S]: S[K] extends (query: never, ...args: infer A) => unknown ? (...args: A) => ScopedQuery<C> : never }
  : unknown;

/**
 * The query `C.query()` returns for a model class with `static scopes`: a model query (typed for
 * a model made with `Model.for`) with its scopes as methods.
 */
export type ScopedQuery<C> = QueryOf<C extends { prototype: infer M extends Model } ? M : Model> & ScopeMethods<C>;

type QueryClass = new (model: ModelClass, parts?: ModelQueryParts<Model>) => ModelQuery<Model>;

const queryClasses = new WeakMap<ModelClass, QueryClass>();

/**
 * A new query of `model`. A model with local scopes gets a subclass of ModelQuery (made once
 * per model class) whose prototype holds one method per scope; queries copy themselves with
 * their own constructor, so a scope method stays on every query derived from it.
 */
export function newModelQuery<M extends Model>(model: ModelClass<M>, parts?: ModelQueryParts<M>): ModelQuery<M> {
  if (model.scopes === undefined) return new ModelQuery(model, parts);
  const QueryClass = queryClasses.get(model) ?? scopedQueryClass(model);
  return new QueryClass(model, parts as ModelQueryParts<Model> | undefined) as ModelQuery<M>;
}

function scopedQueryClass(model: ModelClass): QueryClass {
  class ScopedModelQuery extends ModelQuery<Model> {}
  for (const [name, scope] of Object.entries(model.scopes ?? {})) {
    if (typeof scope !== 'function') throw new DatabaseError(`Model [${model.name}] declares scope [${name}] as ${typeof scope}, not a function ((q, ...args) => q.where(...)).`);
    if (name in ModelQuery.prototype || name === 'constructor') {
      throw new DatabaseError(`Model [${model.name}] cannot name a scope [${name}]: model queries have a method of that name.`);
    }
    const run = scope as unknown as (query: ModelQuery<Model>, ...args: unknown[]) => unknown;
    Object.defineProperty(ScopedModelQuery.prototype, name, {
      value: function (this: ModelQuery<Model>, ...args: unknown[]): ModelQuery<Model> {
        return scopeResult(this, name, run(this, ...args));
      },
      writable: true,
      configurable: true,
    });
  }
  queryClasses.set(model, ScopedModelQuery);
  return ScopedModelQuery;
}

/** What a scope returned, when it is a model query: scopes return the query they were given, changed (queries are immutable). */
export function scopeResult(query: ModelQuery<Model>, name: string, result: unknown): ModelQuery<Model> {
  if (result instanceof ModelQuery) return result;
  throw inputError(query.connection().name, name, 'is a scope that must return the query it was given (queries are immutable): q => q.where(...)');
}
