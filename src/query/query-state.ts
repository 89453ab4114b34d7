import type { Join } from './join-clause.js';
import type { RawSql } from './raw-sql.js';
import type { WhereClause } from './where-clause.js';

/** One ORDER BY term. */
export interface Order {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
}

/**
 * Everything a query says, frozen: each builder call makes a new state (the
 * builder is immutable), and the SQL is compiled from it at the terminal call.
 */
export interface QueryState {
  /** `'orders'`, `'orders as o'`; empty in a subquery until its `from()`. */
  readonly table: string;
  /** Names (`'o.id as order_id'`, `'*'`) and `selectRaw` pieces, in order; none means all. */
  readonly columns: readonly (string | RawSql)[];
  readonly distinct: boolean;
  readonly joins: readonly Join[];
  readonly wheres: readonly WhereClause[];
  readonly groups: readonly (string | RawSql)[];
  readonly havings: readonly WhereClause[];
  readonly orders: readonly (Order | RawSql)[];
  /** Written into the SQL as literals (see select-sql.ts): part of the shape, not of the values. */
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  readonly lock: 'update' | 'share' | undefined;
  readonly useWriter: boolean;
}

/** An aggregate a terminal asks for instead of the selected columns (`count`, `sum`, ...). */
export interface Aggregate {
  readonly fn: 'count' | 'sum' | 'min' | 'max' | 'avg';
  /** A column, or `*` for `count`. */
  readonly column: string;
}

/** SQL in the engine's own placeholders, with its parameters in order. */
export interface Compiled {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** One empty list for every state: lists are never changed in place (each change copies), and a builder per query is the hot path. */
const NONE: readonly never[] = Object.freeze([]);

/** The state of `table(name)`: every row, every column. */
export function initialState(table: string): QueryState {
  return {
    table,
    columns: NONE,
    distinct: false,
    joins: NONE,
    wheres: NONE,
    groups: NONE,
    havings: NONE,
    orders: NONE,
    limit: undefined,
    offset: undefined,
    lock: undefined,
    useWriter: false,
  };
}
