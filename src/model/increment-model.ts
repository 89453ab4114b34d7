import type { Row } from '../dialect/dialect.js';
import { inputError } from '../query/builder-input.js';
import { databaseForm } from './attributes.js';
import { castAttributes, castsOf, toDatabase } from './casts.js';
import { recordChanges } from './dirty-tracking.js';
import { hooksOf, runHooks } from './hooks.js';
import type { Model } from './model.js';
import { ModelBuilder } from './model-builder.js';
import { type ModelClass, primaryKeyOf, tableOf } from './model-class.js';
import { instanceConnection } from './instance-connection.js';
import { stateOf } from './model-state.js';
import { originalKey } from './persistence.js';
import { timestampNow } from './timestamps.js';
import { writableConnection } from './write-guard.js';

/** Increment or decrement, the name a caller used (and the sign it means). */
export type IncrementMethod = 'increment' | 'decrement';

/**
 * The extra columns of an increment in database form, with `updated_at` set when the model
 * keeps timestamps and the caller did not set it (Eloquent's `addUpdatedAtColumn`).
 */
export function incrementExtra(model: ModelClass, extra: unknown): unknown {
  const prototype = typeof extra === 'object' && extra !== null ? Object.getPrototypeOf(extra) : undefined;
  // Anything but an object of column values goes to the builder as it is: it refuses it, naming the method.
  if (extra !== undefined && prototype !== Object.prototype && prototype !== null) return extra;
  const row = databaseForm((extra ?? {}) as Row, castsOf(model));
  if (model.timestamps === true && !('updated_at' in row)) return { ...row, updated_at: timestampNow() };
  return extra === undefined ? undefined : row;
}

/**
 * `order.increment('views')`: one `UPDATE ... SET col = col + ? WHERE key = ?` (no global
 * scopes, as in Eloquent: the instance names its row), then the instance takes the new value
 * without becoming dirty: the column, the extra columns and `updated_at` count as saved.
 * A number attribute is added to in place; any other (a DECIMAL the driver gives as a
 * string, a column not read) is read back from the writer, one SELECT, so no rounding
 * creeps in. A model not saved yet is refused: Eloquent would update every row of the table.
 * The `updating` hook may cancel it (0 rows, nothing sent); `wasChanged()` then names the columns.
 */
export async function incrementModel(
  model: Model,
  method: IncrementMethod,
  column: string,
  amount: number | bigint,
  extra: Record<string, unknown> | undefined,
): Promise<number> {
  const definition = model.constructor as ModelClass;
  const state = stateOf(model);
  const connection = writableConnection(definition, method, instanceConnection(model));
  if (!state.exists) {
    throw inputError(connection.name, method, `needs a model that is in the database: this [${definition.name}] was not saved yet`);
  }
  // Eloquent runs the updating/updated hooks around an instance's increment (not saving/saved).
  const hooks = hooksOf(definition, { connection: connection.name, operation: method });
  if (hooks !== undefined && !(await runHooks(hooks, 'updating', model))) return 0;
  const key = primaryKeyOf(definition);
  const values = incrementExtra(definition, extra);
  const builder = ModelBuilder.start(connection, tableOf(definition)).where(key, originalKey(model));
  const affected = await builder[method](column, amount, values as Record<string, unknown> | undefined);
  const attributes = model as unknown as Row;
  const casts = castsOf(definition);
  const current = attributes[column];
  const changed = method === 'increment' ? amount : -amount;
  if (typeof current === 'number' && typeof changed === 'number') attributes[column] = current + changed;
  else if (typeof current === 'bigint' && typeof changed === 'bigint') attributes[column] = current + changed;
  else if (current !== null && affected > 0) {
    // SQL's NULL + 1 is NULL: a null attribute stays as it is.
    const [fresh] = await builder.useWriter().pluck(column);
    attributes[column] = castAttributes({ [column]: fresh }, casts)[column];
  }
  if (values !== undefined) Object.assign(attributes, castAttributes(values as Row, casts));
  const changes: Row = {};
  for (const name of [column, ...Object.keys((values ?? {}) as Row)]) {
    const cast = casts.get(name);
    state.original[name] = cast === undefined ? attributes[name] : toDatabase(cast, attributes[name]);
    changes[name] = state.original[name];
  }
  recordChanges(model, changes);
  if (hooks !== undefined) await runHooks(hooks, 'updated', model);
  return affected;
}
