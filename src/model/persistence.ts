import type { Connection } from '../connection/connection.js';
import type { Row } from '../dialect/dialect.js';
import { ModelNotFoundError } from '../errors/model-errors.js';
import { attributesOf, databaseForm, dirtyAttributes, syncOriginal } from './attributes.js';
import { type Casts, castsOf } from './casts.js';
import { recordChanges } from './dirty-tracking.js';
import { hooksOf, type ModelHooks, runHooks } from './hooks.js';
import type { Model } from './model.js';
import { ModelBuilder } from './model-builder.js';
import { type ModelClass, primaryKeyOf, tableOf } from './model-class.js';
import { instanceConnection } from './instance-connection.js';
import { stateOf } from './model-state.js';
import { DELETED_AT, softDeleteRow } from './soft-deletes.js';
import { timestampNow } from './timestamps.js';
import { writableConnection } from './write-guard.js';

function classOf(model: Model): ModelClass {
  return model.constructor as ModelClass;
}

/**
 * INSERT for a new model (its generated key set on it), or UPDATE of the
 * changed attributes only (nothing sent when none changed). Runs in the
 * current flow's transaction on the model's connection, if there is one.
 * Hooks in Eloquent's order: saving, creating/updating, the write,
 * created/updated, saved; the original values are synced after `saved`.
 * False when a `*ing` hook cancelled (nothing written, the model as it was).
 */
export async function saveModel(model: Model): Promise<boolean> {
  const definition = classOf(model);
  const connection = writableConnection(definition, 'save', instanceConnection(model));
  const hooks = hooksOf(definition, { connection: connection.name, operation: 'save' });
  if (hooks !== undefined && !(await runHooks(hooks, 'saving', model))) return false;
  const casts = castsOf(definition);
  const write: Write = { model, definition, connection, casts, hooks };
  const written = stateOf(model).exists ? await performUpdate(write) : await performInsert(write);
  if (!written) return false;
  if (hooks !== undefined) await runHooks(hooks, 'saved', model);
  syncOriginal(model, casts);
  return true;
}

interface Write {
  model: Model;
  definition: ModelClass;
  connection: Connection;
  casts: Casts;
  hooks: readonly ModelHooks[] | undefined;
}

async function performInsert({ model, definition, connection, casts, hooks }: Write): Promise<boolean> {
  if (hooks !== undefined && !(await runHooks(hooks, 'creating', model))) return false;
  const attributes = model as unknown as Row;
  if (definition.timestamps === true) {
    const now = timestampNow();
    attributes.created_at ??= now;
    attributes.updated_at ??= now;
  }
  const values = databaseForm(attributesOf(model), casts);
  const key = primaryKeyOf(definition);
  const builder = ModelBuilder.start(connection, tableOf(definition));
  if (values[key] === undefined || values[key] === null) {
    const id = await builder.insertGetId(values, key);
    if (id !== null) attributes[key] = typeof id === 'bigint' && Number.isSafeInteger(Number(id)) ? Number(id) : id;
  } else {
    await builder.insert(values);
  }
  const state = stateOf(model);
  state.exists = true;
  // An insert is not a change (Eloquent's wasChanged() is false after create()).
  recordChanges(model, undefined);
  if (hooks !== undefined) await runHooks(hooks, 'created', model);
  return true;
}

/** A clean model sends nothing and runs no updating/updated hooks (saving/saved still run, as in Eloquent). */
async function performUpdate({ model, definition, connection, casts, hooks }: Write): Promise<boolean> {
  let dirty = dirtyAttributes(model, casts);
  if (hooks !== undefined && Object.keys(dirty).length > 0) {
    if (!(await runHooks(hooks, 'updating', model))) return false;
    dirty = dirtyAttributes(model, casts);
  }
  if (Object.keys(dirty).length === 0) {
    recordChanges(model, undefined);
    return true;
  }
  if (definition.timestamps === true && !('updated_at' in dirty)) {
    const attributes = model as unknown as Row;
    attributes.updated_at = timestampNow();
    dirty.updated_at = attributes.updated_at;
  }
  await ModelBuilder.start(connection, tableOf(definition)).where(primaryKeyOf(definition), originalKey(model)).update(dirty);
  recordChanges(model, dirty);
  if (hooks !== undefined) await runHooks(hooks, 'updated', model);
  return true;
}

/**
 * DELETE by key; the instance then counts as new (saving it inserts again). With soft deletes
 * (and not `force`), an UPDATE of `deleted_at` instead, and the model stays persisted.
 * False when there was no row to delete or a `deleting` hook cancelled.
 */
export async function deleteModel(model: Model, { force }: { force: boolean } = { force: false }): Promise<boolean> {
  const definition = classOf(model);
  const operation = force ? 'forceDelete' : 'delete';
  const connection = writableConnection(definition, operation, instanceConnection(model));
  const state = stateOf(model);
  if (!state.exists) return false;
  const hooks = hooksOf(definition, { connection: connection.name, operation });
  if (hooks !== undefined && !(await runHooks(hooks, 'deleting', model))) return false;
  const byKey = ModelBuilder.start(connection, tableOf(definition)).where(primaryKeyOf(definition), originalKey(model));
  if (definition.softDeletes === true && !force) await softDeleteRow(model, byKey);
  else {
    await byKey.delete();
    state.exists = false;
  }
  if (hooks !== undefined) await runHooks(hooks, 'deleted', model);
  return true;
}

/**
 * Soft deletes' `restore()` in Eloquent's order: `restoring` (false cancels), `deleted_at`
 * cleared and saved (the save's hooks run), then `restored` when the save went through.
 */
export async function restoreModel(model: Model): Promise<boolean> {
  const definition = classOf(model);
  const connection = writableConnection(definition, 'restore', instanceConnection(model));
  const hooks = hooksOf(definition, { connection: connection.name, operation: 'restore' });
  if (hooks !== undefined && !(await runHooks(hooks, 'restoring', model))) return false;
  (model as unknown as Row)[DELETED_AT] = null;
  const saved = await saveModel(model);
  if (saved && hooks !== undefined) await runHooks(hooks, 'restored', model);
  return saved;
}

/** Reads the model's row again, from the writer (a refresh must see the latest write). */
export async function refreshModel(model: Model): Promise<void> {
  const definition = classOf(model);
  const key = originalKey(model);
  // Without global scopes, as Eloquent: the instance names its row, whatever the scopes would leave out.
  const own = instanceConnection(model);
  const query = own === undefined ? definition.query() : definition.on(own);
  const fresh = await query.withoutGlobalScopes().useWriter().where(primaryKeyOf(definition), key).first();
  if (fresh === null) throw new ModelNotFoundError(definition.name, key, definition.connection);
  const target = model as unknown as Row;
  for (const column of Object.keys(target)) if (!(column in (fresh as unknown as Row))) delete target[column];
  Object.assign(target, fresh);
  stateOf(model).original = { ...stateOf(fresh).original };
}

/** The key the row has in the database (the attribute may have been changed since). */
export function originalKey(model: Model): unknown {
  const key = primaryKeyOf(classOf(model));
  const original = stateOf(model).original[key];
  return original !== undefined ? original : (model as unknown as Row)[key];
}
