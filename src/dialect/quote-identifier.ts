/** `"name"` with embedded quotes doubled (SQL standard: PostgreSQL, SQLite). */
export function quoteDoubled(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `` `name` `` with embedded backticks doubled (MySQL, MariaDB). */
export function quoteBacktick(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
