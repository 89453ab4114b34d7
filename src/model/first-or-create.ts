import { inputError, shown } from '../query/builder-input.js';
import { assertMassAssignable } from './mass-assignment.js';
import type { Model } from './model.js';
import type { ModelQuery } from './model-query.js';
import type { ModelValues } from '../types/typed-model.js';

/** Column values a model is looked up by (`firstOrCreate`'s first argument). */
export type Match = Record<string, unknown>;

/**
 * Eloquent's `firstOrNew`/`firstOrCreate`/`updateOrCreate`: look up, then make, insert or update.
 * The lookup reads on the writer (a replica may not have the row a moment-old write made, and
 * inserting it twice is the mistake these methods exist to avoid); inside a transaction it is
 * the transaction's read, as routing makes every read there. Check then write, as in Eloquent:
 * not atomic against a concurrent writer, which a unique index (and `upsert`) settles.
 */
export async function firstOrNew<M extends Model>(query: ModelQuery<M>, method: string, match: Match, values: Match | undefined): Promise<{ model: M; found: boolean }> {
  checkRecord(query, method, 'the columns to look up by', match);
  if (values !== undefined) checkRecord(query, method, 'the values to set', values);
  // Either may be inserted: refused before anything is read, not after a lookup found nothing.
  assertMassAssignable(query.model(), { ...match, ...values });
  const lookup = Object.keys(match).length === 0 ? query.useWriter() : query.useWriter().where(match);
  const found = await lookup.first();
  if (found !== null) return { model: found, found: true };
  return { model: query.newModel({ ...match, ...values }), found: false };
}

/** The first model matching `match`, else one inserted with `match` and `values`. */
export async function firstOrCreate<M extends Model>(query: ModelQuery<M>, match: Match, values: Match | undefined): Promise<M> {
  const { model, found } = await firstOrNew(query, 'firstOrCreate', match, values);
  if (!found) await model.save();
  return model;
}

/** The first model matching `match` updated with `values` (only what changed is sent), else one inserted with both. */
export async function updateOrCreate<M extends Model>(query: ModelQuery<M>, match: Match, values: Match | undefined): Promise<M> {
  const { model, found } = await firstOrNew(query, 'updateOrCreate', match, values);
  if (found && values !== undefined) model.fill(values as ModelValues<M>);
  await model.save();
  return model;
}

function checkRecord(query: ModelQuery<Model>, method: string, what: string, value: unknown): void {
  const prototype = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw inputError(query.connection().name, method, `takes ${what} as an object of column values, got ${shown(value)}`);
  }
}
