import type { Connection } from '../connection/connection.js';
import { ReadOnlyError } from '../errors/read-only-error.js';
import { type ModelClass, writeConnectionOf } from './model-class.js';

/**
 * The connection for a model's write, after refusing it when the model or its
 * connection is read-only: the refusal happens before any SQL is built or sent.
 */
export function writableConnection(model: ModelClass, operation: string): Connection {
  const connection = writeConnectionOf(model);
  if (model.readOnly === true) throw ReadOnlyError.forModel(model.name, connection.name, operation);
  if (connection.readOnly) throw ReadOnlyError.forConnection(connection.name, operation);
  return connection;
}
