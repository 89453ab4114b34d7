import type { SqlSyntax, SqlToken } from '../sql-scanner.js';
import { type ReadOnlyRules, readOnlyRefusal } from '../read-only-guard.js';

/** How MySQL/MariaDB writes strings, quoted names and comments. */
export const mysqlSyntax: SqlSyntax = {
  hashComments: true,
  dashCommentNeedsSpace: true,
  nestedComments: false,
  // `/*!40101 SET ... */` is run by the server: read as code.
  executableComments: true,
  backslashEscapes: true,
  doubleQuotedStrings: true,
  postgres: false,
  bracketNames: false,
};

const rules: ReadOnlyRules = {
  syntax: mysqlSyntax,
  // `xa` only as XA RECOVER (recovery lists prepared branches through select()).
  reads: new Set(['select', 'with', 'values', 'table', 'show', 'explain', 'describe', 'desc', 'xa']),
  functions: new Map(),
  check(tokens: readonly SqlToken[], first: number): string | null {
    if (tokens[first] === 'xa') return tokens[first + 1] === 'recover' ? null : 'XA is not a read';
    for (let i = first + 1; i < tokens.length - 1; i++) {
      if (tokens[i] === 'into' && (tokens[i + 1] === 'outfile' || tokens[i + 1] === 'dumpfile')) {
        return `INTO ${tokens[i + 1].toUpperCase()} writes a file on the server`;
      }
    }
    return null;
  },
};

/**
 * MySQL/MariaDB: why a read-only connection must not run `sql` as a read (see readOnlyRefusal), or null.
 * A stored function can still lift the mode from inside a SELECT: mysql-session.ts undoes that.
 */
export function mysqlReadOnlyRefusal(sql: string): string | null {
  return readOnlyRefusal(sql, rules);
}
