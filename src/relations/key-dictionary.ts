import { KeyMap } from './key-map.js';

/** Related models grouped by their key, for matching them to their parents without a query per row. */
export class KeyDictionary<T> {
  readonly #groups = new KeyMap<T[]>();

  add(key: unknown, item: T): void {
    const group = this.#groups.get(key);
    if (group === undefined) this.#groups.set(key, [item]);
    else group.push(item);
  }

  get(key: unknown): T[] | undefined {
    return this.#groups.get(key);
  }
}
