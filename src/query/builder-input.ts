import { bindingProblem } from '../connection/binding-check.js';
import { QueryError } from '../errors/query-error.js';

/**
 * Checks of what a caller hands the query builder, before anything is compiled or sent:
 * each failure is a QueryError that names the connection and the method. Every builder
 * method (and the model query over it) checks its own arguments with these.
 */

/** Input the builder cannot turn into SQL. Nothing was sent, so `sql` is empty. */
export function inputError(connection: string, method: string, problem: string): QueryError {
  return new QueryError(`Connection [${connection}]: ${method}() ${problem}.`, '', [], { connection });
}

/** A short, printable form of what the caller passed (names can be long or hold control characters). */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value);
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The usual names (`id`, `orders.user_id`, `app.orders.id`): valid at the cost of one regex test, no allocation. */
const PLAIN_COLUMN = /^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$/;
const PLAIN_TABLE = /^[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** What is wrong with a dotted name of at most `parts` parts, or undefined. */
function nameProblem(name: string, parts: number): string | undefined {
  if (name.trim() === '') return 'it is empty';
  if (name.includes('\0')) return 'it holds a NUL character, which no engine allows in a name';
  const pieces = name.split('.');
  if (pieces.length > parts) return `a name has at most ${parts} dot-separated parts`;
  if (pieces.some((piece) => piece.trim() === '')) return 'it has an empty part between dots';
  return undefined;
}

/** A column: `name`, `table.name` or `schema.table.name`. */
export function checkColumn(connection: string, method: string, column: unknown): string {
  if (typeof column !== 'string') throw inputError(connection, method, `takes a column name, got ${shown(column)}`);
  if (PLAIN_COLUMN.test(column)) return column;
  const problem = nameProblem(column, 3);
  if (problem !== undefined) throw inputError(connection, method, `cannot use ${shown(column)} as a column name: ${problem}`);
  return column;
}

/** A selected column, optionally renamed: `'name'`, `'orders.id'`, `'total as amount'`, `'*'`, `'orders.*'`. */
export function checkSelection(connection: string, method: string, selection: unknown): string {
  if (typeof selection !== 'string') throw inputError(connection, method, `takes column names, got ${shown(selection)}`);
  if (PLAIN_COLUMN.test(selection)) return selection;
  const pieces = selection.split(' as ');
  if (pieces.length > 2) throw inputError(connection, method, `cannot use ${shown(selection)}: one " as " renames a column`);
  if (pieces.length === 2 && (pieces[1].trim() === '' || pieces[1].includes('\0'))) {
    throw inputError(connection, method, `cannot use ${shown(selection)}: the name after " as " is empty or holds a NUL`);
  }
  checkColumn(connection, method, pieces[0]);
  return selection;
}

/** A table: `name` or `schema.name`, optionally `name as alias`. */
export function checkTable(connection: string, method: string, table: unknown): string {
  if (typeof table !== 'string') throw inputError(connection, method, `takes a table name, got ${shown(table)}`);
  if (PLAIN_TABLE.test(table)) return table;
  const pieces = table.split(' as ');
  const problem =
    pieces.length > 2 ? 'one " as " names an alias' : nameProblem(pieces[0], 2) ?? (pieces.length === 2 ? nameProblem(pieces[1], 1) : undefined);
  if (problem !== undefined) throw inputError(connection, method, `cannot use ${shown(table)} as a table name: ${problem}`);
  return table;
}

/** The values every condition takes without a further look: a string, null, a finite number. */
export function isPlainValue(value: unknown): boolean {
  return typeof value === 'string' || value === null || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * A value compared in a condition: one bindable value (see bindingProblem), never a
 * list, an object or a function. `what` says which (`the value for "status"`); callers on
 * the hot path test `isPlainValue` first, so that label is only written for the others.
 */
export function checkValue(connection: string, method: string, value: unknown, what: string): void {
  if (isPlainValue(value)) return;
  const problem = bindingProblem(value, false);
  if (problem === undefined) return;
  const hint = Array.isArray(value) ? 'an array (for a list of values use whereIn())' : problem;
  throw inputError(connection, method, `cannot bind ${what}: it is ${hint}`);
}

/**
 * A value written by insert/update: a bindable value (arrays where the engine binds
 * them: PostgreSQL array columns), or a Kysely expression, which is compiled into the
 * SQL (`sql\`now()\``): code writes those, never a request body.
 */
export function checkWriteValue(connection: string, method: string, value: unknown, column: string, arrays: boolean): void {
  if (typeof value === 'string' || value === null || (typeof value === 'number' && Number.isFinite(value))) return;
  if (isExpression(value)) return;
  const problem = bindingProblem(value, arrays);
  if (problem !== undefined) throw inputError(connection, method, `cannot bind the value for ${shown(column)}: it is ${problem}`);
}

/** A Kysely expression (`sql\`...\``, an expression builder's result). */
export function isExpression(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { toOperationNode?: unknown }).toOperationNode === 'function';
}

/** A row or a set of values: a plain object with at least one key. */
export function checkRecord(connection: string, method: string, record: unknown): Record<string, unknown> {
  const prototype = typeof record === 'object' && record !== null ? Object.getPrototypeOf(record) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw inputError(connection, method, `takes an object of column values, got ${shown(record)}`);
  }
  const values = record as Record<string, unknown>;
  if (Object.keys(values).length === 0) throw inputError(connection, method, 'needs at least one column value');
  return values;
}

/** A whole number of rows for limit/offset (written into the SQL as a literal). */
export function checkCount(connection: string, method: string, count: unknown): number {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw inputError(connection, method, `takes a whole number of rows (0 or more), got ${shown(count)}`);
  }
  return count;
}

/** A whole number of 1 or more: rows per chunk, page or batch, a page number. `what` names it in the message. */
export function checkPositive(connection: string, method: string, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw inputError(connection, method, `takes ${what} as a whole number (1 or more), got ${shown(value)}`);
  }
  return value;
}
