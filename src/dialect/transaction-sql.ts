/**
 * Transaction control as one engine writes it. Savepoint names are SQL text as given: the
 * library's own (`so_savepoint_1`) need no quoting, a caller's name comes quoted.
 */
export interface TransactionSql {
  readonly begin: string;
  /** BEGIN on a read-only connection, where it differs (SQLite: IMMEDIATE takes a write lock, refused by query_only). */
  readonly readOnlyBegin: string;
  readonly commit: string;
  readonly rollback: string;
  savepoint(name: string): string;
  releaseSavepoint(name: string): string;
  rollbackToSavepoint(name: string): string;
}

/**
 * The SQL standard's statements (the three engines share them), with the engine's own BEGIN.
 *
 * @example
 * standardTransactionSql({ begin: 'START TRANSACTION' }).savepoint('so_savepoint_1'); // 'SAVEPOINT so_savepoint_1'
 */
export function standardTransactionSql(options: { begin: string; readOnlyBegin?: string }): TransactionSql {
  return Object.freeze({
    begin: options.begin,
    readOnlyBegin: options.readOnlyBegin ?? options.begin,
    commit: 'COMMIT',
    rollback: 'ROLLBACK',
    savepoint: (name: string) => `SAVEPOINT ${name}`,
    releaseSavepoint: (name: string) => `RELEASE SAVEPOINT ${name}`,
    rollbackToSavepoint: (name: string) => `ROLLBACK TO SAVEPOINT ${name}`,
  });
}
