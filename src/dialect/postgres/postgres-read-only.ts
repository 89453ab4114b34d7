import { type ReadOnlyRules, readOnlyRefusal } from '../read-only-guard.js';
import type { SqlSyntax } from '../sql-scanner.js';

/** How PostgreSQL writes strings, quoted names and comments. */
export const postgresSyntax: SqlSyntax = {
  hashComments: false,
  dashCommentNeedsSpace: false,
  nestedComments: true,
  executableComments: false,
  // Read-only sessions start with standard_conforming_strings on (postgres-dialect.ts), so '\' is
  // text in '...' strings, as read here; a session where it changes is closed (postgres-session.ts).
  backslashEscapes: false,
  doubleQuotedStrings: false,
  postgres: true,
  bracketNames: false,
};

const rules: ReadOnlyRules = {
  syntax: postgresSyntax,
  // EXPLAIN ANALYZE runs its statement, but only one that is itself refused by the read-only transaction.
  reads: new Set(['select', 'with', 'values', 'table', 'show', 'explain']),
  functions: new Map([['set_config', 'changes a setting of the session']]),
};

/** PostgreSQL: why a read-only connection must not run `sql` as a read (see readOnlyRefusal), or null. */
export function postgresReadOnlyRefusal(sql: string): string | null {
  return readOnlyRefusal(sql, rules);
}
