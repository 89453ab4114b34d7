import type { Connection } from '../connection/connection.js';
import type { Dialect, Row, WriteResult } from '../dialect/dialect.js';
import type { Compiled } from './query-state.js';

/**
 * The statements that write `rows` (a multi-row INSERT, an upsert): one while the rows'
 * values fit the engine's parameter limit (`dialect.maxParameters`, less `reserved`
 * parameters the statement binds besides them), else as few as fit, in row order. A row
 * without some column gets that column's default, as when inserted alone: `DEFAULT` in
 * the VALUES list, or, where the engine has no such keyword (SQLite), a statement of its
 * own for each run of rows with the same columns. `compile` writes one statement; one
 * that binds more than the limit after all (an expression value binding several) is
 * halved until it fits, or left to the binding check's QueryError when one row is too many.
 *
 * @example
 * // 10,000 rows of 5 columns on SQLite (32,766 parameters at most): 2 statements, 6,553 rows and 3,447
 * rowStatements(dialect, rows, 0, (batch) => insertSql(connection, 'orders', batch, undefined));
 */
export function rowStatements(
  dialect: Dialect,
  rows: readonly Row[],
  reserved: number,
  compile: (batch: readonly Row[]) => Compiled,
): Compiled[] {
  if (rows.length === 1) return [compile(rows)];
  const limit = dialect.maxParameters - reserved;
  const statements: Compiled[] = [];
  const runs = dialect.valuesDefault ? [rows] : sameColumnRuns(rows);
  for (const run of runs) {
    let start = 0;
    let count = 0;
    for (let i = 0; i < run.length; i++) {
      const values = Object.keys(run[i]).length;
      if (i > start && count + values > limit) {
        compileFitting(dialect, run.slice(start, i), compile, statements);
        start = i;
        count = 0;
      }
      count += values;
    }
    compileFitting(dialect, start === 0 ? run : run.slice(start), compile, statements);
  }
  return statements;
}

function compileFitting(dialect: Dialect, batch: readonly Row[], compile: (batch: readonly Row[]) => Compiled, into: Compiled[]): void {
  const compiled = compile(batch);
  if (compiled.parameters.length <= dialect.maxParameters || batch.length === 1) {
    into.push(compiled);
    return;
  }
  const half = Math.ceil(batch.length / 2);
  compileFitting(dialect, batch.slice(0, half), compile, into);
  compileFitting(dialect, batch.slice(half), compile, into);
}

/** Consecutive rows with the same set of columns (in any order), in row order. */
function sameColumnRuns(rows: readonly Row[]): (readonly Row[])[] {
  if (rows.length === 1) return [rows];
  const runs: Row[][] = [];
  let previous: string | undefined;
  for (const row of rows) {
    const columns = Object.keys(row).sort().join('\0');
    if (columns === previous) runs[runs.length - 1].push(row);
    else runs.push([row]);
    previous = columns;
  }
  return runs;
}

/**
 * Runs the statements of one write and adds up what they report. Several run in one
 * transaction (a savepoint inside the caller's), so the write is all or nothing either
 * way. `insertId` means what it means for one statement of the engine whatever the
 * split: the first generated key (MySQL/MariaDB) or the last row's rowid (SQLite).
 */
export function runRowStatements(connection: Connection, kind: 'insert', statements: readonly Compiled[]): Promise<WriteResult> {
  const [first] = statements;
  // One statement: its own promise only (the usual insert). A read-only connection refuses the first: no BEGIN for nothing.
  if (statements.length === 1 || connection.readOnly) {
    return connection.run({ kind, sql: first.sql, bindings: first.parameters, native: true }) as Promise<WriteResult>;
  }
  return connection.transaction(async () => {
    const total: WriteResult = { affectedRows: 0, insertId: null };
    for (const statement of statements) {
      const result = (await connection.run({ kind, sql: statement.sql, bindings: statement.parameters, native: true })) as WriteResult;
      total.affectedRows += result.affectedRows;
      if (result.insertId !== null && (total.insertId === null || connection.dialect.insertIdRow === 'last')) total.insertId = result.insertId;
    }
    return total;
  });
}
