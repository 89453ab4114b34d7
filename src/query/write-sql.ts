import type { Connection } from '../connection/connection.js';
import { inputError, isExpression } from './builder-input.js';
import { compiledSql } from './compiled-sql-cache.js';
import { fitState } from './long-lists.js';
import type { Compiled, QueryState } from './query-state.js';
import { whereShape } from './select-shape.js';
import { whereExpression } from './select-sql.js';

/**
 * INSERT, UPDATE and DELETE of a builder's state, compiled by Kysely and cached per
 * shape as SELECTs are (see select-sql.ts). Rows and values were checked by the builder.
 */

/**
 * Refuses an UPDATE or DELETE (`method`) of a query with parts only a SELECT has: its
 * joins, groups or raw selections would be left out, and its conditions could then name
 * tables the statement does not have. Limit, offset and order are left out as before.
 */
export function checkWriteState(connection: string, method: string, state: QueryState): void {
  const part =
    state.joins.length > 0 ? 'join()' : state.groups.length > 0 ? 'groupBy()' : state.havings.length > 0 ? 'having()' : state.distinct ? 'distinct()' : undefined;
  if (part !== undefined) {
    throw inputError(connection, method, `cannot run on a query with ${part}; select the keys and ${method} whereIn(key, subquery)`);
  }
}

/**
 * INSERT of `rows` (RETURNING `returning` where given), from the cache when every row has
 * plain values under the same keys in the same order (the usual case); else compiled afresh.
 */
export function insertSql(
  connection: Connection,
  table: string,
  rows: readonly Record<string, unknown>[],
  returning: string | undefined,
): Compiled {
  const dialect = connection.dialect;
  const compile = () => {
    const query = dialect.compiler.insertInto(table).values(rows as Record<string, unknown>[]);
    return (returning === undefined ? query : query.returning(returning)).compile();
  };
  const columns = Object.keys(rows[0]);
  const bound: unknown[] = [];
  for (const row of rows) if (!sameKeys(row, columns) || !pushPlainValues(row, columns, bound)) return compile();
  const shape = `insert\0${table}\0${rows.length}\0${returning === undefined ? '' : `r${returning}`}\0${columns.length}\0${columns.join('\0')}`;
  return compiledSql(dialect, shape, bound, compile);
}

/** UPDATE of the matching rows: SET values in key order, then the WHERE values. */
export function updateSql(connection: Connection, original: QueryState, values: Record<string, unknown>): Compiled {
  const dialect = connection.dialect;
  const columns = Object.keys(values);
  const bound: unknown[] = [];
  const plain = pushPlainValues(values, columns, bound);
  const { state, cacheable } = fitState(connection, original, bound, bound.length);
  const compile = () => {
    let query = dialect.compiler.updateTable(state.table).set(values);
    if (state.wheres.length > 0) query = query.where((eb) => whereExpression(dialect, connection.name, eb, state.wheres));
    return query.compile();
  };
  if (!plain || !cacheable) return compile();
  const shape = `update\0${state.table}\0${columns.length}\0${columns.join('\0')}\0${whereShape(state.wheres)}`;
  return compiledSql(dialect, shape, bound, compile);
}

/** DELETE of the matching rows. */
export function deleteSql(connection: Connection, original: QueryState): Compiled {
  const dialect = connection.dialect;
  const bound: unknown[] = [];
  const { state, cacheable } = fitState(connection, original, bound, 0);
  const compile = () => {
    let query = dialect.compiler.deleteFrom(state.table);
    if (state.wheres.length > 0) query = query.where((eb) => whereExpression(dialect, connection.name, eb, state.wheres));
    return query.compile();
  };
  return cacheable ? compiledSql(dialect, `delete\0${state.table}\0${whereShape(state.wheres)}`, bound, compile) : compile();
}

function sameKeys(row: Record<string, unknown>, columns: readonly string[]): boolean {
  const keys = Object.keys(row);
  if (keys.length !== columns.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== columns[i]) return false;
  return true;
}

/**
 * Appends the row's values in `columns` order. False when one is not a plain value:
 * undefined (Kysely leaves the column out), a function or a Kysely expression (compiled into the SQL).
 */
function pushPlainValues(row: Record<string, unknown>, columns: readonly string[], into: unknown[]): boolean {
  for (const column of columns) {
    const value = row[column];
    if (value === undefined || typeof value === 'function' || isExpression(value)) return false;
    into.push(value);
  }
  return true;
}
