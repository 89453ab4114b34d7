import { DatabaseError } from '../errors/database-error.js';
import type { WhereClause } from '../query/where-clause.js';
import type { Model } from './model.js';
import type { ModelClass } from './model-class.js';
import type { ModelQuery } from './model-query.js';
import { softDeleteScopes } from './soft-deletes.js';

/** A scope applied to every query of a model: `static globalScopes = { active: (q) => q.where('active', true) }`. */
export type GlobalScope<M extends Model> = (query: ModelQuery<M>) => ModelQuery<M>;

/** `static globalScopes` of a model, typed with `satisfies GlobalScopes<User>`: name -> scope. */
export type GlobalScopes<M extends Model> = Record<string, GlobalScope<M>>;

/** Which of a model's global scopes a query keeps: all but those lifted (`withoutGlobalScope`). */
export interface ScopeSelection {
  /** Names lifted, or `'all'` after `withoutGlobalScopes()`. */
  readonly lifted: ReadonlySet<string> | 'all';
  /** Extra scopes this query asked for by name (`onlyTrashed`), applied after the model's. */
  readonly added: readonly NamedScope[];
}

export interface NamedScope {
  readonly name: string;
  readonly scope: GlobalScope<Model>;
}

export const EVERY_SCOPE: ScopeSelection = { lifted: new Set(), added: [] };
const NONE: readonly NamedScope[] = [];

/**
 * The global scopes a query of `model` runs with: the model's `globalScopes` and built-in
 * ones (soft deletes), minus those the query lifted, then those it added. The common case,
 * a model with none, costs two property reads.
 */
export function activeScopes(model: ModelClass, selection: ScopeSelection): readonly NamedScope[] {
  const declared = model.globalScopes;
  const library = softDeleteScopes(model);
  if (declared === undefined && library.length === 0 && selection.added.length === 0) return NONE;
  const { lifted } = selection;
  const active: NamedScope[] = [];
  if (lifted !== 'all') {
    for (const [name, scope] of Object.entries(declared ?? {})) {
      if (typeof scope !== 'function') throw new DatabaseError(`Model [${model.name}] declares global scope [${name}] as ${typeof scope}, not a function (q => q.where(...)).`);
      if (!lifted.has(name)) active.push({ name, scope: scope as unknown as GlobalScope<Model> });
    }
    for (const scope of library) if (!lifted.has(scope.name)) active.push(scope);
  }
  for (const scope of selection.added) active.push(scope);
  return active;
}

/**
 * The conditions with each scope's own in parentheses when it holds an OR, and the query's
 * own too (Eloquent's `addNewWheresWithinGroup`): `where(a).orWhere(b)` under a soft-delete
 * scope is `(a OR b) AND deleted_at IS NULL`, never `a OR b AND deleted_at IS NULL`.
 * `starts` are where each scope's conditions begin; nothing moves when no scope added any.
 */
export function groupScopeConditions(wheres: readonly WhereClause[], starts: readonly number[]): readonly WhereClause[] {
  if (starts.length === 0 || starts[0] === wheres.length) return wheres;
  const grouped: WhereClause[] = [];
  const bounds = [0, ...starts, wheres.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const slice = wheres.slice(bounds[i], bounds[i + 1]);
    if (slice.some((where) => where.boolean === 'or')) grouped.push({ type: 'nested', boolean: 'and', wheres: slice });
    else for (const where of slice) grouped.push(where);
  }
  return grouped;
}
