import { sql } from 'kysely';
import type { Dialect } from '../dialect/dialect.js';
import type { QueryState } from './query-builder.js';
import { whereExpression } from './where-clause.js';

/** The builder's state as Kysely queries, compiled to SQL and parameters for one engine. */

type Compiled = { sql: string; parameters: readonly unknown[] };

export function compileSelect(
  dialect: Dialect,
  state: QueryState,
  aggregate?: { fn: string; column: string },
): Compiled {
  let query = dialect.compiler.selectFrom(state.table);
  if (aggregate !== undefined) {
    query = query.select((eb) => {
      if (aggregate.fn === 'count' && aggregate.column === '*') return eb.fn.countAll().as('aggregate');
      const fn = aggregate.fn as 'count' | 'sum' | 'min' | 'max' | 'avg';
      // biome-ignore lint/suspicious/noExplicitAny: the five aggregate functions share one call shape
      return (eb.fn[fn] as (column: string) => any)(aggregate.column).as('aggregate');
    });
  } else if (state.columns.length > 0) {
    // `*` and `table.*` select every column (Kysely would quote them as names).
    for (const column of state.columns) {
      if (column === '*') query = query.selectAll();
      else if (column.endsWith('.*')) query = query.selectAll(column.slice(0, -2));
      else query = query.select(column);
    }
  } else query = query.selectAll();
  if (state.distinct) query = query.distinct();
  if (state.wheres.length > 0) query = query.where((eb) => whereExpression(eb, state.wheres));
  // A reference, not the string: Kysely reads `'a b'` as a column and a direction (the builder refuses `'id desc'`).
  for (const order of state.orders) query = query.orderBy((eb) => eb.ref(order.column), order.direction);
  // Integer literals, as Laravel writes them (checkCount vouched for them): SQLite re-prepares a
  // statement each time a value is bound to its LIMIT, which costs more than a key lookup itself.
  if (state.limit !== undefined) query = query.limit(sql.lit(state.limit));
  else if (state.offset !== undefined && dialect.unlimited !== null) query = query.limit(sql.lit(dialect.unlimited));
  if (state.offset !== undefined) query = query.offset(sql.lit(state.offset));
  if (state.lock === 'update' && dialect.sharedLockClause !== null) query = query.forUpdate();
  if (state.lock === 'share' && dialect.sharedLockClause !== null) {
    query = query.modifyEnd(sql.raw(dialect.sharedLockClause));
  }
  return query.compile();
}

export function compileInsert(
  dialect: Dialect,
  table: string,
  rows: readonly Record<string, unknown>[],
  returning: string | undefined,
): Compiled {
  const query = dialect.compiler.insertInto(table).values(rows as Record<string, unknown>[]);
  return (returning === undefined ? query : query.returning(returning)).compile();
}

export function compileUpdate(dialect: Dialect, state: QueryState, values: Record<string, unknown>): Compiled {
  let query = dialect.compiler.updateTable(state.table).set(values);
  if (state.wheres.length > 0) query = query.where((eb) => whereExpression(eb, state.wheres));
  return query.compile();
}

export function compileDelete(dialect: Dialect, state: QueryState): Compiled {
  let query = dialect.compiler.deleteFrom(state.table);
  if (state.wheres.length > 0) query = query.where((eb) => whereExpression(eb, state.wheres));
  return query.compile();
}
