import { QueryError } from '../errors/query-error.js';
import type { Model } from '../model/model.js';
import type { EagerLoad, ModelQuery, RelationCallback } from '../model/model-query.js';
import { chunks, uniqueKeys } from './key-chunks.js';
import { KeyDictionary } from './key-dictionary.js';
import { setLoadedRelation } from './loaded-relations.js';
import type { Relation } from './relation.js';
import { relationOf } from './relation-of.js';

/** What `with(...)` asked for: relation name -> its constraints and nested relations. */
export interface EagerNode {
  readonly callbacks: readonly RelationCallback[];
  readonly children: EagerTree;
}
export type EagerTree = ReadonlyMap<string, EagerNode>;

export const EMPTY_TREE: EagerTree = new Map();

/** A new tree with `specs` (`'user'`, `'user.profile'`, `{ orders: q => q.where(...) }`) added. */
export function addToTree(tree: EagerTree, specs: readonly EagerLoad[]): EagerTree {
  const next = new Map(tree);
  for (const spec of specs) {
    if (typeof spec === 'string') addPath(next, spec.split('.'), undefined);
    else if (typeof spec === 'object' && spec !== null) {
      for (const [path, callback] of Object.entries(spec)) addPath(next, path.split('.'), callback);
    } else throw new QueryError(`Relations to load are names or { name: callback } objects, got ${typeof spec}.`, '', []);
  }
  return next;
}

function addPath(tree: Map<string, EagerNode>, path: string[], callback: RelationCallback | undefined): void {
  const [name, ...rest] = path;
  if (name === undefined || name === '') throw new QueryError(`Invalid relation path in with(): "${path.join('.')}".`, '', []);
  const node = tree.get(name) ?? { callbacks: [], children: EMPTY_TREE };
  if (rest.length === 0) {
    tree.set(name, { callbacks: callback ? [...node.callbacks, callback] : node.callbacks, children: node.children });
  } else {
    const children = new Map(node.children);
    addPath(children, rest, callback);
    tree.set(name, { callbacks: node.callbacks, children });
  }
}

/**
 * Loads the tree's relations onto `models`: per relation and level, the
 * related rows come from the related model's own connection in one
 * `WHERE key IN (...)` query per chunk of distinct keys, and are matched to
 * their parents through a key dictionary. Never a JOIN, never a query per row.
 */
export async function eagerLoad(models: readonly Model[], tree: EagerTree): Promise<void> {
  if (models.length === 0) return;
  for (const [name, node] of tree) {
    const relation = relationOf(models[0], name);
    const related = await relatedByKeys(relation, uniqueKeys(models, relation.parentKey), node.callbacks);
    const dictionary = new KeyDictionary<Model>();
    for (const model of related) dictionary.add((model as unknown as Record<string, unknown>)[relation.relatedKey], model);
    const signature = relation.signature();
    for (const model of models) {
      const group = dictionary.get((model as unknown as Record<string, unknown>)[relation.parentKey]);
      setLoadedRelation(model, name, relation.many ? (group ?? []) : (group?.[0] ?? null), signature);
    }
    if (node.children.size > 0) await eagerLoad(related, node.children);
  }
}

/** The related models whose `relatedKey` is one of `keys`, chunk by chunk. */
async function relatedByKeys(
  // biome-ignore lint/suspicious/noExplicitAny: any related model
  relation: Relation<any, unknown>,
  keys: readonly unknown[],
  callbacks: readonly RelationCallback[],
): Promise<Model[]> {
  const related: Model[] = [];
  for (const chunk of chunks(keys)) {
    const query = constrained(relation, relation.relatedModel().query().whereIn(relation.relatedKey, chunk), callbacks);
    for (const model of await query.get()) related.push(model);
  }
  return related;
}

/** The relation's own constraints, then the caller's callbacks, on a query of the related model. */
export function constrained(
  // biome-ignore lint/suspicious/noExplicitAny: any related model
  relation: Relation<any, unknown>,
  query: ModelQuery<Model>,
  callbacks: readonly (RelationCallback | undefined)[],
): ModelQuery<Model> {
  let result = relation.applyConstraints(query);
  for (const callback of callbacks) {
    if (callback === undefined) continue;
    const returned = callback(result);
    if (returned === undefined || returned === null || typeof (returned as { get?: unknown }).get !== 'function') {
      throw new QueryError('A relation callback must return the query it was given (queries are immutable): q => q.where(...).', '', []);
    }
    result = returned;
  }
  return result;
}
