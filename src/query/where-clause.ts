import type { Expression, SqlBool } from 'kysely';
import { inputError, shown } from './builder-input.js';
import type { QueryState } from './query-state.js';
import type { RawSql } from './raw-sql.js';

/** How a condition joins the ones before it. */
export type Conjunction = 'and' | 'or';

/**
 * One condition of a WHERE clause, as the builder records it (where-input.ts makes
 * them from a method's arguments; select-sql.ts compiles them, select-shape.ts keys them).
 */
export type WhereClause =
  | { type: 'basic'; boolean: Conjunction; column: string; operator: string; value: unknown }
  | {
      type: 'in';
      boolean: Conjunction;
      column: string;
      values: readonly unknown[];
      not: boolean;
      /** The engine's form for a list past its parameter limit (see fitParameters), with what it binds. */
      packed?: { readonly condition: Expression<SqlBool>; readonly bound: readonly unknown[] };
    }
  | { type: 'null'; boolean: Conjunction; column: string; not: boolean }
  | { type: 'nested'; boolean: Conjunction; wheres: readonly WhereClause[] }
  | { type: 'between'; boolean: Conjunction; column: string; low: unknown; high: unknown; not: boolean }
  /** Two columns compared (`whereColumn`, a join's `on`). */
  | { type: 'column'; boolean: Conjunction; first: string; operator: string; second: string }
  | { type: 'raw'; boolean: Conjunction; raw: RawSql }
  /** `EXISTS (subquery)`; the subquery is on the same connection (the builder checked). */
  | { type: 'exists'; boolean: Conjunction; query: QueryState; not: boolean }
  /** `column IN (subquery)`. */
  | { type: 'inQuery'; boolean: Conjunction; column: string; query: QueryState; not: boolean };

/** Operators a caller may pass; anything else is refused, never spliced into SQL. */
const OPERATORS = new Set([
  '=', '!=', '<>', '<', '<=', '>', '>=', 'like', 'not like', 'ilike', 'not ilike', 'is', 'is not',
]);

/** Operators that mean something with null (`= null` becomes IS NULL, as in Laravel); `> null` would match nothing. */
const NULL_OPERATORS = new Set(['=', '!=', '<>', 'is', 'is not']);

/** The operator, lower-cased, if it is one the builder knows. */
export function checkOperator(connection: string, method: string, operator: unknown): string {
  const normalized = typeof operator === 'string' ? operator.toLowerCase() : undefined;
  if (normalized === undefined || !OPERATORS.has(normalized)) {
    throw inputError(connection, method, `does not know the operator ${shown(operator)}; use one of: ${[...OPERATORS].join(', ')}`);
  }
  return normalized;
}

/** An operator between two columns: any of the list but `is`/`is not`, which take null only. */
export function checkColumnOperator(connection: string, method: string, operator: unknown): string {
  const normalized = checkOperator(connection, method, operator);
  if (normalized === 'is' || normalized === 'is not') {
    throw inputError(connection, method, `compares two columns, which "${normalized}" does not: use =, !=, <>, <, <=, >, >=, like or ilike`);
  }
  return normalized;
}

/**
 * Refuses an operator that makes no sense with this value: only `=`, `!=`/`<>`,
 * `is` and `is not` take null, and `is`/`is not` take nothing else.
 */
export function checkOperatorValue(connection: string, method: string, column: string, operator: string, value: unknown): void {
  if (value === null && !NULL_OPERATORS.has(operator)) {
    throw inputError(connection, method, `cannot compare ${shown(column)} ${operator} null, which matches no row; use =, !=, is or is not with null (or whereNull/whereNotNull)`);
  }
  if (value !== null && (operator === 'is' || operator === 'is not')) {
    throw inputError(connection, method, `takes "${operator}" with null only (${shown(column)} ${operator} null)`);
  }
}
