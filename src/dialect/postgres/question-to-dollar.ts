/**
 * Rewrites `?` placeholders as `$1, $2, ...` for PostgreSQL. A `?` inside a
 * string literal ('..', E'..'), a quoted identifier ("..."), a dollar-quoted
 * body ($tag$..$tag$) or a comment is text, not a placeholder; `??` stands for
 * a literal `?` (PostgreSQL's jsonb operators `?`, `?|`, `?&`).
 */
export function questionToDollar(sql: string): string {
  if (!sql.includes('?')) return sql;
  let out = '';
  let start = 0;
  let n = 0;
  let i = 0;
  const length = sql.length;
  while (i < length) {
    const c = sql.charCodeAt(i);
    if (c === 63 /* ? */) {
      if (sql.charCodeAt(i + 1) === 63) {
        out += `${sql.slice(start, i)}?`;
        i += 2;
      } else {
        out += `${sql.slice(start, i)}$${++n}`;
        i++;
      }
      start = i;
    } else if (c === 39 /* ' */) {
      const escapes = i > 0 && (sql.charCodeAt(i - 1) | 32) === 101 /* e or E */ && !isWordChar(sql.charCodeAt(i - 2));
      i = skipQuoted(sql, i, 39, escapes);
    } else if (c === 34 /* " */) {
      i = skipQuoted(sql, i, 34, false);
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? length : end + 1;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      i = skipBlockComment(sql, i);
    } else if (c === 36 /* $ */) {
      i = skipDollarQuoted(sql, i);
    } else {
      i++;
    }
  }
  return out + sql.slice(start);
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Past the closing quote; a doubled quote is an escaped one, and `\` escapes in E'' strings. */
function skipQuoted(sql: string, open: number, quote: number, backslashEscapes: boolean): number {
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

/** Block comments nest in PostgreSQL. */
function skipBlockComment(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** `$tag$ ... $tag$`; a `$` that does not open a tag ($1, or part of a name) is passed over. */
function skipDollarQuoted(sql: string, open: number): number {
  if (open > 0 && isWordChar(sql.charCodeAt(open - 1))) return open + 1;
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(open, open + 64));
  if (match === null) return open + 1;
  const tag = match[0];
  const close = sql.indexOf(tag, open + tag.length);
  return close < 0 ? sql.length : close + tag.length;
}
