import { endOfLine, isEString, isWordPart, isWordStart, skipBlockComment, skipQuoted } from './sql-text.js';

/** How an engine writes comments, strings and quoted names: what the scanner must skip as text. */
export interface SqlSyntax {
  /** `# ...` is a comment (MySQL). */
  readonly hashComments: boolean;
  /** `--` starts a comment only before a space or control character (MySQL: `1--1` is arithmetic). */
  readonly dashCommentNeedsSpace: boolean;
  /** Block comments nest (PostgreSQL). */
  readonly nestedComments: boolean;
  /** `/*! ... *\/` and `/*M! ... *\/` are code the server runs, not comments (MySQL, MariaDB). */
  readonly executableComments: boolean;
  /** A backslash escapes the next character in `'...'` and `"..."` (MySQL's default mode). */
  readonly backslashEscapes: boolean;
  /** `"..."` is a string (MySQL), not a quoted name. */
  readonly doubleQuotedStrings: boolean;
  /** `$tag$ ... $tag$` bodies, `E'...'` strings with backslash escapes, `U&"..."` names (PostgreSQL). */
  readonly postgres: boolean;
  /** `[name]` is a quoted name (SQLite). */
  readonly bracketNames: boolean;
}

/**
 * One token of a statement: a keyword or bare name in lower case (`select`,
 * `set_config`), a quoted name as `"` + its text in lower case, `U&` for a
 * PostgreSQL name with Unicode escapes (its text cannot be read without
 * decoding), `?` for any literal or placeholder, else the punctuation character.
 */
export type SqlToken = string;

/** `U&"..."`: a quoted name whose text is escaped. */
export const ESCAPED_NAME: SqlToken = 'U&';

/**
 * The statements of `sql` (split at `;` outside strings, names and comments),
 * each as its tokens, without comments and empty statements. Errs towards
 * seeing code: an unterminated string or comment ends the text, and MySQL's
 * executable comments are read as the code they are.
 *
 * @example
 * scanStatements("SELECT 1; /* x *\/ SET a = 'b'", syntax); // [['select', '?'], ['set', 'a', '=', '?']]
 */
export function scanStatements(sql: string, syntax: SqlSyntax): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let tokens: SqlToken[] = [];
  const length = sql.length;
  let i = 0;
  while (i < length) {
    const c = sql.charCodeAt(i);
    if (c <= 32) {
      i++;
    } else if (c === 59 /* ; */) {
      if (tokens.length > 0) statements.push(tokens);
      tokens = [];
      i++;
    } else if (c === 39 /* ' */) {
      const escapes = syntax.backslashEscapes || (syntax.postgres && isEString(sql, i));
      i = skipQuoted(sql, i, 39, escapes);
      tokens.push('?');
    } else if (c === 34 /* " */) {
      if (syntax.doubleQuotedStrings) {
        i = skipQuoted(sql, i, 34, syntax.backslashEscapes);
        tokens.push('?');
      } else {
        const end = skipQuoted(sql, i, 34, false);
        if (syntax.postgres && isUnicodeName(sql, i)) {
          tokens.pop(); // the `&`
          tokens.pop(); // the `u`
          tokens.push(ESCAPED_NAME);
        } else {
          tokens.push(`"${sql.slice(i + 1, end - 1).replaceAll('""', '"').toLowerCase()}`);
        }
        i = end;
      }
    } else if (c === 96 /* ` */) {
      const end = skipQuoted(sql, i, 96, false);
      tokens.push(`"${sql.slice(i + 1, end - 1).replaceAll('``', '`').toLowerCase()}`);
      i = end;
    } else if (c === 91 /* [ */ && syntax.bracketNames) {
      const end = sql.indexOf(']', i + 1);
      const stop = end < 0 ? length : end + 1;
      tokens.push(`"${sql.slice(i + 1, stop - 1).toLowerCase()}`);
      i = stop;
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45 && (!syntax.dashCommentNeedsSpace || sql.charCodeAt(i + 2) <= 32 || i + 2 >= length)) {
      i = endOfLine(sql, i);
    } else if (c === 35 /* # */ && syntax.hashComments) {
      i = endOfLine(sql, i);
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      const code = syntax.executableComments ? executableCommentStart(sql, i) : -1;
      i = code >= 0 ? code : skipBlockComment(sql, i, syntax.nestedComments);
    } else if (c === 42 /* * */ && sql.charCodeAt(i + 1) === 47 && syntax.executableComments) {
      i += 2; // the end of an executable comment
    } else if (c === 36 /* $ */ && syntax.postgres) {
      i = dollar(sql, i, tokens);
    } else if (isWordStart(c)) {
      let end = i + 1;
      while (end < length && isWordPart(sql.charCodeAt(end))) end++;
      tokens.push(sql.slice(i, end).toLowerCase());
      i = end;
    } else if (c >= 48 && c <= 57) {
      let end = i + 1;
      while (end < length && (isWordPart(sql.charCodeAt(end)) || sql.charCodeAt(end) === 46)) end++;
      tokens.push('?');
      i = end;
    } else {
      tokens.push(sql[i]);
      i++;
    }
  }
  if (tokens.length > 0) statements.push(tokens);
  return statements;
}

/** `U&"...`: `U&` written right before the quote, not the end of a longer name. */
function isUnicodeName(sql: string, quote: number): boolean {
  return (
    quote > 1 &&
    sql.charCodeAt(quote - 1) === 38 &&
    (sql.charCodeAt(quote - 2) | 32) === 117 &&
    (quote < 3 || !isWordPart(sql.charCodeAt(quote - 3)))
  );
}

/** Where the code of `/*!NNNNN ...` or `/*M!NNNNNN ...` starts, or -1 for a plain comment. */
function executableCommentStart(sql: string, open: number): number {
  let i = open + 2;
  if (sql.charCodeAt(i) === 77 /* M */ && sql.charCodeAt(i + 1) === 33) i++;
  if (sql.charCodeAt(i) !== 33 /* ! */) return -1;
  i++;
  while (sql.charCodeAt(i) >= 48 && sql.charCodeAt(i) <= 57) i++;
  return i;
}

/** `$1` (a placeholder), `$tag$ ... $tag$` (a string), or a `$` inside a name. */
function dollar(sql: string, open: number, tokens: SqlToken[]): number {
  const next = sql.charCodeAt(open + 1);
  if (next >= 48 && next <= 57) {
    let end = open + 2;
    while (sql.charCodeAt(end) >= 48 && sql.charCodeAt(end) <= 57) end++;
    tokens.push('?');
    return end;
  }
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(open, open + 64));
  if (match === null) {
    tokens.push('$');
    return open + 1;
  }
  const close = sql.indexOf(match[0], open + match[0].length);
  tokens.push('?');
  return close < 0 ? sql.length : close + match[0].length;
}

/**
 * The text of `sql` between its `?` placeholders (one more piece than placeholders), read
 * with the engine's syntax: a `?` in a string, a quoted name or a comment is text. `??`
 * writes a literal `?` on PostgreSQL (its jsonb operators `?`, `?|`, `?&`), as raw SQL
 * does there; where `?` is the engine's own placeholder no literal one can be written.
 * A line comment that ends the text gets its newline, so SQL placed after the piece
 * is not commented out. Or what in the text cannot be a placeholder of ours.
 *
 * @example
 * splitAtPlaceholders("price > ? AND note <> '?'", syntax); // { fragments: ['price > ', " AND note <> '?'"] }
 */
export function splitAtPlaceholders(sql: string, syntax: SqlSyntax): { fragments: string[] } | { problem: string } {
  const fragments: string[] = [];
  let current = '';
  let start = 0;
  let endsInLineComment = false;
  const length = sql.length;
  let i = 0;
  while (i < length) {
    const c = sql.charCodeAt(i);
    endsInLineComment = false;
    if (c === 63 /* ? */) {
      const next = sql.charCodeAt(i + 1);
      if (next === 63) {
        if (!syntax.postgres) return { problem: 'has "??", a literal ? that this engine would read as a placeholder' };
        current += `${sql.slice(start, i)}?`;
        i += 2;
      } else if (next >= 48 && next <= 57) {
        return { problem: 'has a numbered placeholder (?1): write ? and pass the bindings in order' };
      } else {
        fragments.push(current + sql.slice(start, i));
        current = '';
        i++;
      }
      start = i;
    } else if (c === 39 /* ' */) {
      i = skipQuoted(sql, i, 39, syntax.backslashEscapes || (syntax.postgres && isEString(sql, i)));
    } else if (c === 34 /* " */) {
      i = skipQuoted(sql, i, 34, syntax.doubleQuotedStrings && syntax.backslashEscapes);
    } else if (c === 96 /* ` */) {
      i = skipQuoted(sql, i, 96, false);
    } else if (c === 91 /* [ */ && syntax.bracketNames) {
      const end = sql.indexOf(']', i + 1);
      i = end < 0 ? length : end + 1;
    } else if (
      (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45 && (!syntax.dashCommentNeedsSpace || sql.charCodeAt(i + 2) <= 32 || i + 2 >= length)) ||
      (c === 35 /* # */ && syntax.hashComments)
    ) {
      i = endOfLine(sql, i);
      endsInLineComment = sql.charCodeAt(i - 1) !== 10;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      const code = syntax.executableComments ? executableCommentStart(sql, i) : -1;
      i = code >= 0 ? code : skipBlockComment(sql, i, syntax.nestedComments);
    } else if (c === 36 /* $ */ && syntax.postgres && !(i > 0 && isWordPart(sql.charCodeAt(i - 1)))) {
      const next = sql.charCodeAt(i + 1);
      if (next >= 48 && next <= 57) return { problem: 'has a $1 placeholder: write ? (the builder numbers them)' };
      const tokens: SqlToken[] = [];
      i = dollar(sql, i, tokens);
    } else if (isWordStart(c)) {
      i++;
      while (i < length && isWordPart(sql.charCodeAt(i))) i++;
    } else {
      i++;
    }
  }
  fragments.push(current + sql.slice(start) + (endsInLineComment ? '\n' : ''));
  return { fragments };
}
