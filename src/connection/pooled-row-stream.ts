import type { DriverRowStream, Row } from '../dialect/dialect.js';
import { queryEvents } from './query-events.js';
import type { PooledSession, SessionPool } from './session-pool.js';

/** Rows of one streamed read, a batch at a time; `close` stops it early (never rejects). */
export interface RowSource {
  /** The next rows (never an empty batch), or null after the last. */
  next(): Promise<Row[] | null>;
  close(): Promise<void>;
}

/**
 * A stream outside a transaction: it borrows a session of the pool as a statement does (waiting
 * up to the acquire timeout) and keeps it until the stream ends, fails or is closed, where the
 * driver's stream holds the session (MySQL, PostgreSQL); a SQLite stream gives it back at once.
 * A read whose session had died while idle is sent once more on a fresh one, as `all` does.
 */
export class PooledRowStream implements RowSource {
  readonly #pool: SessionPool;
  readonly #sql: string;
  readonly #params: readonly unknown[];
  readonly #batchSize: number;
  #session: PooledSession | undefined;
  #stream: DriverRowStream | undefined;
  #done = false;

  constructor(pool: SessionPool, sql: string, params: readonly unknown[], batchSize: number) {
    this.#pool = pool;
    this.#sql = sql;
    this.#params = params;
    this.#batchSize = batchSize;
  }

  next(): Promise<Row[] | null> {
    const stream = this.#stream;
    if (stream === undefined) return this.#done ? Promise.resolve(null) : this.#open();
    return stream.next().then(this.#settled, this.#failed);
  }

  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.#stream?.close();
    } finally {
      this.#release();
    }
  }

  async #open(): Promise<Row[] | null> {
    const session = await this.#pool.borrowSession();
    const answered = session.answered;
    const startedAt = queryEvents.active ? performance.now() : 0;
    try {
      return await this.#first(session);
    } catch (error) {
      this.#stream = undefined;
      this.#release();
      if (this.#done || !this.#pool.retriesRead(session, answered, error, this.#sql, this.#params, startedAt)) {
        this.#done = true;
        throw error;
      }
    }
    try {
      return await this.#first(await this.#pool.borrowSession());
    } catch (error) {
      this.#done = true;
      this.#release();
      throw error;
    }
  }

  async #first(session: PooledSession): Promise<Row[] | null> {
    this.#session = session;
    const stream = session.driver.stream(this.#sql, this.#params, { batchSize: this.#batchSize, inTransaction: false });
    this.#stream = stream;
    const rows = await stream.next();
    session.answered = true;
    if (!stream.holdsSession) this.#release();
    return this.#settled(rows);
  }

  readonly #settled = (rows: Row[] | null): Row[] | null => {
    if (rows === null) {
      this.#done = true;
      this.#release();
    }
    return rows;
  };

  readonly #failed = (error: unknown): never => {
    this.#done = true;
    this.#release();
    throw error;
  };

  /** The session goes back to the pool once (a dead one is dropped there). */
  #release(): void {
    const session = this.#session;
    if (session === undefined) return;
    this.#session = undefined;
    this.#pool.giveBackBorrowed(session);
  }
}
