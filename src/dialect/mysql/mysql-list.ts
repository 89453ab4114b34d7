import { sql, type SqlBool } from 'kysely';
import type { LongList } from '../dialect.js';

/**
 * `column IN (literal, ...)`: MySQL binds at most 65,535 parameters per statement, and
 * the one-parameter forms (JSON_TABLE) are re-read for every row by MariaDB, so a list
 * past the limit is written as literals that no value can break out of, as LIMIT is:
 * numbers as their digits, text as `_utf8mb4 X'<UTF-8 in hex>'` (a coercible literal,
 * so the column's collation applies, as to a bound string), bytes as `X'<hex>'`.
 * A Date is refused: mysql2 binds one in the connection's time zone, which a literal
 * here could only guess.
 */
export const mysqlList: LongList = {
  condition(column, values, not) {
    const literals = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === null) literals[i] = 'NULL';
      else if (typeof value === 'number' || typeof value === 'bigint') literals[i] = String(value);
      else if (typeof value === 'boolean') literals[i] = value ? '1' : '0';
      else if (typeof value === 'string') literals[i] = `_utf8mb4 X'${Buffer.from(value, 'utf8').toString('hex')}'`;
      else if (value instanceof Uint8Array) literals[i] = `X'${Buffer.from(value).toString('hex')}'`;
      else return { problem: `values[${i}] is a Date, which a list this long cannot carry on MySQL/MariaDB` };
    }
    const list = sql.raw(literals.join(', '));
    return { condition: not ? sql<SqlBool>`${column} NOT IN (${list})` : sql<SqlBool>`${column} IN (${list})`, bound: [] };
  },
};
