import { Connection } from '../connection/connection.js';
import { ReadOnlyError } from '../errors/read-only-error.js';
import { type ModelClass, writeConnectionOf } from './model-class.js';

/**
 * The connection for a model's write (`connection`, the name `Model.on()` gave, else the
 * model's own), after refusing it when the model or that connection is read-only: the
 * refusal happens before any SQL is built or sent.
 */
export function writableConnection(model: ModelClass, operation: string, connectionName?: string): Connection {
  const connection = connectionName === undefined ? writeConnectionOf(model) : Connection.getInstance(connectionName);
  if (model.readOnly === true) throw ReadOnlyError.forModel(model.name, connection.name, operation);
  if (connection.readOnly) throw ReadOnlyError.forConnection(connection.name, operation);
  return connection;
}
