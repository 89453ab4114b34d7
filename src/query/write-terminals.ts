import type { Connection } from '../connection/connection.js';
import type { InsertResult } from '../connection/statement-kind.js';
import type { WriteResult } from '../dialect/dialect.js';
import { checkColumn, checkRecord, checkWriteValue } from './builder-input.js';
import type { Compiled, QueryState } from './query-state.js';
import { rowStatements, runRowStatements } from './row-statements.js';
import { checkWriteState, deleteSql, insertSql, updateSql } from './write-sql.js';

/**
 * The query builder's plain write terminals (`insert`, `insertGetId`, `update`, `delete`): the
 * values checked, the SQL taken from the write cache (write-sql.ts), the statement run on the
 * builder's connection. Async, so that a refused value is a rejection, never a throw.
 */

/** One row or many: one statement, or several in one transaction past the engine's parameter limit. */
export async function insertRows(
  connection: Connection,
  table: string,
  values: Record<string, unknown> | readonly Record<string, unknown>[],
): Promise<InsertResult> {
  const rows = Array.isArray(values) ? values : [values];
  if (rows.length === 0) return { affectedRows: 0, insertId: null };
  for (const row of rows) checkWriteRecord(connection, 'insert', row);
  const statements = rowStatements(connection.dialect, rows, 0, (batch) => insertSql(connection, table, batch, undefined));
  return runRowStatements(connection, 'insert', statements);
}

/** One row, and its generated key (`RETURNING keyColumn` where the engine reports keys that way). */
export async function insertRowGetId(
  connection: Connection,
  table: string,
  values: Record<string, unknown>,
  keyColumn: string,
): Promise<number | string | bigint | null> {
  checkWriteRecord(connection, 'insertGetId', values);
  checkColumn(connection.name, 'insertGetId', keyColumn);
  const returning = connection.dialect.insertReturning ? keyColumn : undefined;
  return (await runWrite(connection, 'insert', insertSql(connection, table, [values], returning))).insertId;
}

/** The rows `state` matches, set to `values`: the affected rows. */
export async function updateRows(connection: Connection, state: QueryState, values: Record<string, unknown>): Promise<number> {
  checkWriteState(connection.name, 'update', state);
  checkWriteRecord(connection, 'update', values);
  return (await runWrite(connection, 'update', updateSql(connection, state, values))).affectedRows;
}

/** The rows `state` matches, deleted: the affected rows. */
export async function deleteRows(connection: Connection, state: QueryState): Promise<number> {
  checkWriteState(connection.name, 'delete', state);
  return (await runWrite(connection, 'delete', deleteSql(connection, state))).affectedRows;
}

/** Column names and values of an insert/update row, checked. */
function checkWriteRecord(connection: Connection, method: string, values: unknown): void {
  const name = connection.name;
  const record = checkRecord(name, method, values);
  const arrays = connection.dialect.arrayParameters;
  for (const [column, value] of Object.entries(record)) {
    checkColumn(name, method, column);
    checkWriteValue(name, method, value, column, arrays);
  }
}

function runWrite(connection: Connection, kind: 'insert' | 'update' | 'delete', compiled: Compiled): Promise<WriteResult> {
  return connection.run({ kind, sql: compiled.sql, bindings: compiled.parameters, native: true }) as Promise<WriteResult>;
}
