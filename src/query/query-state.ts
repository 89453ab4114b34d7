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
  readonly table: string;
  readonly columns: readonly string[];
  readonly distinct: boolean;
  readonly wheres: readonly WhereClause[];
  readonly orders: readonly Order[];
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

/** The state of `table(name)`: every row, every column. */
export function initialState(table: string): QueryState {
  return {
    table,
    columns: [],
    distinct: false,
    wheres: [],
    orders: [],
    limit: undefined,
    offset: undefined,
    lock: undefined,
    useWriter: false,
  };
}
