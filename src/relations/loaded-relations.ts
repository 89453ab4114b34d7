import { type ModelState, stateOf } from '../model/model-state.js';

/**
 * Relations loaded onto a model, by name (for `toJSON`) and by signature (so that
 * `await order.user()` finds what `with('user')` loaded: the relation method does not know
 * its own name, but it rebuilds the same signature).
 *
 * A model holds only the values (`state.relations`: the value itself while one relation is
 * loaded, else one per slot); which name is in which slot, and the signatures, are a
 * `LoadedNames` (`state.signatures`) that never changes once made, so the parents of one
 * eager load share one (V8's hidden classes, in small). Two Maps per parent were as much
 * allocation as the parent itself.
 */
export class LoadedNames {
  /** Slot -> name. */
  readonly names: readonly string[];
  readonly #bySignature: ReadonlyMap<string, string>;

  private constructor(names: readonly string[], bySignature: ReadonlyMap<string, string>) {
    this.names = names;
    this.#bySignature = bySignature;
  }

  static readonly NONE = new LoadedNames([], new Map());

  /** The name loaded under `signature`, if any. */
  nameOf(signature: string): string | undefined {
    return this.#bySignature.get(signature);
  }

  /** These names with `name` (a new slot unless loaded already) and `signature` -> `name`. */
  with(name: string, signature: string | undefined): LoadedNames {
    const known = this.names.includes(name);
    if (known && (signature === undefined || this.#bySignature.get(signature) === name)) return this;
    const names = known ? this.names : [...this.names, name];
    if (signature === undefined) return new LoadedNames(names, this.#bySignature);
    return new LoadedNames(names, new Map(this.#bySignature).set(signature, name));
  }
}

/** Sets relations named `name` (with `signature`) on many models, the parents of one eager load: they share their LoadedNames. */
export class RelationSetter {
  readonly #name: string;
  readonly #signature: string | undefined;
  #from: LoadedNames | undefined;
  #to: LoadedNames = LoadedNames.NONE;

  constructor(name: string, signature: string | undefined) {
    this.#name = name;
    this.#signature = signature;
  }

  set(model: object, value: unknown): void {
    const state = stateOf(model);
    const from = state.signatures ?? LoadedNames.NONE;
    if (from !== this.#from) {
      this.#from = from;
      this.#to = from.with(this.#name, this.#signature);
    }
    place(state, from, this.#to, this.#name, value);
  }
}

export function setLoadedRelation(model: object, name: string, value: unknown, signature: string | undefined): void {
  new RelationSetter(name, signature).set(model, value);
}

/** True when a relation with this signature was loaded; compute the signature only when some relation is. */
export function hasLoadedRelations(model: object): boolean {
  return stateOf(model).signatures !== undefined;
}

export function loadedRelation(model: object, signature: string): { found: boolean; value: unknown } {
  const state = stateOf(model);
  const names = state.signatures;
  const name = names?.nameOf(signature);
  if (names === undefined || name === undefined) return { found: false, value: undefined };
  return { found: true, value: valueAt(state, names, names.names.indexOf(name)) };
}

/** The names of the loaded relations, in the order they were loaded (none: an empty list). */
export function loadedRelationNames(model: object): readonly string[] {
  return (stateOf(model).signatures ?? LoadedNames.NONE).names;
}

/** The value of the relation loaded `index`-th (see `loadedRelationNames`). */
export function loadedRelationAt(model: object, index: number): unknown {
  const state = stateOf(model);
  return valueAt(state, state.signatures ?? LoadedNames.NONE, index);
}

/** The loaded relations by name, as a new Map (undefined when none is loaded). */
export function loadedRelations(model: object): ReadonlyMap<string, unknown> | undefined {
  const state = stateOf(model);
  const names = state.signatures;
  if (names === undefined) return undefined;
  return new Map(names.names.map((name, index) => [name, valueAt(state, names, index)]));
}

/** `to` gets the loaded relations of `from` (a copy of a model). */
export function copyLoadedRelations(from: object, to: object): void {
  const source = stateOf(from);
  const target = stateOf(to);
  target.signatures = source.signatures;
  target.relations = Array.isArray(source.relations) && (source.signatures?.names.length ?? 0) > 1 ? [...source.relations] : source.relations;
}

function valueAt(state: ModelState, names: LoadedNames, index: number): unknown {
  if (index < 0 || index >= names.names.length) return undefined;
  return names.names.length === 1 ? state.relations : (state.relations as unknown[])[index];
}

/** Stores `value` under `name` in a state whose names go from `from` to `to`. */
function place(state: ModelState, from: LoadedNames, to: LoadedNames, name: string, value: unknown): void {
  const count = to.names.length;
  if (count === 1) state.relations = value;
  else {
    // From one relation to two, the single value becomes slot 0 of a list.
    if (from.names.length === 1) state.relations = [state.relations];
    else if (from.names.length === 0) state.relations = [];
    (state.relations as unknown[])[to.names.indexOf(name)] = value;
  }
  state.signatures = to;
}
