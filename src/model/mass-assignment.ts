import { MassAssignmentError } from '../errors/model-errors.js';
import type { ModelClass } from './model-class.js';

/**
 * Throws `MassAssignmentError` for the first key the model does not accept:
 * with `static fillable`, any key not in it; otherwise any key in `static guarded`.
 * Called before anything is assigned or written.
 */
export function assertMassAssignable(model: ModelClass, attributes: Record<string, unknown>): void {
  const { fillable, guarded } = model;
  for (const key of Object.keys(attributes)) {
    const refused = fillable !== undefined ? !fillable.includes(key) : guarded?.includes(key) === true;
    if (refused) throw new MassAssignmentError(model.name, key, model.connection);
  }
}
