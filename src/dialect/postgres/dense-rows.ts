import type { Row } from '../dialect.js';

/**
 * Where the rows of a postgres.js result start. After a statement failed midway through
 * its rows (a division by zero at row 1,000, a statement timeout), postgres.js 3.4 keeps
 * counting from there and writes the session's next result from that offset on, so its
 * first entries are empty (porsager/postgres#1119, #1181). Rows are objects, never
 * undefined: the empty entries are exactly the leading ones. Usually 0, at one check.
 */
export function firstRowIndex(result: ArrayLike<Row | undefined>): number {
  let start = 0;
  while (start < result.length && result[start] === undefined) start++;
  return start;
}

/** The rows of a result without the empty entries a stale row counter leaves in front. */
export function denseRows(result: Row[]): Row[] {
  const start = firstRowIndex(result);
  return start === 0 ? result : result.slice(start);
}
