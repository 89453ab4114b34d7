import type { Connection } from '../connection/connection.js';
import type { RowSource } from '../connection/pooled-row-stream.js';
import type { QueryState } from './query-state.js';
import { selectSql } from './select-sql.js';

/**
 * The SELECT of `state` streamed through the driver (`cursor`, `lazy`): batches of `batchSize`
 * rows, on the session `Connection.stream` routes it to (a transaction's, else a pooled one,
 * the writer for a locking read or `useWriter()`).
 */
export function selectStream(connection: Connection, state: QueryState, method: string, batchSize: number): RowSource {
  const { sql, parameters } = selectSql(connection, state);
  const needsWriter = state.useWriter || state.lock !== undefined;
  return connection.stream(sql, parameters, { method, batchSize, native: true, needsWriter });
}
