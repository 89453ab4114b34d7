import type { Row } from '../dialect/dialect.js';
import type { LoadedNames } from '../relations/loaded-relations.js';

/** What a model instance knows besides its attributes. */
export interface ModelState {
  /** The row exists in the database (hydrated, or saved). */
  exists: boolean;
  /** Attribute values as last read or written, in their database form (for dirty checks). */
  original: Row;
  /**
   * The values of the loaded relations (eager-loaded, `load()`ed, or restored from the cache):
   * the value itself while one is loaded, else a list by slot (see loaded-relations.ts).
   */
  relations: unknown;
  /** Which relation is in which slot, and signature -> name, so `await order.user()` finds what `with('user')` loaded. */
  signatures: LoadedNames | undefined;
  /** The pivot row of a model read through a belongsToMany (`model.pivot`). */
  pivot: Row | undefined;
}

/**
 * The state lives in a private field of Model (model.ts hands over its accessor
 * when it loads): invisible to `Object.keys`, spreading, `JSON.stringify` and
 * `console.log`, as attributes-only views need, and set up with the instance. A
 * non-enumerable `Object.defineProperty` on every instance cost more than
 * copying the row into it (it leaves V8's fast path), on every hydrated row.
 */
let access: (model: object) => ModelState = () => {
  throw new Error('so-database: a model state was read before the Model class loaded.');
};

/** @internal model.ts gives the accessor of its private field, once. */
export function provideStateAccess(read: (model: object) => ModelState): void {
  access = read;
}

export function newState(): ModelState {
  return { exists: false, original: {}, relations: undefined, signatures: undefined, pivot: undefined };
}

export function stateOf(model: object): ModelState {
  return access(model);
}
