import { stateOf } from '../model/model-state.js';

/**
 * Relations loaded onto a model, by name (for `toJSON`) and by signature (so
 * that `await order.user()` finds what `with('user')` loaded: the relation
 * method does not know its own name, but it rebuilds the same signature).
 */

export function setLoadedRelation(model: object, name: string, value: unknown, signature: string | undefined): void {
  const state = stateOf(model);
  state.relations ??= new Map();
  state.relations.set(name, value);
  if (signature !== undefined) {
    state.signatures ??= new Map();
    state.signatures.set(signature, name);
  }
}

/** True when a relation with this signature was loaded; compute the signature only when some relation is. */
export function hasLoadedRelations(model: object): boolean {
  return stateOf(model).signatures !== undefined;
}

export function loadedRelation(model: object, signature: string): { found: boolean; value: unknown } {
  const state = stateOf(model);
  const name = state.signatures?.get(signature);
  if (name === undefined || state.relations === undefined || !state.relations.has(name)) return { found: false, value: undefined };
  return { found: true, value: state.relations.get(name) };
}

export function loadedRelations(model: object): ReadonlyMap<string, unknown> | undefined {
  return stateOf(model).relations;
}
