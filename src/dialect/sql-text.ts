/** Lexical pieces of SQL text shared by the scanners: where strings, quoted names and comments end. */

export function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

/** A character that continues a bare name (letters, digits, `_`, `$`, non-ASCII). */
export function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}

/** Past the newline that ends a `--` or `#` comment. */
export function endOfLine(sql: string, from: number): number {
  const end = sql.indexOf('\n', from);
  return end < 0 ? sql.length : end + 1;
}

/** `E'...'` (PostgreSQL): the `E` stands alone before the quote (not the end of a longer name). */
export function isEString(sql: string, quote: number): boolean {
  return quote > 0 && (sql.charCodeAt(quote - 1) | 32) === 101 && (quote < 2 || !isWordPart(sql.charCodeAt(quote - 2)));
}

/** Past the closing quote; a doubled quote is an escaped one, and so is a backslashed one where backslashes escape. */
export function skipQuoted(sql: string, open: number, quote: number, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === 92) i += 2;
    else if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/** Past the end of the block comment opened at `open`; PostgreSQL's nest. */
export function skipBlockComment(sql: string, open: number, nested: boolean): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) {
      i += 2;
      if (!nested || --depth === 0) return i;
    } else i++;
  }
  return sql.length;
}
