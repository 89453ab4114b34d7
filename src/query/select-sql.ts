import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Connection } from '../connection/connection.js';
import type { Dialect } from '../dialect/dialect.js';
import { compiledSql } from './compiled-sql-cache.js';
import { fitState } from './long-lists.js';
import type { Aggregate, Compiled, QueryState } from './query-state.js';
import { selectShape } from './select-shape.js';
import type { WhereClause } from './where-clause.js';

/**
 * The SELECT of `state` (or its `aggregate`) on this connection's engine: from the
 * compiled-SQL cache when its shape was compiled before, with the values bound afresh.
 */
export function selectSql(connection: Connection, original: QueryState, aggregate?: Aggregate): Compiled {
  const dialect = connection.dialect;
  const values: unknown[] = [];
  const { state, cacheable } = fitState(connection, original, values, 0);
  if (!cacheable) return compileSelect(dialect, state, aggregate);
  return compiledSql(dialect, selectShape(state, aggregate), values, () => compileSelect(dialect, state, aggregate));
}

/** The state as a Kysely query, compiled. */
export function compileSelect(dialect: Dialect, state: QueryState, aggregate?: Aggregate): Compiled {
  let query = dialect.compiler.selectFrom(state.table);
  if (aggregate !== undefined) {
    query = query.select((eb) => {
      if (aggregate.fn === 'count' && aggregate.column === '*') return eb.fn.countAll().as('aggregate');
      // biome-ignore lint/suspicious/noExplicitAny: the five aggregate functions share one call shape
      return (eb.fn[aggregate.fn] as (column: string) => any)(aggregate.column).as('aggregate');
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
