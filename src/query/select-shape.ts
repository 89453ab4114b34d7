import type { Aggregate, QueryState } from './query-state.js';
import { RawSql, rawShape } from './raw-sql.js';
import type { WhereClause } from './where-clause.js';

/**
 * What of a state is SQL text (its shape, the key of the compiled-SQL cache) and what
 * is bound (its values, in the order Kysely binds them). The two must agree with
 * select-sql.ts: two states with the same shape compile to the same SQL, and the values
 * are that SQL's parameters (compiled-sql-cache.ts checks the order once per shape).
 *
 * Shapes are NUL-separated with counts before lists, and raw SQL text carries its
 * length: names cannot hold NUL (builder-input.ts), so no two different states share
 * a shape (with spaces and commas, `where('a = ;and b', 1)` and `where('a', 1).where('b', 2)`
 * could, and the second would run the first one's SQL).
 */

/** The shape of a SELECT (or of its aggregate). LIMIT and OFFSET are literals in the SQL, so they are part of it. */
export function selectShape(state: QueryState, aggregate: Aggregate | undefined): string {
  let shape = `select\0${state.table}\0${state.columns.length}`;
  for (const column of state.columns) shape += typeof column === 'string' ? `\0c${column}` : `\0${rawShape(column)}`;
  shape += `\0${state.distinct}\0${state.joins.length}`;
  for (const join of state.joins) shape += `\0${join.kind}\0${join.table}\0${whereShape(join.conditions)}`;
  shape += `\0${whereShape(state.wheres)}\0${state.groups.length}`;
  for (const group of state.groups) shape += typeof group === 'string' ? `\0c${group}` : `\0${rawShape(group)}`;
  shape += `\0${whereShape(state.havings)}\0${state.orders.length}`;
  for (const order of state.orders) shape += order instanceof RawSql ? `\0${rawShape(order)}` : `\0c${order.column}\0${order.direction}`;
  shape += `\0${state.limit}\0${state.offset}\0${state.lock}\0${aggregate?.fn}\0${aggregate?.column}`;
  return shape;
}

/**
 * The shape of conditions without their values. What a value is changes the SQL only
 * through null (IS NULL): arrays, objects and functions never get this far
 * (builder-input.ts), so a cached shape binds its values one per placeholder. A long
 * list's form binds one value or none; with none its SQL holds the values, and the
 * builder never caches it.
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
      case 'between':
        shape += `\0w\0${where.boolean}\0${where.column}\0${where.not}`;
        break;
      case 'column':
        shape += `\0c\0${where.boolean}\0${where.first}\0${where.operator}\0${where.second}`;
        break;
      case 'raw':
        shape += `\0r\0${where.boolean}\0${rawShape(where.raw)}`;
        break;
      case 'exists':
        shape += `\0e\0${where.boolean}\0${where.not}\0${selectShape(where.query, undefined)}`;
        break;
      case 'inQuery':
        shape += `\0q\0${where.boolean}\0${where.column}\0${where.not}\0${selectShape(where.query, undefined)}`;
        break;
    }
  }
  return shape;
}

/** A SELECT's values in the order Kysely binds them: selections, joins, WHERE, GROUP BY, HAVING, ORDER BY. */
export function collectSelectValues(state: QueryState, into: unknown[]): void {
  for (const column of state.columns) if (typeof column !== 'string') pushAll(column.bindings, into);
  for (const join of state.joins) collectWhereValues(join.conditions, into);
  collectWhereValues(state.wheres, into);
  for (const group of state.groups) if (typeof group !== 'string') pushAll(group.bindings, into);
  collectWhereValues(state.havings, into);
  for (const order of state.orders) if (order instanceof RawSql) pushAll(order.bindings, into);
}

/** Values of conditions in the order Kysely binds them. */
export function collectWhereValues(wheres: readonly WhereClause[], into: unknown[]): void {
  for (const where of wheres) {
    switch (where.type) {
      case 'basic':
        if (where.value !== null) into.push(where.value);
        break;
      case 'in':
        pushAll(where.packed?.bound ?? where.values, into);
        break;
      case 'nested':
        collectWhereValues(where.wheres, into);
        break;
      case 'between':
        into.push(where.low, where.high);
        break;
      case 'raw':
        pushAll(where.raw.bindings, into);
        break;
      case 'exists':
      case 'inQuery':
        collectSelectValues(where.query, into);
        break;
    }
  }
}

function pushAll(values: readonly unknown[], into: unknown[]): void {
  for (const value of values) into.push(value);
}
