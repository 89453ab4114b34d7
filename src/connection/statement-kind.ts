/** What a statement does, as the public method that sent it says. Only `select` reads. */
export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'statement';

/** What `insert()` reports. */
export interface InsertResult {
  affectedRows: number;
  /** The generated key, or null where the driver reports none. */
  insertId: number | string | bigint | null;
}
