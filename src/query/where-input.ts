import { checkColumn, checkValue, inputError, isPlainValue, shown } from './builder-input.js';
import { type Conjunction, checkOperator, checkOperatorValue, type WhereClause } from './where-clause.js';

/**
 * The conditions the where-family methods record, from their arguments, each form
 * checked before it is recorded (see builder-input.ts): a QueryError names the
 * connection and the method, and nothing is sent.
 */

/**
 * `(column, value)`, `(column, operator, value)` or `({ column: value, ... })` as a
 * condition; a callback's group is the builder's to make (`nested`), since it needs a builder.
 */
export function whereOf(
  connection: string,
  method: string,
  boolean: Conjunction,
  column: unknown,
  rest: readonly unknown[],
): WhereClause | undefined {
  if (typeof column === 'object' && column !== null && !Array.isArray(column)) {
    const prototype = Object.getPrototypeOf(column);
    if (prototype !== Object.prototype && prototype !== null) throw inputError(connection, method, `takes an object of column values, got ${shown(column)}`);
    if (rest.length > 0) throw inputError(connection, method, 'takes an object of conditions alone');
    const wheres: WhereClause[] = [];
    for (const [key, value] of Object.entries(column)) {
      checkColumn(connection, method, key);
      if (!isPlainValue(value)) checkValue(connection, method, value, `the value for ${shown(key)}`);
      wheres.push({ type: 'basic', boolean: 'and', column: key, operator: '=', value });
    }
    return wheres.length === 0 ? undefined : { type: 'nested', boolean, wheres };
  }
  if (typeof column !== 'string') {
    throw inputError(connection, method, `takes a column name, an object of conditions or a callback, got ${shown(column)}`);
  }
  checkColumn(connection, method, column);
  if (rest.length === 0 || rest.length > 2) {
    throw inputError(connection, method, `takes (column, value) or (column, operator, value), got ${rest.length + 1} arguments`);
  }
  const operator = rest.length === 1 ? '=' : checkOperator(connection, method, rest[0]);
  const value = rest[rest.length - 1];
  if (!isPlainValue(value)) checkValue(connection, method, value, `the value for ${shown(column)}`);
  checkOperatorValue(connection, method, column, operator, value);
  return { type: 'basic', boolean, column, operator, value };
}

/** `column IN (values)` / `NOT IN`. */
export function inOf(connection: string, method: string, boolean: Conjunction, column: unknown, values: unknown, not: boolean): WhereClause {
  checkColumn(connection, method, column);
  if (!Array.isArray(values)) throw inputError(connection, method, `takes an array of values, got ${shown(values)}`);
  const list = [...values];
  for (let i = 0; i < list.length; i++) if (!isPlainValue(list[i])) checkValue(connection, method, list[i], `values[${i}]`);
  return { type: 'in', boolean, column: column as string, values: list, not };
}

/** `column IS NULL` / `IS NOT NULL`. */
export function nullOf(connection: string, method: string, boolean: Conjunction, column: unknown, not: boolean): WhereClause {
  checkColumn(connection, method, column);
  return { type: 'null', boolean, column: column as string, not };
}

/** `column BETWEEN low AND high` / `NOT BETWEEN`, from `[low, high]`. */
export function betweenOf(connection: string, method: string, boolean: Conjunction, column: unknown, range: unknown, not: boolean): WhereClause {
  checkColumn(connection, method, column);
  if (!Array.isArray(range) || range.length !== 2) throw inputError(connection, method, `takes the range as [low, high], got ${shown(range)}`);
  const [low, high] = range;
  checkValue(connection, method, low, 'the low end of the range');
  checkValue(connection, method, high, 'the high end of the range');
  if (low === null || high === null) {
    throw inputError(connection, method, `cannot take null as an end of the range for ${shown(column)}: BETWEEN null matches no row`);
  }
  return { type: 'between', boolean, column: column as string, low, high, not };
}
