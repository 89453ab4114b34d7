import type { Connection } from '../connection/connection.js';
import type { WriteResult } from '../dialect/dialect.js';
import { checkColumn, checkWriteValue, inputError, isExpression, shown } from './builder-input.js';
import { compiledSql } from './compiled-sql-cache.js';
import { fitState } from './long-lists.js';
import type { Compiled, QueryState } from './query-state.js';
import { whereShape } from './select-shape.js';
import { whereExpression } from './select-sql.js';
import { checkWriteState } from './write-sql.js';

/**
 * `increment`/`decrement`: `UPDATE t SET col = col + ? [, extra = ?...] WHERE ...` under the
 * query's conditions, in one statement (so concurrent callers never lose an update, as a
 * read-then-write would). Resolves to the affected rows.
 *
 * @example
 * await db.table('products').where('id', 5).decrement('stock', 2, { updated_at: new Date() });
 */
export async function incrementColumn(
  connection: Connection,
  state: QueryState,
  method: 'increment' | 'decrement',
  column: string,
  amount: unknown,
  extra: unknown,
): Promise<number> {
  const name = connection.name;
  checkWriteState(name, method, state);
  checkColumn(name, method, column);
  // Laravel refuses a non-numeric amount too; a string from a request body is not silently summed.
  if (!(typeof amount === 'number' && Number.isFinite(amount)) && typeof amount !== 'bigint') {
    throw inputError(name, method, `takes a finite number to ${method === 'increment' ? 'add to' : 'subtract from'} ${shown(column)}, got ${shown(amount)}`);
  }
  const extras = checkExtra(connection, method, column, extra);
  const compiled = compileIncrement(connection, state, column, method === 'increment' ? '+' : '-', amount, extras);
  return ((await connection.run({ kind: 'update', sql: compiled.sql, bindings: compiled.parameters, native: true })) as WriteResult).affectedRows;
}

/** The extra columns to set: a plain object (may be empty), never the incremented column again. */
function checkExtra(connection: Connection, method: string, column: string, extra: unknown): Record<string, unknown> {
  const name = connection.name;
  if (extra === undefined) return {};
  const prototype = typeof extra === 'object' && extra !== null ? Object.getPrototypeOf(extra) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw inputError(name, method, `takes the extra columns to set as an object of column values, got ${shown(extra)}`);
  }
  const record = extra as Record<string, unknown>;
  const same = connection.dialect.caseInsensitiveColumns ? column.toLowerCase() : column;
  for (const [key, value] of Object.entries(record)) {
    checkColumn(name, method, key);
    // Two assignments to one column: PostgreSQL refuses them, MySQL applies the last.
    if ((connection.dialect.caseInsensitiveColumns ? key.toLowerCase() : key) === same) {
      throw inputError(name, method, `cannot also set ${shown(key)} in the extra columns: it is the column it changes`);
    }
    checkWriteValue(name, method, value, key, connection.dialect.arrayParameters);
  }
  return record;
}

/** From the compiled-SQL cache unless an extra value is an expression (its SQL is part of the statement). */
function compileIncrement(
  connection: Connection,
  state: QueryState,
  column: string,
  operator: '+' | '-',
  amount: number | bigint,
  extra: Record<string, unknown>,
): Compiled {
  const dialect = connection.dialect;
  const columns = Object.keys(extra);
  const bound: unknown[] = [amount];
  let plain = true;
  for (const key of columns) {
    const value = extra[key];
    if (isExpression(value)) plain = false;
    else bound.push(value);
  }
  // Conditions bound after the SET values; long IN lists take the engine's long form (fitState).
  const fitted = fitState(connection, state, bound, bound.length);
  const wheres = fitted.state.wheres;
  const compile = (): Compiled => {
    let query = dialect.compiler
      .updateTable(state.table)
      .set((eb) => ({ [column]: eb(eb.ref(column), operator, amount), ...extra }));
    if (wheres.length > 0) query = query.where((eb) => whereExpression(dialect, connection.name, eb, wheres));
    return query.compile();
  };
  if (!plain || !fitted.cacheable) return compile();
  const shape = `increment\0${state.table}\0${column}\0${operator}\0${columns.length}\0${columns.join('\0')}\0${whereShape(wheres)}`;
  return compiledSql(dialect, shape, bound, compile);
}
