import type BetterSqlite3 from 'better-sqlite3';
import type { DriverSession, Row, WriteResult } from '../dialect.js';

const MAX_CACHED_STATEMENTS = 500;

/** Only a PRAGMA can switch query_only off; the read-only check refuses those, and this undoes one it missed. */
const MENTIONS_PRAGMA = /pragma/i;

/**
 * The one better-sqlite3 handle of a SQLite connection. Statements are
 * prepared once and kept for reuse; past the bound the oldest is dropped.
 */
export class SqliteSession implements DriverSession {
  readonly #db: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #readOnly: boolean;
  /**
   * A file handle does not keep the process alive as a socket does: this timer stands in for it,
   * so a session in use (an open transaction) keeps the process alive like the other engines'.
   * Toggling a timer's ref is a flag, not a new timer per statement.
   */
  readonly #keepAlive = setInterval(keepingAlive, 2 ** 31 - 1);

  constructor(db: BetterSqlite3.Database, readOnly = false) {
    this.#db = db;
    this.#readOnly = readOnly;
  }

  ref(): void {
    this.#keepAlive.ref();
  }

  unref(): void {
    this.#keepAlive.unref();
  }

  /** Only once closed (by close(), under a transaction that was still open): a file does not die on its own. */
  get broken(): boolean {
    return !this.#db.open;
  }

  all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    try {
      const statement = this.#prepare(sql);
      const bound = bindable(params);
      if (statement.reader) return Promise.resolve(statement.all(bound) as Row[]);
      statement.run(bound);
      return Promise.resolve([]);
    } catch (error) {
      return Promise.reject(error);
    } finally {
      // Synchronous: no other statement can run on the handle in between.
      if (this.#readOnly && MENTIONS_PRAGMA.test(sql)) this.#db.pragma('query_only = ON');
    }
  }

  exec(sql: string, params: readonly unknown[]): Promise<WriteResult> {
    try {
      const statement = this.#prepare(sql);
      const bound = bindable(params);
      if (statement.reader) {
        // INSERT ... RETURNING and friends: run for effect, report the first value as the key.
        const rows = statement.all(bound) as Row[];
        const first = rows[0];
        return Promise.resolve({
          affectedRows: rows.length,
          insertId: first === undefined ? null : (Object.values(first)[0] as number),
        });
      }
      const info = statement.run(bound);
      return Promise.resolve({ affectedRows: info.changes, insertId: info.changes > 0 ? info.lastInsertRowid : null });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  close(): Promise<void> {
    clearInterval(this.#keepAlive);
    this.#statements.clear();
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }

  #prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) {
        this.#statements.delete(this.#statements.keys().next().value as string);
      }
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

function keepingAlive(): void {}

/** SQLite binds only numbers, strings, bigints, buffers and null: map the rest as the other engines store them. */
function bindable(params: readonly unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    let mapped: unknown = value;
    if (typeof value === 'boolean') mapped = value ? 1 : 0;
    else if (value instanceof Date) mapped = value.toISOString();
    else if (value === undefined) mapped = null;
    else continue;
    copy ??= params.slice();
    copy[i] = mapped;
  }
  return copy ?? (params as unknown[]);
}
