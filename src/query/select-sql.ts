import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Connection } from '../connection/connection.js';
import type { Dialect } from '../dialect/dialect.js';
import { cacheableSql, selectTrie } from './compiled-sql-cache.js';
import type { Join } from './join-clause.js';
import { fitState } from './long-lists.js';
import type { Aggregate, Compiled, QueryState } from './query-state.js';
import { RawSql, rawExpression } from './raw-sql.js';
import { collectSelectValues, writeSelectShape } from './select-shape.js';
import type { WhereClause } from './where-clause.js';

// biome-ignore lint/suspicious/noExplicitAny: table shapes are only known at run time
type Eb = ExpressionBuilder<any, any>;
// biome-ignore lint/suspicious/noExplicitAny: table shapes are only known at run time
type Select = SelectQueryBuilder<any, any, any>;

/**
 * The SELECT of `state` (or its `aggregate`) on this connection's engine: from the
 * compiled-SQL cache when its shape was compiled before, with the values bound afresh.
 * No closure here: this runs on every builder read (and tsx names each closure it makes).
 */
export function selectSql(connection: Connection, original: QueryState, aggregate?: Aggregate): Compiled {
  const dialect = connection.dialect;
  const values: unknown[] = [];
  const { state, cacheable } = fitState(connection, original, values, 0, aggregate === undefined ? collectSelectValues : collectAggregateValues(aggregate));
  if (!cacheable) return buildSelect(dialect, connection.name, state, aggregate).compile();
  const trie = selectTrie(dialect);
  writeSelectShape(state, aggregate, trie.find());
  const cached = trie.found();
  if (typeof cached === 'string') return { sql: cached, parameters: values };
  const compiled = buildSelect(dialect, connection.name, state, aggregate).compile();
  if (cached === undefined) {
    writeSelectShape(state, aggregate, trie.insert());
    trie.store(cacheableSql(compiled, values));
  }
  return compiled;
}

/**
 * The state as a Kysely SELECT (not compiled: a subquery goes into another query as it is).
 * An aggregate of a grouped or DISTINCT query is taken over its rows (a derived table), so
 * `count()` counts what `get()` returns: groups, distinct rows.
 */
export function buildSelect(dialect: Dialect, connection: string, state: QueryState, aggregate?: Aggregate): Select {
  if (aggregate !== undefined && overRows(state)) {
    const rows = buildSelect(dialect, connection, aggregateSource(state, aggregate)).as('aggregate_rows');
    const column = aggregate.column === '*' ? '*' : aggregate.column.slice(aggregate.column.lastIndexOf('.') + 1);
    return dialect.compiler.selectFrom(rows).select((eb) => aggregateOf(eb, { fn: aggregate.fn, column }));
  }
  let query: Select = dialect.compiler.selectFrom(state.table);
  for (const join of state.joins) query = addJoin(dialect, connection, query, join);
  if (aggregate !== undefined) {
    query = query.select((eb) => aggregateOf(eb, aggregate));
  } else if (state.columns.length > 0) {
    for (const column of state.columns) {
      // `*` and `table.*` select every column (Kysely would quote them as names).
      if (typeof column !== 'string') query = query.select(rawExpression(column, dialect, connection) as never);
      else if (column === '*') query = query.selectAll();
      else if (column.endsWith('.*')) query = query.selectAll(column.slice(0, -2));
      else query = query.select(column);
    }
  } else query = query.selectAll();
  if (state.distinct && aggregate === undefined) query = query.distinct();
  if (state.wheres.length > 0) query = query.where((eb) => whereExpression(dialect, connection, eb, state.wheres));
  for (const group of state.groups) query = query.groupBy(typeof group === 'string' ? group : rawExpression(group, dialect, connection));
  if (state.havings.length > 0) query = query.having((eb) => whereExpression(dialect, connection, eb, state.havings));
  for (const order of state.orders) {
    // A reference, not the string: Kysely reads `'a b'` as a column and a direction (the builder refuses `'id desc'`).
    query = order instanceof RawSql ? query.orderBy(rawExpression(order, dialect, connection)) : query.orderBy((eb) => eb.ref(order.column), order.direction);
  }
  // Integer literals, as Laravel writes them (checkCount vouched for them): SQLite re-prepares a
  // statement each time a value is bound to its LIMIT, which costs more than a key lookup itself.
  if (state.limit !== undefined) query = query.limit(sql.lit(state.limit));
  else if (state.offset !== undefined && dialect.unlimited !== null) query = query.limit(sql.lit(dialect.unlimited));
  if (state.offset !== undefined) query = query.offset(sql.lit(state.offset));
  if (state.lock === 'update' && dialect.sharedLockClause !== null) query = query.forUpdate();
  if (state.lock === 'share' && dialect.sharedLockClause !== null) {
    query = query.modifyEnd(sql.raw(dialect.sharedLockClause));
  }
  return query;
}

/**
 * The conditions as one Kysely expression. AND binds tighter than OR, as in
 * SQL, so `a AND b OR c` groups as `(a AND b) OR c`.
 */
export function whereExpression(dialect: Dialect, connection: string, eb: Eb, wheres: readonly WhereClause[]): Expression<SqlBool> {
  const groups: Expression<SqlBool>[][] = [];
  for (const where of wheres) {
    const condition = conditionOf(dialect, connection, eb, where);
    if (where.boolean === 'or' || groups.length === 0) groups.push([condition]);
    else groups[groups.length - 1].push(condition);
  }
  const ands = groups.map((group) => (group.length === 1 ? group[0] : eb.and(group)));
  return ands.length === 1 ? ands[0] : eb.or(ands);
}

function conditionOf(dialect: Dialect, connection: string, eb: Eb, where: WhereClause): Expression<SqlBool> {
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
      return whereExpression(dialect, connection, eb, where.wheres);
    case 'between': {
      const between = eb.between(where.column, where.low, where.high);
      return where.not ? eb.not(eb.parens(between)) : between;
    }
    case 'column':
      // biome-ignore lint/suspicious/noExplicitAny: the operator was checked against the allowed list
      return eb(where.first, where.operator as any, eb.ref(where.second));
    case 'raw':
      // In parentheses: `whereRaw('a = 1 OR b = 2')` stays one condition next to the others.
      return eb.parens(rawExpression(where.raw, dialect, connection) as Expression<SqlBool>);
    case 'exists': {
      const exists = eb.exists(buildSelect(dialect, connection, where.query));
      return where.not ? eb.not(exists) : exists;
    }
    case 'inQuery':
      return eb(where.column, where.not ? 'not in' : 'in', buildSelect(dialect, connection, where.query));
  }
}

function addJoin(dialect: Dialect, connection: string, query: Select, join: Join): Select {
  if (join.kind === 'cross') return query.crossJoin(join.table);
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's join builder over run-time tables
  const on = (builder: any) => builder.on((eb: Eb) => whereExpression(dialect, connection, eb, join.conditions));
  if (join.kind === 'left') return query.leftJoin(join.table, on);
  if (join.kind === 'right') return query.rightJoin(join.table, on);
  return query.innerJoin(join.table, on);
}

/** An aggregate over the rows of the query, not over its table: a grouped or DISTINCT query. */
function overRows(state: QueryState): boolean {
  return state.distinct || state.groups.length > 0 || state.havings.length > 0;
}

/** The query whose rows an aggregate reads: `count('*')` needs only one row per group (`SELECT 1`), unless DISTINCT decides the rows. */
function aggregateSource(state: QueryState, aggregate: Aggregate): QueryState {
  const columns = aggregate.column === '*' && !state.distinct ? [RawSql.ONE] : state.columns;
  return { ...state, columns, orders: [], limit: undefined, offset: undefined, lock: undefined };
}

function collectAggregateValues(aggregate: Aggregate): (state: QueryState, into: unknown[]) => void {
  // Without rows to read, the aggregate replaces the selection (and its raw pieces' bindings).
  return (state, into) => collectSelectValues(overRows(state) ? aggregateSource(state, aggregate) : { ...state, columns: [] }, into);
}

function aggregateOf(eb: Eb, aggregate: Aggregate) {
  if (aggregate.fn === 'count' && aggregate.column === '*') return eb.fn.countAll().as('aggregate');
  // biome-ignore lint/suspicious/noExplicitAny: the five aggregate functions share one call shape
  return (eb.fn[aggregate.fn] as (column: string) => any)(aggregate.column).as('aggregate');
}
