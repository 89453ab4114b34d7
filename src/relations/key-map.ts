/** A key as a dictionary key: `1`, `1n` and `'1'` match, as they do in SQL across engines. */
export function keyOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `x:${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  return String(value);
}

/**
 * A Map by key value in which `1`, `1n` and `'1'` are one key, as `keyOf` makes them. While
 * every key is a number, numbers are the Map's keys as they are: most keys are integers, and
 * a string per key (to hash, and to collect) was most of an eager load's matching. The first
 * key of another kind turns the Map to `keyOf`'s text keys, once, for good.
 */
export class KeyMap<V> {
  #map = new Map<string | number, V>();
  #text = false;

  get(value: unknown): V | undefined {
    if (typeof value === 'number' && !this.#text) return this.#map.get(value);
    const key = keyOf(value);
    if (key === undefined) return undefined;
    if (this.#text) return this.#map.get(key);
    // Numbers only so far: a key given as text finds the number it is the text of.
    const number = Number(key);
    return String(number) === key ? this.#map.get(number) : undefined;
  }

  /** Sets `entry` under `value`'s key; a null or undefined value is no key, and is left out. */
  set(value: unknown, entry: V): void {
    if (typeof value === 'number' && !this.#text) {
      this.#map.set(value, entry);
      return;
    }
    const key = keyOf(value);
    if (key === undefined) return;
    if (!this.#text) this.#toText();
    this.#map.set(key, entry);
  }

  /** The entries' values, in the order their keys were first set. */
  values(): IterableIterator<V> {
    return this.#map.values();
  }

  #toText(): void {
    this.#text = true;
    if (this.#map.size === 0) return;
    const text = new Map<string | number, V>();
    for (const [key, entry] of this.#map) text.set(String(key), entry);
    this.#map = text;
  }
}
