import { sql, type SqlBool } from 'kysely';
import type { LongList } from '../dialect.js';

/**
 * `column = ANY(?)` / `column <> ALL(?)` with the list as one array parameter, which is
 * what PostgreSQL makes of `IN (...)` and `NOT IN (...)` anyway. The array travels as
 * an array literal in text, typed by the server from the column (`int[]` for an int
 * column): postgres.js would otherwise type it from its first element, and a Date,
 * bigint or boolean there makes it a scalar ("op ANY/ALL (array) requires array on
 * right side").
 */
export const postgresList: LongList = {
  condition(column, values, not) {
    const elements = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      elements[i] = value === null ? 'NULL' : `"${elementText(value).replace(/[\\"]/g, '\\$&')}"`;
    }
    const array = `{${elements.join(',')}}`;
    const condition = not ? sql<SqlBool>`${column} <> ALL(${array})` : sql<SqlBool>`${column} = ANY(${array})`;
    return { condition, bound: [array] };
  },
};

/** A value as the text PostgreSQL reads it in (bytea in hex, as postgres.js sends a Buffer). */
function elementText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return String(value);
}
