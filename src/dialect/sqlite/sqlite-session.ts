import type BetterSqlite3 from 'better-sqlite3';
import type { DriverRowStream, DriverSession, Row, StreamOptions, WriteResult } from '../dialect.js';
import { SqliteRowStream } from './sqlite-row-stream.js';

const MAX_CACHED_STATEMENTS = 500;

/** Only a PRAGMA can switch query_only off; the read-only check refuses those, and this undoes one it missed. */
const MENTIONS_PRAGMA = /pragma/i;

/**
 * The one better-sqlite3 handle of a SQLite connection. Statements are
 * prepared once and kept for reuse; past the bound the oldest is dropped.
 *
 * Streams (`stream`): better-sqlite3 refuses every write on a handle while one of its
 * iterators is open, and a loop body over streamed rows usually writes. So a stream outside a
 * transaction reads on a second, read-only handle of the same file (WAL lets it read its snapshot
 * while the main handle writes and commits); inside a transaction, or on a database only the main
 * handle can see (`:memory:`, a TEMP table), it reads on the main handle, and a write on it first
 * reads the rest of the stream into memory.
 */
export class SqliteSession implements DriverSession {
  readonly #db: BetterSqlite3.Database;
  readonly #statements = new Map<string, BetterSqlite3.Statement>();
  readonly #readOnly: boolean;
  /** Opens the read handle of streams; absent for a database only this handle sees (in memory). */
  readonly #openReader: (() => BetterSqlite3.Database) | undefined;
  #reader: BetterSqlite3.Database | undefined;
  readonly #readerStatements = new Map<string, BetterSqlite3.Statement>();
  /** Streams with an iterator open on the main handle. */
  readonly #iterating = new Set<SqliteRowStream>();
  /**
   * A file handle does not keep the process alive as a socket does: this timer stands in for it,
   * so a session in use (an open transaction) keeps the process alive like the other engines'.
   * Toggling a timer's ref is a flag, not a new timer per statement.
   */
  readonly #keepAlive = setInterval(keepingAlive, 2 ** 31 - 1);

  constructor(db: BetterSqlite3.Database, readOnly = false, openReader?: () => BetterSqlite3.Database) {
    this.#db = db;
    this.#readOnly = readOnly;
    this.#openReader = db.memory ? undefined : openReader;
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
      return Promise.resolve(this.allNow(sql, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** better-sqlite3 is synchronous: the rows (or the throw) at once, without a promise (see DriverSession). */
  allNow(sql: string, params: readonly unknown[]): Row[] {
    return this.#read(sql, params, false) as Row[];
  }

  firstNow(sql: string, params: readonly unknown[]): Row | null {
    return this.#read(sql, params, true) as Row | null;
  }

  #read(sql: string, params: readonly unknown[], first: boolean): Row[] | Row | null {
    try {
      const statement = this.#prepare(sql);
      const bound = bindable(params);
      if (this.#iterating.size !== 0 && !statement.readonly) this.#drainIterators();
      if (statement.reader) return first ? ((statement.get(bound) as Row | undefined) ?? null) : (statement.all(bound) as Row[]);
      statement.run(bound);
      return first ? null : [];
    } finally {
      // Synchronous: no other statement can run on the handle in between.
      if (this.#readOnly && MENTIONS_PRAGMA.test(sql)) {
        this.#drainIterators();
        this.#db.pragma('query_only = ON');
      }
    }
  }

  stream(sql: string, params: readonly unknown[], { batchSize, inTransaction }: StreamOptions): DriverRowStream {
    const open = (stream: SqliteRowStream) => {
      const bound = bindable(params);
      if (!inTransaction) {
        const statement = this.#readerStatement(sql);
        if (statement !== undefined) return statement.iterate(bound) as IterableIterator<Row>;
      }
      // Prepared afresh: a cached statement stays locked while it iterates, and the loop body may run the same SQL.
      const iterator = this.#db.prepare(sql).iterate(bound) as IterableIterator<Row>;
      this.#iterating.add(stream);
      return iterator;
    };
    return new SqliteRowStream(open, batchSize, (stream) => this.#iterating.delete(stream));
  }

  exec(sql: string, params: readonly unknown[]): Promise<WriteResult> {
    try {
      return Promise.resolve(this.execNow(sql, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  execNow(sql: string, params: readonly unknown[]): WriteResult {
    if (this.#iterating.size !== 0) this.#drainIterators();
    const statement = this.#prepare(sql);
    const bound = bindable(params);
    if (statement.reader) {
      // INSERT ... RETURNING and friends: run for effect, report the first value as the key.
      const rows = statement.all(bound) as Row[];
      const first = rows[0];
      return { affectedRows: rows.length, insertId: first === undefined ? null : (Object.values(first)[0] as number) };
    }
    const info = statement.run(bound);
    return { affectedRows: info.changes, insertId: info.changes > 0 ? info.lastInsertRowid : null };
  }

  close(): Promise<void> {
    clearInterval(this.#keepAlive);
    this.#statements.clear();
    this.#readerStatements.clear();
    if (this.#reader?.open) this.#reader.close();
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }

  /**
   * The statement on the read handle, or undefined where that handle cannot run it: a TEMP table or
   * an attached database of the main handle, an in-memory database (the main handle runs those).
   */
  #readerStatement(sql: string): BetterSqlite3.Statement | undefined {
    if (this.#openReader === undefined) return undefined;
    let statement = this.#readerStatements.get(sql);
    if (statement !== undefined && !statement.busy) return statement;
    try {
      this.#reader ??= this.#openReader();
      statement = this.#reader.prepare(sql);
    } catch {
      return undefined; // the main handle says what is wrong, if anything is
    }
    if (!statement.readonly) return undefined; // a write (`... RETURNING`) is the main handle's
    if (this.#readerStatements.size >= MAX_CACHED_STATEMENTS) {
      this.#readerStatements.delete(this.#readerStatements.keys().next().value as string);
    }
    this.#readerStatements.set(sql, statement);
    return statement;
  }

  /** Streams on the main handle read on into memory: the handle may write only once no iterator is open. */
  #drainIterators(): void {
    for (const stream of this.#iterating) stream.drain();
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
