import type { Dialect } from '../dialect/dialect.js';
import { QueryError } from '../errors/query-error.js';

/**
 * What `value` is when it cannot be bound as one parameter, or undefined when it can:
 * null, a string, a finite number, a bigint, a boolean, a valid Date, a Buffer or
 * Uint8Array, and (where `arrays`, PostgreSQL) an array of those. Anything else no
 * driver sends faithfully: mysql2 throws on undefined and writes a symbol as
 * `Symbol(x)`, postgres.js writes a function's source and `[object Object]` and
 * leaves a session hung on undefined, better-sqlite3 writes NaN as NULL.
 *
 * @example
 * bindingProblem(undefined, false); // 'undefined (use null for SQL NULL)'
 */
export function bindingProblem(value: unknown, arrays: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'bigint':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${value} (not a finite number)`;
    case 'undefined':
      return 'undefined (use null for SQL NULL)';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (value === null || value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : undefined;
  if (Array.isArray(value)) {
    if (!arrays) return 'an array (one value per placeholder)';
    for (const element of value) {
      const problem = bindingProblem(element, true);
      if (problem !== undefined) return `an array holding ${problem}`;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return 'an object (pass JSON.stringify(value) for a JSON column)';
  return `an instance of ${(value as object).constructor?.name || 'an unnamed class'}`;
}

/**
 * Refuses, with a QueryError carrying `sql` and `bindings` and nothing sent, bindings that
 * no driver can send (see bindingProblem) or more of them than one statement of the engine
 * takes. One tight loop: strings, finite numbers and nulls cost a `typeof` each.
 */
export function checkBindings(connection: string, dialect: Dialect, method: string, sql: string, bindings: readonly unknown[]): void {
  const count = bindings.length;
  if (count > dialect.maxParameters) {
    throw new QueryError(
      `Connection [${connection}]: ${method}() has ${count} bindings, more than the ${dialect.maxParameters} one statement takes on this engine; nothing was sent.`,
      sql,
      bindings,
      { connection },
    );
  }
  for (let i = 0; i < count; i++) {
    const value = bindings[i];
    if (typeof value === 'string' || value === null || (typeof value === 'number' && Number.isFinite(value))) continue;
    const problem = bindingProblem(value, dialect.arrayParameters);
    if (problem !== undefined) {
      throw new QueryError(`Connection [${connection}]: ${method}() cannot bind bindings[${i}], ${problem}; nothing was sent.`, sql, bindings, {
        connection,
      });
    }
  }
}
