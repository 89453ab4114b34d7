import type { LRUCache } from 'lru-cache';
import type { Dialect } from '../dialect/dialect.js';
import { sqlTextCache } from '../dialect/sql-text-cache.js';
import { ShapeTrie } from './shape-trie.js';

/** The SQL of a query shape, compiled once per engine; values are bound afresh each time. */
const caches = new WeakMap<Dialect, LRUCache<string, string | false>>();

function cacheOf(dialect: Dialect): LRUCache<string, string | false> {
  let cache = caches.get(dialect);
  if (cache === undefined) {
    cache = sqlTextCache<string | false>();
    caches.set(dialect, cache);
  }
  return cache;
}

/**
 * The SQL for `shape`, compiling with `compile` on a miss. The cached SQL is
 * only trusted when the compiler bound exactly `values`, in order; a shape
 * whose parameters differ (the compiler inlined or reordered something) is
 * marked and compiled every time.
 */
export function compiledSql(
  dialect: Dialect,
  shape: string,
  values: readonly unknown[],
  compile: () => { sql: string; parameters: readonly unknown[] },
): { sql: string; parameters: readonly unknown[] } {
  const cache = cacheOf(dialect);
  const cached = cache.get(shape);
  if (typeof cached === 'string') return { sql: cached, parameters: values };
  const compiled = compile();
  if (cached === undefined) cache.set(shape, cacheableSql(compiled, values));
  return compiled;
}

/** The compiled SELECTs of an engine, by shape parts (select-sql.ts). */
const selectTries = new WeakMap<Dialect, ShapeTrie>();

/** The last engine asked for and its trie: an application mostly reads on one engine, and a WeakMap lookup per query shows. */
let lastDialect: Dialect | undefined;
let lastTrie: ShapeTrie | undefined;

export function selectTrie(dialect: Dialect): ShapeTrie {
  if (dialect === lastDialect) return lastTrie as ShapeTrie;
  let trie = selectTries.get(dialect);
  if (trie === undefined) {
    trie = new ShapeTrie();
    selectTries.set(dialect, trie);
  }
  lastDialect = dialect;
  lastTrie = trie;
  return trie;
}

/** What to cache for a shape just compiled: its SQL when the compiler bound exactly `values`, in order, else false (compile every time). */
export function cacheableSql(compiled: { sql: string; parameters: readonly unknown[] }, values: readonly unknown[]): string | false {
  return sameValues(compiled.parameters, values) ? compiled.sql : false;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
