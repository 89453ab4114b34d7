import type { Row } from '../dialect/dialect.js';

/** What a model instance knows besides its attributes. */
export interface ModelState {
  /** The row exists in the database (hydrated, or saved). */
  exists: boolean;
  /** Attribute values as last read or written, in their database form (for dirty checks). */
  original: Row;
  /** Loaded relations by name (eager-loaded, `load()`ed, or restored from the cache). */
  relations: Map<string, unknown> | undefined;
  /** Relation signature -> name, so `await order.user()` finds what `with('user')` loaded. */
  signatures: Map<string, string> | undefined;
}

/**
 * The key of the hidden state. Attributes are the instance's own enumerable
 * string-keyed properties; the state sits on a non-enumerable symbol so that
 * `Object.keys`, spreading, `JSON.stringify` and `console.log` see attributes only.
 */
const STATE: unique symbol = Symbol('so-database.model');

interface HasState {
  [STATE]: ModelState;
}

export function initState(model: object): void {
  Object.defineProperty(model, STATE, {
    value: { exists: false, original: {}, relations: undefined, signatures: undefined } satisfies ModelState,
  });
}

export function stateOf(model: object): ModelState {
  return (model as HasState)[STATE];
}
