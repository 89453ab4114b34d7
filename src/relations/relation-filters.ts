import { DatabaseError } from '../errors/database-error.js';
import { setClean } from '../model/attributes.js';
import type { Model } from '../model/model.js';
import type { ModelBuilder } from '../model/model-builder.js';
import type { ModelClass } from '../model/model-class.js';
import type { EagerLoad, RelationCallback } from '../model/model-query.js';
import type { Conjunction, WhereClause } from '../query/where-clause.js';
import { MAX_FILTER_KEYS } from './key-chunks.js';
import type { MatchingParents } from './relation.js';
import { relationOf } from './relation-of.js';

/** A `whereHas`/`whereDoesntHave` waiting for its keys, at a place in the query's conditions. */
export interface RelationFilter {
  readonly relation: string;
  readonly callback: RelationCallback | undefined;
  readonly boolean: Conjunction;
  readonly negate: boolean;
  /** Index of its placeholder in the query's conditions. */
  readonly index: number;
  /**
   * Where the keys come from when it is not a relation of the queried model: a relation
   * of several hops reading its other hops for one parent (see `ModelQuery.whereKeysFrom`).
   */
  readonly keys?: () => Promise<MatchingParents>;
}

/** A `withCount` request: relation, attribute to set, optional constraint. */
export interface CountRequest {
  readonly relation: string;
  readonly alias: string;
  readonly callback: RelationCallback | undefined;
}

/** `'orders'`, `'orders as paid'`, `{ 'orders as paid': q => q.where(...) }` as count requests. */
export function countRequests(specs: readonly EagerLoad[]): CountRequest[] {
  const requests: CountRequest[] = [];
  const add = (spec: string, callback: RelationCallback | undefined) => {
    const named = /^(\S+)\s+as\s+(\S+)$/i.exec(spec.trim());
    const relation = named ? named[1] : spec.trim();
    requests.push({ relation, alias: named ? named[2] : `${relation}_count`, callback });
  };
  for (const spec of specs) {
    if (typeof spec === 'string') add(spec, undefined);
    else for (const [name, callback] of Object.entries(spec)) add(name, callback);
  }
  return requests;
}

/** Keeps a filter's place among the conditions until its keys are known. */
export const FILTER_PLACEHOLDER = (boolean: Conjunction): WhereClause => ({ type: 'nested', boolean, wheres: [] });

/**
 * The query's conditions with each relation filter replaced by `column IN (keys)`: the
 * relation finds the matching parents' keys on the related side's own connection(s)
 * (see `Relation.matchingParents`). Cost: the keys travel to the application and back
 * as bound parameters.
 */
export async function resolveRelationFilters(
  builder: ModelBuilder,
  model: ModelClass,
  filters: readonly RelationFilter[],
): Promise<WhereClause[]> {
  const blank = new model();
  const wheres = [...builder.queryState.wheres];
  for (const filter of filters) {
    const { column, keys } = await (filter.keys?.() ?? relationOf(blank, filter.relation).matchingParents(filter.callback));
    // A relation's own key list (one parent's) goes to the builder whole: it packs long lists.
    if (filter.keys === undefined && keys.length > MAX_FILTER_KEYS) {
      throw new DatabaseError(
        `${filter.negate ? 'whereDoesntHave' : 'whereHas'}('${filter.relation}') on model [${model.name}] matched ${keys.length} related keys, ` +
          `more than the ${MAX_FILTER_KEYS} one query binds; narrow the condition, or filter in two steps.`,
      );
    }
    wheres[filter.index] = filter.negate
      ? {
          type: 'nested',
          boolean: filter.boolean,
          wheres: [
            { type: 'null', boolean: 'and', column, not: false },
            { type: 'in', boolean: 'or', column, values: keys, not: true },
          ],
        }
      : { type: 'in', boolean: filter.boolean, column, values: keys, not: false };
  }
  return wheres;
}

/** Sets `<relation>_count` (or its alias) on each model, counted by the relation (see `Relation.countPerParent`). */
export async function loadCounts(models: readonly Model[], counts: readonly CountRequest[]): Promise<void> {
  for (const count of counts) {
    const countOf = await relationOf(models[0], count.relation).countPerParent(models, count.callback);
    for (const model of models) setClean(model, count.alias, countOf(model));
  }
}
