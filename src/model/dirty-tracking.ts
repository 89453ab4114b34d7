import type { Row } from '../dialect/dialect.js';
import { dirtyAttributes } from './attributes.js';
import { castsOf, fromDatabase } from './casts.js';
import type { Model } from './model.js';
import type { ModelClass } from './model-class.js';
import { stateOf } from './model-state.js';

/**
 * Eloquent's dirty tracking over the model's state: an attribute is dirty when
 * its database form (casts applied, JSON as text) differs from the one last
 * read or saved, so a JSON attribute changed in place is dirty.
 */

/** Attribute names as Eloquent takes them: `isDirty('a', 'b')` or `isDirty(['a', 'b'])`. */
export type AttributeNames = ReadonlyArray<string | readonly string[]>;

/** The changed attributes, in database form. */
export function dirtyOf(model: Model): Row {
  return dirtyAttributes(model, castsOf(model.constructor as ModelClass));
}

/** True when `changes` holds any of `names` (any key at all when none are named). */
export function hasAny(changes: Row | undefined, names: AttributeNames): boolean {
  if (changes === undefined) return false;
  if (names.length === 0) return Object.keys(changes).length > 0;
  for (const name of names.flat()) if (name in changes) return true;
  return false;
}

/**
 * What the last save's UPDATE wrote, in database form, by model. Beside the state rather
 * than in it: most models are read and never saved, and hydrating them stays as cheap.
 */
const lastChanges = new WeakMap<Model, Row>();

/** Records what a save wrote (undefined: an insert, or a save that sent nothing). */
export function recordChanges(model: Model, changes: Row | undefined): void {
  if (changes === undefined) lastChanges.delete(model);
  else lastChanges.set(model, changes);
}

/** Whether the last save wrote any of `names` (anything, when none are named). */
export function wasChanged(model: Model, names: AttributeNames): boolean {
  return hasAny(lastChanges.get(model), names);
}

/** What the last save's UPDATE wrote (empty after an insert or a save that sent nothing). */
export function changesOf(model: Model): Row {
  return { ...lastChanges.get(model) };
}

/** The values as last read or saved, cast as the model holds them (Eloquent's `getOriginal`). */
export function originalOf(model: Model): Row;
export function originalOf(model: Model, name: string): unknown;
export function originalOf(model: Model, name?: string): unknown {
  const original = stateOf(model).original;
  const casts = castsOf(model.constructor as ModelClass);
  const cast = (key: string): unknown => {
    const type = casts.get(key);
    return type === undefined ? original[key] : fromDatabase(type, original[key]);
  };
  if (name !== undefined) return cast(name);
  const values: Row = {};
  for (const key of Object.keys(original)) values[key] = cast(key);
  return values;
}

/** The values as last read or saved, in database form (Eloquent's `getRawOriginal`). */
export function rawOriginalOf(model: Model, name?: string): unknown {
  const original = stateOf(model).original;
  return name === undefined ? { ...original } : original[name];
}
