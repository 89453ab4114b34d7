import { inputError, shown } from './builder-input.js';
import type { Order, QueryState } from './query-state.js';
import type { WhereClause } from './where-clause.js';

/**
 * What the reading-in-pieces terminals (chunking.ts, pagination.ts, pagination-cursor.ts)
 * need of a query, so that the query builder (rows) and a model query (hydrated models,
 * their eager loads per piece) share one algorithm each.
 */
export interface PagedQuery<T> {
  /** The connection's name, for errors. */
  readonly connection: string;
  /** The query as built: its orders, limit, offset and table decide the pieces. */
  readonly state: QueryState;
  /** The key column when none is named: `id`, a model's primary key. */
  readonly key: string;
  /** The items of this query with its state changed (a page, a keyset batch). */
  rows(change: (state: QueryState) => QueryState): Promise<T[]>;
  /** How many rows the query has, ignoring its order, limit and offset (groups and DISTINCT rows counted as rows). */
  count(): Promise<number>;
  /** The value of `column` in an item as the database has it (undefined when the item lacks it). */
  valueOf(item: T, column: string): unknown;
}

/** The name a row holds a selected column under: `o.id` -> `id`. */
export function rowName(column: string): string {
  return column.slice(column.lastIndexOf('.') + 1);
}

/**
 * The conditions of `state` with `keyset` ANDed to all of them: a top-level OR among them is
 * put in a group first, or `a OR b AND id > ?` would leave `a` outside the keyset.
 */
export function andWhere(wheres: readonly WhereClause[], keyset: WhereClause): readonly WhereClause[] {
  if (wheres.length === 0) return [keyset];
  if (wheres.some((where, index) => index > 0 && where.boolean === 'or')) return [{ type: 'nested', boolean: 'and', wheres }, keyset];
  return [...wheres, keyset];
}

/**
 * The rows after (`forward`) or before a position in the order `orders`:
 * `(a > x) OR (a = x AND b > y) OR ...`, each column compared in its own direction.
 */
export function keysetWhere(orders: readonly Order[], values: readonly unknown[], forward: boolean): WhereClause {
  const groups: WhereClause[] = orders.map((order, i) => {
    const after = (order.direction === 'asc') === forward;
    const equal: WhereClause[] = orders
      .slice(0, i)
      .map((previous, j) => ({ type: 'basic', boolean: 'and', column: previous.column, operator: '=', value: values[j] }));
    const step: WhereClause = { type: 'basic', boolean: 'and', column: order.column, operator: after ? '>' : '<', value: values[i] };
    return { type: 'nested', boolean: i === 0 ? 'and' : 'or', wheres: [...equal, step] };
  });
  return groups.length === 1 ? (groups[0] as { wheres: readonly WhereClause[] }).wheres[0] : { type: 'nested', boolean: 'and', wheres: groups };
}

/**
 * Refuses, before anything is sent, a query whose selected columns surely leave out `column`,
 * which a keyset reads from each row. A `*`, `table.*` or raw selection may hold it: then the
 * rows tell (keyValue).
 */
export function checkSelected(query: PagedQuery<unknown>, method: string, column: string): void {
  const { columns } = query.state;
  if (columns.length === 0) return;
  const name = rowName(column);
  for (const selected of columns) {
    if (typeof selected !== 'string' || selected === '*' || selected.endsWith('.*')) return;
    const alias = selected.split(' as ');
    if (rowName((alias.length === 2 ? alias[1] : alias[0]).trim()) === name) return;
  }
  throw missingColumn(query.connection, method, column);
}

function missingColumn(connection: string, method: string, column: string) {
  return inputError(connection, method, `needs the column ${shown(column)} in the rows it reads (it pages by it): select it`);
}

/** The value of `column` in an item, which a keyset needs: present and not null. */
export function keyValue<T>(query: PagedQuery<T>, method: string, item: T, column: string): unknown {
  const value = query.valueOf(item, rowName(column));
  if (value === undefined) throw missingColumn(query.connection, method, column);
  if (value === null) {
    throw inputError(query.connection, method, `cannot page past a NULL in ${shown(column)}: order by columns that hold no NULL (add whereNotNull)`);
  }
  return value;
}
