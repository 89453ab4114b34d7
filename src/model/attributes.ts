import type { Row } from '../dialect/dialect.js';
import { type Casts, sameValue, toDatabase } from './casts.js';
import { stateOf } from './model-state.js';

/**
 * Attributes are the model's own enumerable properties (`order.total`);
 * `original` keeps their database form as last read or written, and an
 * attribute is dirty when its database form differs from it.
 */

/** The attributes as a plain object (undefined values left out: never set). */
export function attributesOf(model: object): Row {
  const attributes: Row = {};
  for (const key of Object.keys(model)) {
    const value = (model as Row)[key];
    if (value !== undefined) attributes[key] = value;
  }
  return attributes;
}

/** The attributes in their database form (casts applied). */
export function databaseForm(attributes: Row, casts: Casts): Row {
  if (casts.size === 0) return attributes;
  const row: Row = { ...attributes };
  for (const [column, cast] of casts) if (column in row) row[column] = toDatabase(cast, row[column]);
  return row;
}

/** The changed attributes, in database form. */
export function dirtyAttributes(model: object, casts: Casts): Row {
  const original = stateOf(model).original;
  const current = databaseForm(attributesOf(model), casts);
  const dirty: Row = {};
  for (const key of Object.keys(current)) {
    if (!(key in original) || !sameValue(current[key], original[key])) dirty[key] = current[key];
  }
  return dirty;
}

/** Marks the current attributes as the ones in the database. */
export function syncOriginal(model: object, casts: Casts): void {
  stateOf(model).original = databaseForm(attributesOf(model), casts);
}

/** Sets an attribute that is already what the database holds (e.g. a `withCount` result). */
export function setClean(model: object, key: string, value: unknown): void {
  (model as Row)[key] = value;
  stateOf(model).original[key] = value;
}
