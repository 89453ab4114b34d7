import type { StatementKind } from './statement-kind.js';

/**
 * One statement as `Connection.run` takes it: what it does and what it must not do,
 * named at the call site.
 *
 * @example
 * connection.run({ kind: 'select', sql: compiled.sql, bindings: compiled.parameters, native: true, needsWriter: true });
 */
export interface Statement {
  readonly kind: StatementKind;
  readonly sql: string;
  readonly bindings: readonly unknown[];
  /** The SQL is already in the engine's own placeholders (Kysely compiled it); otherwise it uses `?`. */
  readonly native?: boolean;
  /** A read that must not go to a replica: a locking read, `useWriter()`, the migrator's reads. */
  readonly needsWriter?: boolean;
  /** A write whose rows are its result (RETURNING): run on the row path, on the writer. */
  readonly returnsRows?: boolean;
  /** What a read-only connection names when it refuses it (`create table`); default: the kind. */
  readonly operation?: string;
}
