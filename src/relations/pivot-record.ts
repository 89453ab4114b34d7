import type { Row } from '../dialect/dialect.js';
import type { Model } from '../model/model.js';
import { stateOf } from '../model/model-state.js';
import { copyLoadedRelations } from './loaded-relations.js';

/** The pivot row of a model read through a belongsToMany: its two keys and the `withPivot` columns. */
export type Pivot = Row;

/** A related model read through a belongsToMany: `role.pivot.expires_at`. */
export type WithPivot<R extends Model> = R & { readonly pivot: Pivot };

/**
 * The pivot lives in the model's state, not among its attributes, so `save()` never
 * writes it; `toJSON()` shows it as Eloquent does (`{ id: 2, name: 'admin', pivot:
 * { user_id: 1, role_id: 2 } }`) and the cache stores it with the model. (Not in the
 * loaded relations' map: that would be one more Map for every related model read.)
 */
export function pivotOf(model: Model): Pivot | undefined {
  return stateOf(model).pivot;
}

export function setPivot(model: Model, pivot: Pivot): void {
  stateOf(model).pivot = pivot;
}

/**
 * `model` with `pivot` set: the model itself the first time, a copy for each further
 * pivot row (a role attached to two users is two instances, each with its own pivot).
 * The copy has the same attributes, original values and loaded relations.
 */
export function withPivot<R extends Model>(model: R, pivot: Pivot, copy: boolean): WithPivot<R> {
  const target = copy ? copyOf(model) : model;
  stateOf(target).pivot = pivot;
  return target as WithPivot<R>;
}

function copyOf<R extends Model>(model: R): R {
  const copy = new (model.constructor as new () => R)();
  for (const key of Object.keys(model)) (copy as unknown as Row)[key] = (model as unknown as Row)[key];
  const from = stateOf(model);
  const to = stateOf(copy);
  to.exists = from.exists;
  to.original = { ...from.original };
  copyLoadedRelations(model, copy);
  return copy;
}
