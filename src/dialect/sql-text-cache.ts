import { LRUCache } from 'lru-cache';

/** Most characters (keys and values) one cache of SQL texts keeps: a few MiB, whatever the statements' size. */
const MAX_CHARACTERS = 4_000_000;

/**
 * An LRU cache keyed by SQL text (or a query shape), bounded by entries and by the size of
 * its texts: one multi-row INSERT near the parameter limit is half a megabyte of SQL, and a
 * bulk loader with varying batch sizes would otherwise keep thousands of them.
 */
export function sqlTextCache<V extends string | boolean>(): LRUCache<string, V> {
  return new LRUCache<string, V>({
    max: 2000,
    maxSize: MAX_CHARACTERS,
    sizeCalculation: (value, key) => key.length + (typeof value === 'string' ? value.length : 0) + 1,
  });
}
