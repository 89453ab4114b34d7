import { checkPositive } from './builder-input.js';
import type { PagedQuery } from './paged-query.js';

/** One page of a query and where it stands among the others (`paginate`). */
export interface Page<T> {
  data: T[];
  /** Rows of the whole query (groups of a grouped query, distinct rows of a DISTINCT one). */
  total: number;
  perPage: number;
  currentPage: number;
  /** The last page with rows, at least 1. */
  lastPage: number;
}

/** Rows per page when none is named, as in Laravel. */
export const DEFAULT_PER_PAGE = 15;

/**
 * Laravel's `paginate`: a count of the query's rows (without its order, limit and offset),
 * then page `page` of `perPage` rows (LIMIT/OFFSET replacing the query's own). No page
 * query runs when the count is 0; a page past the last has no rows.
 */
export async function paginate<T>(query: PagedQuery<T>, method: string, perPage: number, page: number): Promise<Page<T>> {
  checkPositive(query.connection, method, perPage, 'the rows per page');
  checkPositive(query.connection, method, page, 'the page number');
  const total = await query.count();
  const offset = (page - 1) * perPage;
  const data = total > offset ? await query.rows((s) => ({ ...s, limit: perPage, offset: offset === 0 ? undefined : offset })) : [];
  return { data, total, perPage, currentPage: page, lastPage: Math.max(1, Math.ceil(total / perPage)) };
}
