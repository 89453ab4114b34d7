import { DatabaseError } from '../errors/database-error.js';
import type { Model } from '../model/model.js';
import { Relation } from './relation.js';

/** The relation that the method `name` of `model` defines. */
// biome-ignore lint/suspicious/noExplicitAny: any related model; callers only read keys and the related class
export function relationOf(model: Model, name: string): Relation<any, unknown> {
  const method = (model as unknown as Record<string, unknown>)[name];
  const modelName = model.constructor.name;
  if (typeof method !== 'function') {
    throw new DatabaseError(`Relation [${name}] is not defined on model [${modelName}].`);
  }
  const relation: unknown = method.call(model);
  if (!(relation instanceof Relation)) {
    throw new DatabaseError(
      `Method [${name}] of model [${modelName}] does not return a relation (belongsTo, hasMany or hasOne).`,
    );
  }
  return relation;
}
