import { endOfLine, isEString, isWordPart, skipBlockComment, skipQuoted } from '../sql-text.js';
import { sqlTextCache } from '../sql-text-cache.js';

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
      i = skipQuoted(sql, i, 39, isEString(sql, i));
    } else if (c === 34 /* " */) {
      i = skipQuoted(sql, i, 34, false);
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      i = endOfLine(sql, i);
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      i = skipBlockComment(sql, i, true);
    } else if (c === 36 /* $ */) {
      i = skipDollarQuoted(sql, i);
    } else {
      i++;
    }
  }
  return out + sql.slice(start);
}

/** `$tag$ ... $tag$`; a `$` that does not open a tag ($1, or part of a name) is passed over. */
function skipDollarQuoted(sql: string, open: number): number {
  if (open > 0 && isWordPart(sql.charCodeAt(open - 1))) return open + 1;
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(open, open + 64));
  if (match === null) return open + 1;
  const tag = match[0];
  const close = sql.indexOf(tag, open + tag.length);
  return close < 0 ? sql.length : close + tag.length;
}

/** `?` to `$n` translations, shared by every PostgreSQL connection. */
const dollarSql = sqlTextCache<string>();

/** `questionToDollar`, cached: the same statements come back again and again. */
export function cachedQuestionToDollar(sql: string): string {
  let translated = dollarSql.get(sql);
  if (translated === undefined) {
    translated = questionToDollar(sql);
    dollarSql.set(sql, translated);
  }
  return translated;
}
