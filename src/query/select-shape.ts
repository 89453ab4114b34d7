import type { Aggregate, QueryState } from './query-state.js';
import type { WhereClause } from './where-clause.js';

/**
 * The key of a SELECT's SQL in the compiled-SQL cache: everything in the state that
 * changes the SQL text, and nothing that is only bound. Two states with the same
 * shape must compile to the same SQL, so every field is here, NUL-separated with
 * counts before lists (as whereShape): `select('a,b')` and `select('a', 'b')` never
 * share a key. LIMIT and OFFSET are literals in the SQL, so they are part of it.
 */
export function selectShape(state: QueryState, aggregate: Aggregate | undefined): string {
  let shape = `select\0${state.table}\0${state.columns.length}`;
  for (const column of state.columns) shape += `\0${column}`;
  shape += `\0${state.distinct}\0${whereShape(state.wheres)}\0${state.orders.length}`;
  for (const order of state.orders) shape += `\0${order.column}\0${order.direction}`;
  shape += `\0${state.limit}\0${state.offset}\0${state.lock}\0${aggregate?.fn}\0${aggregate?.column}`;
  return shape;
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
