import { sql, type SqlBool } from 'kysely';
import type { LongList } from '../dialect.js';

/**
 * `column IN (SELECT value FROM json_each(?))` with the list as one JSON text: json_each
 * gives integers (exact to 64 bits), reals, text and NULL with no affinity, so the
 * comparison applies the column's, as it does to bound values. Booleans as 1/0 and
 * Dates as ISO text, as the session binds them; binary values cannot travel in JSON.
 */
export const sqliteList: LongList = {
  condition(column, values, not) {
    const parts = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null || typeof value === 'string' || typeof value === 'number') parts[i] = JSON.stringify(value);
      else if (typeof value === 'bigint') parts[i] = String(value);
      else if (typeof value === 'boolean') parts[i] = value ? '1' : '0';
      else if (value instanceof Date) parts[i] = JSON.stringify(value.toISOString());
      else return { problem: `values[${i}] is binary data, which a list this long cannot carry on SQLite` };
    }
    const json = `[${parts.join(',')}]`;
    const condition = not
      ? sql<SqlBool>`${column} NOT IN (SELECT value FROM json_each(${json}))`
      : sql<SqlBool>`${column} IN (SELECT value FROM json_each(${json}))`;
    return { condition, bound: [json] };
  },
};
