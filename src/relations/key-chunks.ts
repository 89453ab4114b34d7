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

/** A key as a dictionary key: `1`, `1n` and `'1'` match, as they do in SQL across engines. */
export function keyOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `x:${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  return String(value);
}

/** The distinct non-null values of `column` over `models`, first occurrence kept. */
export function uniqueKeys(models: readonly object[], column: string): unknown[] {
  const seen = new Map<string, unknown>();
  for (const model of models) {
    const value = (model as Record<string, unknown>)[column];
    const key = keyOf(value);
    if (key !== undefined && !seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()];
}

/** `values` in slices of at most `size`. */
export function chunks<T>(values: readonly T[], size = EAGER_LOAD_CHUNK_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
