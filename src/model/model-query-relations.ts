import { inputError, shown } from '../query/builder-input.js';
import type { Conjunction } from '../query/where-clause.js';
import { addToTree } from '../relations/eager-loader.js';
import { countRequests, FILTER_PLACEHOLDER } from '../relations/relation-filters.js';
import type { MatchingParents } from '../relations/relation.js';
import { assertSoftDeletes, onlyTrashedScope, SOFT_DELETES } from './soft-deletes.js';
import type { Model } from './model.js';
import type { EagerLoad, RelationCallback } from './model-query.js';
import { ModelQueryBase, type ModelQueryParts } from './model-query-base.js';

/**
 * The clauses of a model query about relations and scopes: what it loads with its models
 * (`with`, `withCount`), which models it keeps by their relations (`whereHas`,
 * `whereDoesntHave`), and which global scopes it runs with. Each returns a new query.
 */
export abstract class ModelQueryRelations<M extends Model> extends ModelQueryBase<M> {
  /**
   * Loads relations of the results: one `WHERE key IN (...)` query per
   * relation per level (per 1000 keys), on each related model's connection.
   * @example await Order.with('user', 'items.product', { user: q => q.where('active', true) }).get()
   */
  with(...relations: EagerLoad[]): this {
    const relationPaths = this.#relationPaths('with', relations);
    return this.queryCopy({ eager: addToTree(this.queryParts.eager, relations), relationPaths });
  }

  /**
   * Keeps the models that have a related model (matching `callback`), across
   * connections: the related connection is asked for its matching keys first,
   * then this query filters with `WHERE key IN (keys)`. `'user.profile'` nests.
   * @example await Order.whereHas('user', q => q.where('ustatusid', 1)).get()
   */
  whereHas(relation: string, callback?: RelationCallback): this {
    return this.#relationFilter('whereHas', relation, callback, 'and', false);
  }

  orWhereHas(relation: string, callback?: RelationCallback): this {
    return this.#relationFilter('orWhereHas', relation, callback, 'or', false);
  }

  /** Keeps the models that have no related model (matching `callback`). */
  whereDoesntHave(relation: string, callback?: RelationCallback): this {
    return this.#relationFilter('whereDoesntHave', relation, callback, 'and', true);
  }

  /**
   * @internal Keeps the rows whose `column` is among the keys `keys()` reads when the query
   * runs, on other connections: how a relation of several hops (belongsToMany, hasManyThrough)
   * is a query of its related model for one parent.
   */
  whereKeysFrom(relation: string, keys: () => Promise<MatchingParents>): this {
    const { builder, filters } = this.queryParts;
    const wheres = builder.queryState.wheres;
    return this.queryCopy({
      builder: builder.withWheres([...wheres, FILTER_PLACEHOLDER('and')]),
      filters: [...filters, { relation, callback: undefined, boolean: 'and', negate: false, index: wheres.length, keys }],
    });
  }

  /**
   * Sets `<relation>_count` on each result (`'orders as paid'` names it
   * `paid`): one grouped count per 1000 keys on the related connection.
   * @example const users = await User.withCount('orders').get(); users[0].orders_count
   */
  withCount(...relations: EagerLoad[]): this {
    const relationPaths = this.#relationPaths('withCount', relations, true);
    return this.queryCopy({ counts: [...this.queryParts.counts, ...countRequests(relations)], relationPaths });
  }

  /**
   * The query without the global scope `name` (`static globalScopes`, or `'softDeletes'`).
   * @example await User.query().withoutGlobalScope('active').count()
   */
  withoutGlobalScope(name: string): this {
    if (typeof name !== 'string') throw inputError(this.connectionName(), 'withoutGlobalScope', `takes a scope name, got ${shown(name)}`);
    const { lifted, added } = this.queryParts.scopes;
    if (lifted === 'all') return this;
    return this.queryCopy({ scopes: { lifted: new Set([...lifted, name]), added } });
  }

  /** The query without the named global scopes, or without any (no argument). */
  withoutGlobalScopes(names?: readonly string[]): this {
    if (names === undefined) return this.queryCopy({ scopes: { lifted: 'all', added: this.queryParts.scopes.added } });
    if (!Array.isArray(names)) throw inputError(this.connectionName(), 'withoutGlobalScopes', `takes a list of scope names, got ${shown(names)}`);
    let query = this;
    for (const name of names) query = query.withoutGlobalScope(name);
    return query;
  }

  /** Soft deletes: the query with trashed rows too (a model without soft deletes has none to add). */
  withTrashed(): this {
    return this.withoutGlobalScope(SOFT_DELETES);
  }

  /** Soft deletes: the query with trashed rows only. */
  onlyTrashed(): this {
    assertSoftDeletes(this, 'onlyTrashed');
    const { lifted, added } = this.withTrashed().queryParts.scopes;
    return this.queryCopy({ scopes: { lifted, added: [...added, onlyTrashedScope(this.queryParts.model)] } });
  }

  #relationFilter(
    method: string,
    path: string,
    callback: RelationCallback | undefined,
    boolean: Conjunction,
    negate: boolean,
  ): this {
    const connection = this.connectionName();
    if (typeof path !== 'string') throw inputError(connection, method, `takes a relation name, got ${shown(path)}`);
    if (callback !== undefined && typeof callback !== 'function') {
      throw inputError(connection, method, `takes a callback (q => q.where(...)) as its second argument, got ${shown(callback)}`);
    }
    const [relation, ...rest] = path.split('.');
    // 'user.profile': the user must have a profile (matching the callback).
    const own: RelationCallback | undefined = rest.length === 0 ? callback : (q) => q.whereHas(rest.join('.'), callback);
    const { builder, filters, relationPaths } = this.queryParts;
    const wheres = builder.queryState.wheres;
    return this.queryCopy({
      builder: builder.withWheres([...wheres, FILTER_PLACEHOLDER(boolean)]),
      filters: [...filters, { relation, callback: own, boolean, negate, index: wheres.length }],
      relationPaths: [...relationPaths, { method, path }],
    });
  }

  /**
   * `with`/`withCount` arguments, checked: relation paths (`'user.profile'`; `'orders as paid'`
   * for a count), or objects of them with callbacks. Returns the paths to check for existence
   * when the query runs (a query may be built before its model's relations are defined).
   */
  #relationPaths(method: string, specs: readonly EagerLoad[], aliases = false): ModelQueryParts<M>['relationPaths'] {
    const connection = this.connectionName();
    const paths = [...this.queryParts.relationPaths];
    for (const spec of specs) {
      if (typeof spec === 'string') {
        paths.push({ method, path: checkedPath(connection, method, spec, aliases) });
        continue;
      }
      const prototype = typeof spec === 'object' && spec !== null ? Object.getPrototypeOf(spec) : undefined;
      if (prototype !== Object.prototype && prototype !== null) throw inputError(connection, method, `takes relation names or { relation: callback }, got ${shown(spec)}`);
      for (const [path, callback] of Object.entries(spec)) {
        if (callback !== undefined && typeof callback !== 'function') throw inputError(connection, method, `takes a callback for ${shown(path)}, got ${shown(callback)}`);
        paths.push({ method, path: checkedPath(connection, method, path, aliases) });
      }
    }
    return paths;
  }
}

/** A relation path of `with`/`withCount` (`'orders as paid'` names the relation `orders` when `aliases`), refused when empty. */
function checkedPath(connection: string, method: string, spec: string, aliases: boolean): string {
  const trimmed = spec.trim();
  if (trimmed === '') throw inputError(connection, method, 'cannot use "": a relation name is empty');
  const named = aliases ? /^(\S+)\s+as\s+\S+$/i.exec(trimmed) : null;
  return named === null ? trimmed : named[1];
}
