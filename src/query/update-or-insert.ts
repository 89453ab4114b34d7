import type { Connection } from '../connection/connection.js';
import { checkColumn, checkRecord, checkValue, checkWriteValue, inputError, shown } from './builder-input.js';
import type { QueryBuilder } from './query-builder.js';

/** The values to write, or a function of whether a matching row exists that returns them. */
export type UpdateOrInsertValues = Record<string, unknown> | ((exists: boolean) => Record<string, unknown>);

/**
 * Laravel's `updateOrInsert(match, values)`: when a row matches `match` (and the query's own
 * conditions), updates the matching rows with `values`; else inserts `match` and `values`
 * together. Resolves to true, or false when the update found no row after all (deleted
 * since the check). Two statements, so not atomic: two callers can both find no row and
 * both insert. Where the match is a unique key, `upsert` is one atomic statement.
 *
 * @example
 * await db.table('settings').updateOrInsert({ user_id: 1, key: 'theme' }, { value: 'dark' });
 */
export async function updateOrInsertRow(query: QueryBuilder, connection: Connection, match: unknown, values: unknown): Promise<boolean> {
  const name = connection.name;
  const conditions = checkRecord(name, 'updateOrInsert', match);
  for (const [column, value] of Object.entries(conditions)) {
    checkColumn(name, 'updateOrInsert', column);
    // A condition: one value (null is IS NULL), as where() takes it.
    checkValue(name, 'updateOrInsert', value, `the value for ${shown(column)}`);
  }
  if (typeof values !== 'function') checkWriteValues(connection, values);
  const matching = query.where(conditions);
  // On the writer of a read/write connection: a replica that lags would miss a row just written.
  const exists = await matching.useWriter().exists();
  const written = typeof values === 'function' ? checkWriteValues(connection, values(exists)) : (values as Record<string, unknown>);
  if (!exists) {
    await query.insert({ ...conditions, ...written });
    return true;
  }
  if (Object.keys(written).length === 0) return true;
  return (await matching.update(written)) > 0;
}

/** A plain object of bindable values (or expressions), possibly empty. */
function checkWriteValues(connection: Connection, values: unknown): Record<string, unknown> {
  const name = connection.name;
  const prototype = typeof values === 'object' && values !== null ? Object.getPrototypeOf(values) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    throw inputError(name, 'updateOrInsert', `takes the values to write as an object of column values (or a function returning one), got ${shown(values)}`);
  }
  const record = values as Record<string, unknown>;
  for (const [column, value] of Object.entries(record)) {
    checkColumn(name, 'updateOrInsert', column);
    checkWriteValue(name, 'updateOrInsert', value, column, connection.dialect.arrayParameters);
  }
  return record;
}
