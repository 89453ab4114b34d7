import { QueryError } from '../errors/query-error.js';
import type { Model } from '../model/model.js';
import type { ModelClass } from '../model/model-class.js';
import { inputError, shown } from '../query/builder-input.js';
import { Relation } from './relation.js';

/** The relation that the method `name` of `model` defines. */
// biome-ignore lint/suspicious/noExplicitAny: any related model; callers only read keys and the related class
export function relationOf(model: Model, name: string): Relation<any, unknown> {
  const method = (model as unknown as Record<string, unknown>)[name];
  const modelName = model.constructor.name;
  if (typeof method !== 'function') {
    throw new QueryError(`Relation [${name}] is not defined on model [${modelName}].`, '', []);
  }
  const relation: unknown = method.call(model);
  if (!(relation instanceof Relation)) {
    throw new QueryError(`Method [${name}] of model [${modelName}] does not return a relation.`, '', []);
  }
  return relation;
}

/**
 * Paths found valid, per model class: a class's relation methods do not change, and each query
 * with `with(...)` checks its paths at its terminal call (a blank instance and a relation per level).
 */
const checkedPaths = new WeakMap<ModelClass, Set<string>>();

/**
 * Checks, before anything runs, that `path` (`'user'`, `'user.profile'`) names a
 * relation at every level, starting from `model`: a QueryError naming `method` and
 * the level that is not one otherwise. Relation methods only describe the relation,
 * so calling them on blank instances is safe.
 */
export function checkRelationPath(model: ModelClass, path: unknown, connection: string, method: string): string {
  if (typeof path !== 'string') throw inputError(connection, method, `takes relation names, got ${shown(path)}`);
  if (checkedPaths.get(model)?.has(path)) return path;
  let current: ModelClass = model;
  for (const name of path.split('.')) {
    if (name === '') throw inputError(connection, method, `cannot use ${shown(path)}: a relation name is empty`);
    try {
      current = relationOf(new current(), name).relatedModel();
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      throw inputError(connection, method, `cannot load ${shown(path)}: ${error.message.replace(/\.$/, '')}`);
    }
  }
  let checked = checkedPaths.get(model);
  if (checked === undefined) {
    checked = new Set();
    checkedPaths.set(model, checked);
  }
  checked.add(path);
  return path;
}
