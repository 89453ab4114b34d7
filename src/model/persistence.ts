import type { Row } from '../dialect/dialect.js';
import { ModelNotFoundError } from '../errors/model-errors.js';
import { attributesOf, databaseForm, dirtyAttributes, syncOriginal } from './attributes.js';
import { castsOf } from './casts.js';
import type { Model } from './model.js';
import { ModelBuilder } from './model-builder.js';
import { type ModelClass, primaryKeyOf, tableOf } from './model-class.js';
import { stateOf } from './model-state.js';
import { timestampNow } from './timestamps.js';
import { writableConnection } from './write-guard.js';

function classOf(model: Model): ModelClass {
  return model.constructor as ModelClass;
}

/**
 * INSERT for a new model (its generated key set on it), or UPDATE of the
 * changed attributes only (nothing sent when none changed). Runs in the
 * current flow's transaction on the model's connection, if there is one.
 */
export async function saveModel(model: Model): Promise<void> {
  const definition = classOf(model);
  const connection = writableConnection(definition, 'save');
  const casts = castsOf(definition);
  const state = stateOf(model);
  const builder = ModelBuilder.start(connection, tableOf(definition));
  const attributes = model as unknown as Row;
  if (!state.exists) {
    if (definition.timestamps === true) {
      const now = timestampNow();
      attributes.created_at ??= now;
      attributes.updated_at ??= now;
    }
    const values = databaseForm(attributesOf(model), casts);
    const key = primaryKeyOf(definition);
    if (values[key] === undefined || values[key] === null) {
      const id = await builder.insertGetId(values, key);
      if (id !== null) attributes[key] = typeof id === 'bigint' && Number.isSafeInteger(Number(id)) ? Number(id) : id;
    } else {
      await builder.insert(values);
    }
    state.exists = true;
  } else {
    const dirty = dirtyAttributes(model, casts);
    if (Object.keys(dirty).length === 0) return;
    if (definition.timestamps === true && !('updated_at' in dirty)) {
      attributes.updated_at = timestampNow();
      dirty.updated_at = attributes.updated_at;
    }
    await builder.where(primaryKeyOf(definition), originalKey(model)).update(dirty);
  }
  syncOriginal(model, casts);
}

/** DELETE by key; the instance then counts as new (saving it inserts again). */
export async function deleteModel(model: Model): Promise<void> {
  const definition = classOf(model);
  const connection = writableConnection(definition, 'delete');
  const state = stateOf(model);
  if (!state.exists) return;
  await ModelBuilder.start(connection, tableOf(definition)).where(primaryKeyOf(definition), originalKey(model)).delete();
  state.exists = false;
}

/** Reads the model's row again, from the writer (a refresh must see the latest write). */
export async function refreshModel(model: Model): Promise<void> {
  const definition = classOf(model);
  const key = originalKey(model);
  const fresh = await definition.query().useWriter().where(primaryKeyOf(definition), key).first();
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
