import { MassAssignmentError } from '../errors/model-errors.js';
import { type ModelClass, writeConnectionOf } from './model-class.js';

/**
 * Throws `MassAssignmentError` for the first key the model does not accept:
 * with `static fillable`, any key not in it; otherwise any key in `static guarded`.
 * Keys are compared the way the engine compares column names: `Is_Admin` is
 * `is_admin` on MySQL/MariaDB and SQLite, so it is guarded there too.
 * Called before anything is assigned or written.
 */
export function assertMassAssignable(model: ModelClass, attributes: Record<string, unknown>): void {
  const { fillable, guarded } = model;
  for (const key of Object.keys(attributes)) {
    assertColumnName(model, key);
    const refused = fillable !== undefined ? !listed(model, fillable, key, 'allow') : listed(model, guarded ?? [], key, 'refuse');
    if (refused) throw new MassAssignmentError(model.name, key, model.connection);
  }
}

/**
 * Refuses keys that cannot be columns because the instance already has them: `constructor`
 * (it decides the table an INSERT targets), `__proto__`, and every method, getter or relation
 * of the model. Assigning one would replace the model's own behaviour, never set a column.
 */
export function assertColumnName(model: ModelClass, key: string): void {
  if (key === '__proto__' || key === 'prototype' || key in model.prototype) {
    throw new MassAssignmentError(model.name, key, model.connection, 'it is not a column but a member of the model');
  }
}

/**
 * Whether `key` is in `list`. An exact match always counts; a match in another case only on an
 * engine whose column names ignore case. When the engine cannot be told (no such connection
 * configured yet), the safer answer: a guarded key matches, a fillable one does not.
 */
function listed(model: ModelClass, list: readonly string[], key: string, purpose: 'allow' | 'refuse'): boolean {
  if (list.includes(key)) return true;
  const lower = key.toLowerCase();
  if (!list.some((entry) => entry.toLowerCase() === lower)) return false;
  let caseInsensitive: boolean | undefined;
  try {
    caseInsensitive = writeConnectionOf(model).dialect.caseInsensitiveColumns;
  } catch {
    caseInsensitive = undefined;
  }
  return caseInsensitive ?? purpose === 'refuse';
}
