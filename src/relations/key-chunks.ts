import { KeyMap } from './key-map.js';

/**
 * How many keys one eager-loading query binds. Far below the engines' hard
 * limits (SQLite binds at most 32766 parameters, PostgreSQL and MySQL 65535)
 * and small enough to keep each statement cheap to parse and plan.
 */
export const EAGER_LOAD_CHUNK_SIZE = 1000;

/**
 * Most keys a relation filter (`whereHas`) binds into the outer query's
 * single `WHERE key IN (...)`, leaving room under the engines' limits for
 * the query's other parameters.
 */
export const MAX_FILTER_KEYS = 30_000;

/** The distinct non-null values of `column` over `models`, first occurrence kept. */
export function uniqueKeys(models: readonly object[], column: string): unknown[] {
  const seen = new KeyMap<unknown>();
  for (const model of models) {
    const value = (model as Record<string, unknown>)[column];
    if (seen.get(value) === undefined) seen.set(value, value);
  }
  return [...seen.values()];
}

/** `values` in slices of at most `size`. */
export function chunks<T>(values: readonly T[], size = EAGER_LOAD_CHUNK_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
