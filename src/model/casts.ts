import { DatabaseError } from '../errors/database-error.js';
import type { ModelClass } from './model-class.js';

/** The casts a model may declare in `static casts`. */
export type CastName = 'number' | 'boolean' | 'date' | 'json' | 'string';

/** Casts of one model, checked: column -> cast. */
export type Casts = ReadonlyMap<string, CastName>;

const NAMES = new Set<string>(['number', 'boolean', 'date', 'json', 'string']);
const TIMESTAMP_CASTS: Casts = new Map([
  ['created_at', 'date'],
  ['updated_at', 'date'],
]);
const DELETED_AT_CASTS: Casts = new Map([['deleted_at', 'date']]);
const TIMESTAMP_AND_DELETED_AT_CASTS: Casts = new Map([...TIMESTAMP_CASTS, ...DELETED_AT_CASTS]);
const NO_CASTS: Casts = new Map();
const resolved = new WeakMap<object, Casts>();

/**
 * The checked casts of a model. With timestamps on, `created_at`/`updated_at`
 * are dates unless the model says otherwise (as in Laravel), and so is `deleted_at`
 * with soft deletes. Cached per `casts` object.
 */
export function resolveCasts(
  model: string,
  casts: Readonly<Record<string, string>> | undefined,
  timestamps: boolean,
  softDeletes = false,
): Casts {
  const implied = softDeletes ? (timestamps ? TIMESTAMP_AND_DELETED_AT_CASTS : DELETED_AT_CASTS) : timestamps ? TIMESTAMP_CASTS : NO_CASTS;
  if (casts === undefined) return implied;
  let checked = resolved.get(casts);
  if (checked === undefined) {
    const map = new Map<string, CastName>();
    for (const [column, cast] of Object.entries(casts)) {
      if (!NAMES.has(cast)) {
        throw new DatabaseError(
          `Model [${model}] casts [${column}] to unknown type "${cast}"; use one of: ${[...NAMES].join(', ')}.`,
        );
      }
      map.set(column, cast as CastName);
    }
    checked = map;
    resolved.set(casts, checked);
  }
  if (implied.size === 0) return checked;
  const withImplied = new Map(implied);
  for (const [column, cast] of checked) withImplied.set(column, cast);
  return withImplied;
}

/** A database value as the model's users see it. */
export function fromDatabase(cast: CastName, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (cast) {
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    case 'string':
      return typeof value === 'string' ? value : String(value);
    case 'boolean':
      return toBoolean(value);
    case 'date':
      return value instanceof Date ? value : new Date(typeof value === 'bigint' ? Number(value) : (value as string | number));
    case 'json':
      // PostgreSQL json/jsonb and MySQL JSON arrive parsed; text columns arrive as strings.
      return typeof value === 'string' ? JSON.parse(value) : value;
  }
}

/** A model value as it is written to the database (JSON as text). */
export function toDatabase(cast: CastName, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (cast === 'json') return JSON.stringify(value);
  // Numbers, strings, booleans and dates are written as they are read.
  return fromDatabase(cast, value);
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'string') return !(value === '' || value === '0' || value === 'f' || value === 'false');
  return Boolean(typeof value === 'bigint' ? Number(value) : value);
}

/** Equal for dirty checking: dates by time, buffers by bytes, the rest by identity. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  // A number written back as the numeric string it came from (DECIMAL, bigint) is no change.
  if ((typeof a === 'number' || typeof a === 'bigint') && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && (typeof b === 'number' || typeof b === 'bigint')) return a === String(b);
  return false;
}

/** The checked casts of a model class. */
export function castsOf(model: ModelClass): Casts {
  return resolveCasts(model.name, model.casts, model.timestamps === true, model.softDeletes === true);
}

/** Attributes as the model holds them (cast columns converted). */
export function castAttributes(attributes: Record<string, unknown>, casts: Casts): Record<string, unknown> {
  if (casts.size === 0) return attributes;
  const out = { ...attributes };
  for (const [column, cast] of casts) if (column in out) out[column] = fromDatabase(cast, out[column]);
  return out;
}
