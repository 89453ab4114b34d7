import { sql } from 'kysely';
import type { Connection } from '../connection/connection.js';
import type { Dialect, Row } from '../dialect/dialect.js';
import { checkColumn, checkRecord, checkWriteValue, inputError, isExpression, shown } from './builder-input.js';
import { compiledSql } from './compiled-sql-cache.js';
import type { Compiled } from './query-state.js';
import { rowStatements, runRowStatements } from './row-statements.js';

/** What a conflicting row gets: a column named alone takes the inserted row's value; an object gives values. */
export type UpsertUpdate = string | readonly string[] | Record<string, unknown>;

/**
 * `upsert(rows, uniqueBy, update?)`: inserts the rows, and a row that conflicts with an
 * existing one on a unique key updates that one instead, in one statement per parameter
 * limit (several in one transaction, as `insert`). PostgreSQL and SQLite take the conflict
 * on `uniqueBy` (`ON CONFLICT (...) DO UPDATE`; it must be a unique index's columns, or
 * the server refuses it), MySQL/MariaDB on any unique key (`ON DUPLICATE KEY UPDATE`).
 * Without `update`, every inserted column but `uniqueBy` is updated; with none (`[]`), a
 * conflicting row is left as it is. Resolves to the affected rows as the engine counts them.
 *
 * @example
 * await db.table('flights').upsert(
 *   [{ code: 'AF1', seats: 120 }, { code: 'LH2', seats: 90 }],
 *   'code',
 *   ['seats'],
 * );
 */
export async function upsertRows(
  connection: Connection,
  table: string,
  values: unknown,
  uniqueBy: unknown,
  update: unknown,
): Promise<number> {
  const name = connection.name;
  const rows = checkRows(connection, values);
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]);
  const unique = checkNames(name, 'uniqueBy', typeof uniqueBy === 'string' ? [uniqueBy] : uniqueBy);
  if (unique.length === 0) throw inputError(name, 'upsert', 'takes at least one uniqueBy column');
  const set = updateSet(connection, columns, unique, update);
  const dialect = connection.dialect;
  const reserved = set.values.length;
  const statements = rowStatements(dialect, rows, reserved, (batch) => compileUpsert(dialect, table, batch, columns, unique, set));
  return (await runRowStatements(connection, 'insert', statements)).affectedRows;
}

/** One row or a list of them, each a set of bindable values, all with the columns of the first. */
function checkRows(connection: Connection, values: unknown): Row[] {
  const name = connection.name;
  const rows = (Array.isArray(values) ? values : [values]) as unknown[];
  const arrays = connection.dialect.arrayParameters;
  let first: Set<string> | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = checkRecord(name, 'upsert', rows[i]);
    for (const [column, value] of Object.entries(row)) {
      checkColumn(name, 'upsert', column);
      checkWriteValue(name, 'upsert', value, column, arrays);
    }
    // A column left out would be updated to its default on a conflict: every row names the same ones.
    if (first === undefined) {
      first = new Set(Object.keys(row));
      continue;
    }
    const keys = Object.keys(row);
    const extra = keys.find((key) => !first?.has(key));
    if (extra !== undefined) throw inputError(name, 'upsert', `takes rows with the same columns: rows[${i}] has ${shown(extra)}, which rows[0] does not`);
    if (keys.length !== first.size) {
      const missing = [...first].find((key) => !Object.hasOwn(row, key));
      throw inputError(name, 'upsert', `takes rows with the same columns: rows[${i}] has no ${shown(missing)}`);
    }
  }
  return rows as Row[];
}

function checkNames(connection: string, what: string, names: unknown): string[] {
  if (!Array.isArray(names)) throw inputError(connection, 'upsert', `takes ${what} as a column name or a list of them, got ${shown(names)}`);
  for (const column of names) checkColumn(connection, 'upsert', column);
  return names as string[];
}

/** The conflict's update: columns that take the inserted row's value, and columns given a value. */
interface UpdateSet {
  fromRow: readonly string[];
  given: readonly string[];
  /** The given values, in `given` order; expressions are compiled into the SQL. */
  values: readonly unknown[];
}

function updateSet(connection: Connection, columns: readonly string[], unique: readonly string[], update: unknown): UpdateSet {
  const name = connection.name;
  const fold = connection.dialect.caseInsensitiveColumns ? (column: string) => column.toLowerCase() : (column: string) => column;
  if (update === undefined || update === null) {
    const uniqueSet = new Set(unique.map(fold));
    return { fromRow: columns.filter((column) => !uniqueSet.has(fold(column))), given: [], values: [] };
  }
  if (typeof update === 'string' || Array.isArray(update)) {
    const fromRow = checkNames(name, 'the columns to update', typeof update === 'string' ? [update] : update);
    const inserted = new Set(columns.map(fold));
    const absent = fromRow.find((column) => !inserted.has(fold(column)));
    if (absent !== undefined) {
      throw inputError(name, 'upsert', `updates ${shown(absent)}, which the rows do not insert; give it a value instead: { ${absent}: value }`);
    }
    return { fromRow, given: [], values: [] };
  }
  const record = checkRecord(name, 'upsert', update);
  const given = Object.keys(record);
  const values: unknown[] = [];
  for (const column of given) {
    checkColumn(name, 'upsert', column);
    checkWriteValue(name, 'upsert', record[column], column, connection.dialect.arrayParameters);
    values.push(record[column]);
  }
  return { fromRow: [], given, values };
}

/** One statement; from the compiled-SQL cache when every value is a plain one (no expression). */
function compileUpsert(
  dialect: Dialect,
  table: string,
  batch: readonly Row[],
  columns: readonly string[],
  unique: readonly string[],
  set: UpdateSet,
): Compiled {
  const compile = (): Compiled => {
    // MySQL/MariaDB: `VALUES(c)` is the inserted row's value (MariaDB has no `AS new` row alias).
    const inserted = (column: string) =>
      dialect.upsert === 'on-conflict' ? sql.ref(`excluded.${column}`) : sql`VALUES(${sql.ref(column)})`;
    const assignments: Record<string, unknown> = {};
    for (const column of set.fromRow) assignments[column] = inserted(column);
    for (let i = 0; i < set.given.length; i++) assignments[set.given[i]] = set.values[i];
    const empty = set.fromRow.length === 0 && set.given.length === 0;
    const query = dialect.compiler.insertInto(table).values(batch as Row[]);
    if (dialect.upsert === 'on-conflict') {
      return query
        .onConflict((conflict) => {
          const target = conflict.columns(unique as string[]);
          return empty ? target.doNothing() : target.doUpdateSet(assignments);
        })
        .compile();
    }
    // Nothing to update: a no-op assignment keeps the existing row (INSERT IGNORE would also hide other errors).
    return query.onDuplicateKeyUpdate(empty ? { [unique[0]]: sql.ref(unique[0]) } : assignments).compile();
  };
  const bound: unknown[] = [];
  for (const row of batch) {
    for (const column of columns) {
      const value = row[column];
      if (isExpression(value)) return compile();
      bound.push(value);
    }
  }
  for (const value of set.values) {
    if (isExpression(value)) return compile();
    bound.push(value);
  }
  // NUL-separated, counts first (as whereShape): no two different upserts share a shape.
  const shape = `upsert\0${table}\0${batch.length}\0${columns.length}\0${columns.join('\0')}\0${unique.length}\0${unique.join('\0')}\0${set.fromRow.length}\0${set.fromRow.join('\0')}\0${set.given.length}\0${set.given.join('\0')}`;
  return compiledSql(dialect, shape, bound, compile);
}
