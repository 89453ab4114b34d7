import { DatabaseError } from './database-error.js';

/** `create()`/`fill()` with a key the model does not allow. Nothing was written. */
export class MassAssignmentError extends DatabaseError {
  readonly model: string;
  readonly key: string;

  constructor(model: string, key: string, connection?: string, reason?: string) {
    super(`Key [${key}] is not mass assignable on model [${model}]${reason === undefined ? '' : `: ${reason}`}.`, { connection });
    this.model = model;
    this.key = key;
  }
}

/** `findOrFail()` found no row. */
export class ModelNotFoundError extends DatabaseError {
  readonly model: string;
  readonly key: unknown;

  constructor(model: string, key: unknown, connection?: string) {
    super(`No query results for model [${model}] with key [${String(key)}].`, { connection });
    this.model = model;
    this.key = key;
  }
}
