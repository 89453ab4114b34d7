import type { Row } from '../dialect/dialect.js';
import { inputError } from '../query/builder-input.js';
import { castsOf, toDatabase } from './casts.js';
import type { NamedScope } from './global-scopes.js';
import type { Model } from './model.js';
import type { ModelBuilder } from './model-builder.js';
import { type ModelClass, tableOf } from './model-class.js';
import type { ModelQueryBase } from './model-query-base.js';
import { stateOf } from './model-state.js';
import { timestampNow } from './timestamps.js';

/**
 * Soft deletes (`static softDeletes = true`), Eloquent's `SoftDeletes`: a `deleted_at` column
 * marks a row deleted, and a global scope named `softDeletes` leaves such rows out of every
 * query of the model, its relations included. This module holds the scope and the writes.
 */

/** The column, as Eloquent names it (the migration helper `t.softDeletes()` makes it). */
export const DELETED_AT = 'deleted_at';

/** The name of the soft-delete global scope (`withoutGlobalScope('softDeletes')` is `withTrashed()`). */
export const SOFT_DELETES = 'softDeletes';

const NONE: readonly NamedScope[] = [];
const scopes = new WeakMap<ModelClass, readonly NamedScope[]>();

/** The soft-delete scope of `model` (`deleted_at IS NULL`), or none for a model without soft deletes. */
export function softDeleteScopes(model: ModelClass): readonly NamedScope[] {
  if (model.softDeletes !== true) return NONE;
  let own = scopes.get(model);
  if (own === undefined) {
    const column = deletedAtOf(model);
    own = [{ name: SOFT_DELETES, scope: (q) => q.whereNull(column) }];
    scopes.set(model, own);
  }
  return own;
}

/** The scope `onlyTrashed()` adds in place of the soft-delete one. */
export function onlyTrashedScope(model: ModelClass): NamedScope {
  const column = deletedAtOf(model);
  return { name: 'onlyTrashed', scope: (q) => q.whereNotNull(column) };
}

/**
 * `deleted_at` qualified by the model's table (or its alias), as Eloquent's `qualifyColumn`:
 * a query that joins another table with a `deleted_at` of its own stays unambiguous.
 */
export function deletedAtOf(model: ModelClass): string {
  const table = tableOf(model);
  const alias = /\s+as\s+(\S+)$/i.exec(table);
  return `${alias === null ? table : alias[1]}.${DELETED_AT}`;
}

/** Refuses a soft-delete method on a model without soft deletes (Eloquent has no such method there). */
export function assertSoftDeletes(query: ModelQueryBase<Model>, method: string): void {
  const model = query.model();
  if (model.softDeletes !== true) {
    throw inputError(query.connection().name, method, `needs a model with soft deletes: [${model.name}] does not declare static softDeletes = true`);
  }
}

/** The columns a soft delete (`now`) or a restore (`null`) sets: `deleted_at`, and `updated_at` with timestamps. */
export function softDeleteColumns(model: ModelClass, deletedAt: Date | null): Row {
  const columns: Row = { [DELETED_AT]: deletedAt };
  if (model.timestamps === true) columns.updated_at = deletedAt ?? timestampNow();
  return columns;
}

/**
 * An instance's soft delete: `UPDATE ... SET deleted_at = now (, updated_at = now) WHERE key = ?`
 * through `byKey`, then the instance holds the same values, clean. It stays persisted (the row
 * is still there), as in Eloquent.
 */
export async function softDeleteRow(model: Model, byKey: ModelBuilder): Promise<void> {
  const definition = model.constructor as ModelClass;
  const columns = softDeleteColumns(definition, timestampNow());
  await byKey.update(columns);
  const casts = castsOf(definition);
  const state = stateOf(model);
  for (const [column, value] of Object.entries(columns)) {
    (model as unknown as Row)[column] = value;
    const cast = casts.get(column);
    state.original[column] = cast === undefined ? value : toDatabase(cast, value);
  }
}

/** Whether an instance is soft-deleted (its `deleted_at` is set). */
export function isTrashed(model: Model): boolean {
  const value = (model as unknown as Row)[DELETED_AT];
  return value !== null && value !== undefined;
}
