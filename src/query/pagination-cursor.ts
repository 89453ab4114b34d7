import { checkPositive, inputError } from './builder-input.js';
import { type CursorPosition, decodeCursor, encodeCursor } from './cursor-token.js';
import { andWhere, checkSelected, keysetWhere, keyValue, type PagedQuery, rowName } from './paged-query.js';
import type { Order, QueryState } from './query-state.js';
import { RawSql } from './raw-sql.js';

/** One page of a keyset pagination (`cursorPaginate`). */
export interface CursorPage<T> {
  data: T[];
  /** The cursor of the page after this one, or null on the last page. */
  nextCursor: string | null;
  /** The cursor of the page before this one, or null on the first page. */
  prevCursor: string | null;
}

/**
 * Laravel's `cursorPaginate`: the `perPage` rows after (or before) the cursor's row in the
 * query's order, read by keyset (`WHERE (a, id) > (x, y)` spelled out), so rows inserted or
 * deleted elsewhere never make a page repeat or skip a row. The order is the query's
 * `orderBy` columns (by default the key ascending), with the key added last as a tiebreaker.
 * One query per page: `perPage + 1` rows tell whether another page follows.
 */
export async function cursorPaginate<T>(query: PagedQuery<T>, method: string, perPage: number, cursor: string | null | undefined): Promise<CursorPage<T>> {
  const { connection, state } = query;
  checkPositive(connection, method, perPage, 'the rows per page');
  const orders = keysetOrders(query, method);
  for (const order of orders) checkSelected(query, method, order.column);
  const scope = scopeOf(state, orders);
  let position: CursorPosition | undefined;
  if (cursor !== undefined && cursor !== null) {
    const decoded = decodeCursor(scope, cursor, orders.length);
    if (typeof decoded === 'string') throw inputError(connection, method, `refuses the cursor: ${decoded}`);
    position = decoded;
  }
  const backward = position?.direction === 'prev';
  const read = (s: QueryState): QueryState => ({
    ...s,
    wheres: position === undefined ? s.wheres : andWhere(s.wheres, keysetWhere(orders, position.values, !backward)),
    // Backward, the rows nearest the cursor come first: read in the reverse order, then turn them round.
    orders: backward ? orders.map((order) => ({ column: order.column, direction: order.direction === 'asc' ? 'desc' : 'asc' })) : orders,
    limit: perPage + 1,
    offset: undefined,
  });
  const items = await query.rows(read);
  const more = items.length > perPage;
  if (more) items.length = perPage;
  if (backward) items.reverse();
  const at = (direction: CursorPosition['direction'], item: T | undefined): string | null => {
    if (item === undefined) return null;
    const values = orders.map((order) => keyValue(query, method, item, order.column));
    try {
      return encodeCursor(scope, { direction, values });
    } catch {
      throw inputError(connection, method, `cannot keep the values of ${orders.map((o) => o.column).join(', ')} in a cursor: order by columns of numbers, text or dates`);
    }
  };
  // Forward, more rows mean a next page; backward, a previous one. Coming from a cursor, the other side has rows.
  const next = backward ? position !== undefined : more;
  const prev = backward ? more : position !== undefined;
  return { data: items, nextCursor: next ? at('next', items[items.length - 1]) : null, prevCursor: prev ? at('prev', items[0]) : null };
}

/**
 * The query's orders, with the key added as a tiebreaker (not to a grouped or DISTINCT query);
 * `orderByRaw` cannot be paged by keyset.
 */
function keysetOrders<T>(query: PagedQuery<T>, method: string): Order[] {
  const orders: Order[] = [];
  for (const order of query.state.orders) {
    if (order instanceof RawSql) throw inputError(query.connection, method, 'cannot page by keyset over orderByRaw(): order by columns with orderBy()');
    orders.push(order);
  }
  // A grouped or DISTINCT query's rows are its groups: its order columns must tell them apart (the key is no column of theirs).
  if (query.state.groups.length > 0 || query.state.distinct) {
    if (orders.length === 0) throw inputError(query.connection, method, 'pages a grouped or DISTINCT query by its orderBy columns: order by the grouped columns');
    return orders;
  }
  const key = query.key;
  const table = tableReference(query.state.table);
  if (orders.some((order) => order.column === key || order.column === `${table}.${key}`)) return orders;
  // Qualified when other tables are joined, where a bare `id` may be ambiguous.
  const column = query.state.joins.length > 0 ? `${table}.${key}` : key;
  return [...orders, { column, direction: orders.length > 0 ? orders[orders.length - 1].direction : 'asc' }];
}

/** The name the query's table goes by: its alias (`orders as o` -> `o`), else its name. */
function tableReference(table: string): string {
  const alias = table.split(' as ');
  return (alias.length === 2 ? alias[1] : rowName(alias[0])).trim();
}

/** What a cursor must have been made for: the same table and order. */
function scopeOf(state: QueryState, orders: readonly Order[]): string {
  return `${state.table}|${orders.map((order) => `${order.column} ${order.direction}`).join(',')}`;
}
