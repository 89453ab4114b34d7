import { QueryError } from '../errors/query-error.js';
import type { Model } from '../model/model.js';
import type { EagerLoad, RelationCallback } from '../model/model-query.js';
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
 * Loads the tree's relations onto `models`, level by level: each relation loads
 * for all the models at once (see `Relation.eagerLoad`: one query per hop per
 * chunk of keys, on each hop's own connection), then its children load onto
 * the related models it returned. Never a JOIN, never a query per row.
 */
export async function eagerLoad(models: readonly Model[], tree: EagerTree): Promise<void> {
  if (models.length === 0) return;
  for (const [name, node] of tree) {
    const related = await relationOf(models[0], name).eagerLoad(models, name, node.callbacks);
    if (node.children.size > 0) await eagerLoad(related, node.children);
  }
}
