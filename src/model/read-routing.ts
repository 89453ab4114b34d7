import { Connection } from '../connection/connection.js';
import { type ModelClass, writeConnectionOf } from './model-class.js';

/**
 * The connection a model's read goes to. The one routing rule for models:
 * with `static readConnection`, reads go there unless the query asked for the
 * writer (`useWriter()`, a locking read) or this flow has a transaction open on
 * the model's write connection, whose reads must see its own writes.
 * Writes always go to `static connection` (see `writeConnectionOf`).
 */
export function readConnectionFor(model: ModelClass, needsWriter: boolean): Connection {
  const writer = writeConnectionOf(model);
  const readName = model.readConnection;
  if (readName === undefined || readName === writer.name || needsWriter || writer.inTransaction()) return writer;
  return Connection.getInstance(readName);
}
