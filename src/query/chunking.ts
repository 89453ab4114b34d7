import { checkColumn, checkPositive, inputError } from './builder-input.js';
import { andWhere, checkSelected, keyValue, type PagedQuery } from './paged-query.js';

/** What `chunk`/`chunkById` call per chunk: `false` (or a promise of it) stops the reading. */
export type ChunkCallback<T> = (items: T[], page: number) => unknown;

/**
 * Laravel's `chunk`: the query's rows `size` at a time, in pages of LIMIT/OFFSET, each handed
 * to `fn` before the next is read. The query must have an order (pages of an unordered query
 * may overlap). A limit and offset of the query bound the rows read. Resolves to false when
 * `fn` returned false (it stopped), else true.
 */
export async function chunk<T>(query: PagedQuery<T>, method: string, size: number, fn: ChunkCallback<T>): Promise<boolean> {
  const { connection, state } = query;
  checkPositive(connection, method, size, 'the rows per chunk');
  checkCallback(connection, method, fn);
  if (state.orders.length === 0) {
    throw inputError(connection, method, 'needs an order: you must specify an orderBy clause when using this function (or use chunkById)');
  }
  const skip = state.offset ?? 0;
  let remaining = state.limit;
  for (let page = 1; ; page++) {
    const limit = remaining === undefined ? size : Math.min(size, remaining);
    if (limit === 0) return true;
    const offset = skip + (page - 1) * size;
    const items = await query.rows((s) => ({ ...s, limit, offset: offset === 0 ? undefined : offset }));
    if (items.length === 0) return true;
    if (remaining !== undefined) remaining -= items.length;
    if ((await fn(items, page)) === false) return false;
    if (items.length < size) return true;
  }
}

/**
 * Laravel's `chunkById`: chunks by key (`WHERE column > last ORDER BY column LIMIT size`), so
 * `fn` may update or delete the rows it gets without making the next chunk skip or repeat any.
 * The query's own order is replaced by the key's; its limit bounds the rows read.
 */
export async function chunkById<T>(query: PagedQuery<T>, method: string, size: number, fn: ChunkCallback<T>, column?: string): Promise<boolean> {
  checkCallback(query.connection, method, fn);
  let page = 1;
  for await (const items of pagesById(query, method, size, column)) {
    if ((await fn(items, page++)) === false) return false;
  }
  return true;
}

/**
 * The query's items `size` at a time by key, as `chunkById` reads them: the pages of
 * `lazyById` and `chunkById`. The next page is read when the last one was used.
 */
export async function* pagesById<T>(query: PagedQuery<T>, method: string, size: number, column?: string, descending = false): AsyncGenerator<T[]> {
  const { connection, state } = query;
  checkPositive(connection, method, size, 'the rows per chunk');
  const key = column === undefined ? query.key : checkColumn(connection, method, column);
  checkSelected(query, method, key);
  const direction = descending ? 'desc' : 'asc';
  let remaining = state.limit;
  let last: unknown;
  for (let page = 1; ; page++) {
    const limit = remaining === undefined ? size : Math.min(size, remaining);
    if (limit === 0) return;
    const after = last;
    const items = await query.rows((s) => ({
      ...s,
      wheres: page === 1 ? s.wheres : andWhere(s.wheres, { type: 'basic', boolean: 'and', column: key, operator: descending ? '<' : '>', value: after }),
      orders: [{ column: key, direction }],
      limit,
      // The query's offset skips rows before the first chunk only.
      offset: page === 1 ? s.offset : undefined,
    }));
    if (items.length === 0) return;
    if (remaining !== undefined) remaining -= items.length;
    last = keyValue(query, method, items[items.length - 1], key);
    yield items;
    if (items.length < size) return;
  }
}

/** The items of `pagesById`, one at a time (`lazyById`). */
export async function* itemsById<T>(query: PagedQuery<T>, method: string, size: number, column?: string): AsyncGenerator<T> {
  for await (const items of pagesById(query, method, size, column)) yield* items;
}

function checkCallback(connection: string, method: string, fn: unknown): void {
  if (typeof fn !== 'function') throw inputError(connection, method, 'takes a callback as its second argument: (rows, page) => { ... }');
}
