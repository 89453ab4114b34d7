/**
 * The clauses of a typed query that name no column of its table (raw SQL, `having` on a
 * select alias, limits, locks, routing, SQL text): the same on the typed builder and the
 * typed model query, which extend this interface (`this` is theirs).
 */
export interface ColumnFreeClauses {
  distinct(): this;
  whereRaw(sql: string, bindings?: readonly unknown[]): this;
  orWhereRaw(sql: string, bindings?: readonly unknown[]): this;
  when<V>(value: V, callback: (query: this, value: V) => this, otherwise?: (query: this, value: V) => this): this;
  groupByRaw(sql: string, bindings?: readonly unknown[]): this;
  /** A column, or a select alias. */
  having(column: string, value: unknown): this;
  having(column: string, operator: string, value: unknown): this;
  orHaving(column: string, value: unknown): this;
  orHaving(column: string, operator: string, value: unknown): this;
  havingRaw(sql: string, bindings?: readonly unknown[]): this;
  orHavingRaw(sql: string, bindings?: readonly unknown[]): this;
  orderByRaw(sql: string, bindings?: readonly unknown[]): this;
  limit(count: number): this;
  offset(count: number): this;
  lockForUpdate(): this;
  sharedLock(): this;
  useWriter(): this;
  exists(): Promise<boolean>;
  delete(): Promise<number>;
  toSql(): { sql: string; bindings: readonly unknown[] };
  toSQL(): { sql: string; bindings: readonly unknown[] };
}
