import type { SqlSyntax, SqlToken } from '../sql-scanner.js';
import { type ReadOnlyRules, readOnlyRefusal } from '../read-only-guard.js';

/** Pragmas whose `PRAGMA name(argument)` form only reads (for every other one it sets a value). */
const READING_WITH_ARGUMENT = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_info',
  'index_xinfo',
  'index_list',
  'foreign_key_list',
  'foreign_key_check',
  'integrity_check',
  'quick_check',
]);

/** How SQLite writes strings, quoted names and comments. */
export const sqliteSyntax: SqlSyntax = {
  hashComments: false,
  dashCommentNeedsSpace: false,
  nestedComments: false,
  executableComments: false,
  backslashEscapes: false,
  doubleQuotedStrings: false,
  postgres: false,
  bracketNames: true,
};

const rules: ReadOnlyRules = {
  syntax: sqliteSyntax,
  reads: new Set(['select', 'with', 'values', 'explain', 'pragma']),
  functions: new Map([['load_extension', 'loads code into the session']]),
  check(tokens: readonly SqlToken[], first: number): string | null {
    if (tokens[first] !== 'pragma') return null;
    // PRAGMA [schema.]name, bare (reads the value) or name(argument) of an introspection pragma.
    let at = first + 1;
    if (tokens[at + 1] === '.') at += 2;
    const token = tokens[at] ?? '';
    const name = token.charCodeAt(0) === 34 ? token.slice(1) : token;
    const after = at + 1;
    if (after === tokens.length) return null;
    if (tokens[after] === '(' && tokens[tokens.length - 1] === ')' && READING_WITH_ARGUMENT.has(name)) return null;
    return `PRAGMA ${name} with a value changes a setting`;
  },
};

/** SQLite: why a read-only connection must not run `sql` as a read (see readOnlyRefusal), or null. */
export function sqliteReadOnlyRefusal(sql: string): string | null {
  return readOnlyRefusal(sql, rules);
}
