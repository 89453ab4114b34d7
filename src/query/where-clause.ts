import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { inputError, shown } from './builder-input.js';

/** How a condition joins the ones before it. */
export type Conjunction = 'and' | 'or';

/** One condition of a WHERE clause, as the builder records it. */
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
  | { type: 'nested'; boolean: Conjunction; wheres: readonly WhereClause[] };

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

// biome-ignore lint/suspicious/noExplicitAny: table shapes are only known at run time
type Eb = ExpressionBuilder<any, any>;

/**
 * The conditions as one Kysely expression. AND binds tighter than OR, as in
 * SQL, so `a AND b OR c` groups as `(a AND b) OR c`.
 */
export function whereExpression(eb: Eb, wheres: readonly WhereClause[]): Expression<SqlBool> {
  const groups: Expression<SqlBool>[][] = [];
  for (const where of wheres) {
    const condition = conditionOf(eb, where);
    if (where.boolean === 'or' || groups.length === 0) groups.push([condition]);
    else groups[groups.length - 1].push(condition);
  }
  const ands = groups.map((group) => (group.length === 1 ? group[0] : eb.and(group)));
  return ands.length === 1 ? ands[0] : eb.or(ands);
}

/** Values in the order Kysely binds them. */
export function collectWhereValues(wheres: readonly WhereClause[], into: unknown[]): void {
  for (const where of wheres) {
    if (where.type === 'basic') {
      if (where.value !== null) into.push(where.value);
    } else if (where.type === 'in') {
      for (const value of where.packed?.bound ?? where.values) into.push(value);
    } else if (where.type === 'nested') collectWhereValues(where.wheres, into);
  }
}

/**
 * The shape of the conditions without their values, for the compiled-SQL cache.
 * Fields are separated by NUL, which no identifier can hold (the builder refuses it,
 * as PostgreSQL and MySQL do; SQLite would stop reading there), and counts lead every
 * list, so two different conditions never share a shape (with spaces and commas,
 * `where('a = ;and b', 1)` and `where('a', 1).where('b', 2)` could, and the second
 * would run the first one's SQL). What a value is changes the SQL only through null
 * (IS NULL): arrays, objects and functions never get this far (builder-input.ts), so a
 * cached shape binds its values one per placeholder. A long list's form binds one value
 * or none; with none its SQL holds the values, and the builder never caches it.
 */
export function whereShape(wheres: readonly WhereClause[]): string {
  let shape = `${wheres.length}`;
  for (const where of wheres) {
    switch (where.type) {
      case 'basic':
        shape += `\0b\0${where.boolean}\0${where.column}\0${where.operator}\0${where.value === null}`;
        break;
      case 'in':
        shape += `\0i\0${where.boolean}\0${where.column}\0${where.not}\0${where.packed === undefined ? where.values.length : `p${where.packed.bound.length}`}`;
        break;
      case 'null':
        shape += `\0n\0${where.boolean}\0${where.column}\0${where.not}`;
        break;
      case 'nested':
        shape += `\0g\0${where.boolean}\0${whereShape(where.wheres)}`;
        break;
    }
  }
  return shape;
}

function conditionOf(eb: Eb, where: WhereClause): Expression<SqlBool> {
  switch (where.type) {
    case 'basic':
      if (where.value === null) {
        // `= null` never matches in SQL; Laravel turns it into IS NULL, and so do we.
        const negated = where.operator === '!=' || where.operator === '<>' || where.operator === 'is not';
        return eb(where.column, negated ? 'is not' : 'is', null);
      }
      // biome-ignore lint/suspicious/noExplicitAny: the operator was checked against the allowed list
      return eb(where.column, where.operator as any, where.value);
    case 'in':
      if (where.packed !== undefined) return where.packed.condition;
      // An empty list matches nothing (NOT IN: everything), without invalid `IN ()`.
      if (where.values.length === 0) return where.not ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
      return eb(where.column, where.not ? 'not in' : 'in', where.values as unknown[]);
    case 'null':
      return eb(where.column, where.not ? 'is not' : 'is', null);
    case 'nested':
      return whereExpression(eb, where.wheres);
  }
}
