import { keyOf } from './key-chunks.js';

/** Related models grouped by their key, for matching them to their parents without a query per row. */
export class KeyDictionary<T> {
  readonly #groups = new Map<string, T[]>();

  add(key: unknown, item: T): void {
    const k = keyOf(key);
    if (k === undefined) return;
    const group = this.#groups.get(k);
    if (group === undefined) this.#groups.set(k, [item]);
    else group.push(item);
  }

  get(key: unknown): T[] | undefined {
    const k = keyOf(key);
    return k === undefined ? undefined : this.#groups.get(k);
  }
}
