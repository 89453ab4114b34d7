import type { Model } from '../model/model.js';
import type { ModelClass } from '../model/model-class.js';
import { inputError, shown } from '../query/builder-input.js';
import { keyOf } from './key-map.js';
import type { PivotEntry } from './pivot-table.js';

/** A related model's key. */
export type PivotId = string | number | bigint;

/**
 * What `attach`/`sync`/`toggle`/`detach` take: a key, a related model, a list of
 * them, or `{ key: pivot attributes }` (keys written as whole numbers become numbers,
 * as Eloquent's integer keys do).
 */
export type PivotIds<R extends Model = Model> =
  | PivotId
  | R
  | readonly (PivotId | R)[]
  | Readonly<Record<string, Readonly<Record<string, unknown>>>>;

const WHOLE_NUMBER = /^-?(?:0|[1-9]\d{0,15})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Where the entries come from, for error messages and model keys. */
export interface PivotInputContext {
  readonly related: ModelClass;
  readonly relatedKey: string;
  readonly connection: string;
  readonly method: string;
}

/** The rows `input` asks for, each with `attributes` under its own pivot attributes. */
export function pivotEntries(input: unknown, attributes: unknown, context: PivotInputContext): PivotEntry[] {
  const { connection, method } = context;
  if (attributes !== undefined && !isPlainObject(attributes)) {
    throw inputError(connection, method, `takes pivot attributes as an object, got ${shown(attributes)}`);
  }
  const shared = attributes ?? {};
  if (Array.isArray(input)) return input.map((item) => ({ id: idOf(item, context), attributes: shared }));
  if (isPlainObject(input)) {
    return Object.entries(input).map(([key, own]) => {
      if (own !== undefined && !isPlainObject(own)) {
        throw inputError(connection, method, `takes { key: pivot attributes }, got ${shown(own)} for key ${shown(key)}`);
      }
      const id = WHOLE_NUMBER.test(key) && Number.isSafeInteger(Number(key)) ? Number(key) : key;
      return { id, attributes: { ...shared, ...own } };
    });
  }
  return [{ id: idOf(input, context), attributes: shared }];
}

/** The entries without repeated keys (the first of each kept). */
export function distinctEntries(entries: readonly PivotEntry[]): PivotEntry[] {
  const seen = new Set<string | undefined>();
  return entries.filter((entry) => {
    const key = keyOf(entry.id);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function idOf(item: unknown, { related, relatedKey, connection, method }: PivotInputContext): unknown {
  if (item instanceof related) {
    const id = (item as unknown as Record<string, unknown>)[relatedKey];
    if (id === undefined || id === null) {
      throw inputError(connection, method, `got a [${related.name}] without its key ${shown(relatedKey)}: save it first`);
    }
    return id;
  }
  if (typeof item === 'string' || typeof item === 'bigint' || (typeof item === 'number' && Number.isFinite(item))) return item;
  throw inputError(connection, method, `takes keys or [${related.name}] models, or { key: pivot attributes }, got ${shown(item)}`);
}
