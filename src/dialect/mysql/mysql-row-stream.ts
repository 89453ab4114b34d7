import type { Connection as MysqlConnection, Query } from 'mysql2';
import type { DriverRowStream, Row } from '../dialect.js';

/**
 * Rows an early stop outside a transaction reads and throws away before it closes the session
 * instead. MySQL cannot stop sending a result without closing the session: reading the rest of
 * 1,000,000 rows takes about 2 s, opening a session again a few milliseconds, and reading 10,000
 * rows about as long (bench/README.md, W9).
 */
export const DISCARD_BUDGET = 10_000;

/** What the stream needs from its session. */
export interface MysqlStreamHost {
  readonly connection: MysqlConnection;
  /** Sends the read (text protocol without parameters, binary with), unstarted: rows arrive as events. */
  start(): Query;
  failed(error: unknown): void;
  /** Closes the session at once, whatever it is sending (it must not serve again). */
  abandon(): void;
  /** The stream ended, failed or was closed: the session stops watching it. */
  finished(stream: MysqlRowStream): void;
}

type Mode = 'batches' | 'buffer' | 'discard';

/**
 * The one call waiting for the stream (a `next()` or `close()`), kept in a closure's variable and
 * not in a field of the stream: with promise hooks on (AsyncLocalStorage on Node 20), a waiter
 * closure stored in an object field once per batch made nearly every row survive the young
 * generation's collections (about 7 MB per scavenge, all promoted; 3x the CPU of the stream),
 * while held in a closure variable the survivors stay at one or two batches (bench/FINDINGS.md, W9).
 */
function waitSlot(): { wait(waiter: () => void): void; wake(): void } {
  let waiting: (() => void) | undefined;
  return {
    wait(waiter) {
      waiting = waiter;
    },
    wake() {
      const waiter = waiting;
      waiting = undefined;
      waiter?.();
    },
  };
}

/**
 * A read through mysql2's row events with back-pressure: once a batch is buffered the socket is
 * paused (as mysql2's own `stream()` does), and taking the batch resumes it. The session sends
 * nothing else until the result ends.
 */
export class MysqlRowStream implements DriverRowStream {
  readonly holdsSession = true;
  readonly #host: MysqlStreamHost;
  readonly #batchSize: number;
  readonly #inTransaction: boolean;
  #rows: Row[] = [];
  #mode: Mode = 'batches';
  #started = false;
  #ended = false;
  #error: unknown;
  #paused = false;
  #discarded = 0;
  /** The next() or close() waiting for rows or the end. */
  readonly #waiter = waitSlot();

  constructor(host: MysqlStreamHost, batchSize: number, inTransaction: boolean) {
    this.#host = host;
    this.#batchSize = batchSize;
    this.#inTransaction = inTransaction;
  }

  next(): Promise<Row[] | null> {
    if (!this.#started) this.#start();
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#rows.length >= this.#batchSize || (this.#ended && this.#rows.length > 0)) return Promise.resolve(this.#take());
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#waiter.wait(() => {
        if (this.#error !== undefined) reject(this.#error);
        else resolve(this.#rows.length > 0 ? this.#take() : null);
      });
    });
  }

  /**
   * Reads the rest of the result into memory, without pausing: another statement of the same
   * transaction was sent, which the server runs only after this result (else both would wait).
   */
  bufferAll(): void {
    if (this.#mode !== 'batches') return;
    this.#mode = 'buffer';
    this.#resume();
  }

  /** The session died under the stream (mysql2 reports that to the connection, not to the command). */
  lost(error: unknown): void {
    this.#fail(error);
  }

  close(): Promise<void> {
    if (!this.#started || this.#ended) {
      this.#ended = true;
      return Promise.resolve();
    }
    this.#mode = 'discard';
    this.#rows = [];
    return new Promise((resolve) => {
      this.#waiter.wait(resolve);
      this.#resume();
    });
  }

  #start(): void {
    this.#started = true;
    let query: Query;
    try {
      query = this.#host.start();
    } catch (error) {
      this.#fail(error);
      return;
    }
    query.on('result', (row: Row) => this.#row(row));
    query.on('error', (error: unknown) => this.#fail(error));
    // After an error mysql2 emits 'end' too: the error stands.
    query.on('end', () => {
      if (this.#ended) return;
      this.#ended = true;
      this.#host.finished(this);
      this.#waiter.wake();
    });
  }

  #row(row: Row): void {
    if (this.#mode === 'discard') {
      if (++this.#discarded > DISCARD_BUDGET && !this.#inTransaction && !this.#ended) {
        // Cheaper to open a session again than to read the rest (closing it would end a transaction).
        this.#ended = true;
        this.#host.abandon();
        this.#host.finished(this);
        this.#waiter.wake();
      }
      return;
    }
    this.#rows.push(row);
    if (this.#rows.length < this.#batchSize || this.#mode === 'buffer') return;
    if (!this.#paused) {
      this.#paused = true;
      this.#host.connection.pause();
    }
    this.#waiter.wake();
  }

  #fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#rows = [];
    this.#host.failed(error);
    this.#host.finished(this);
    // An early stop waits for the end only: a failure ends it as well.
    if (this.#mode === 'discard') this.#waiter.wake();
    else {
      this.#error = error;
      this.#waiter.wake();
    }
  }

  /** The buffered rows, and the socket resumed for the next ones. */
  #take(): Row[] {
    const rows = this.#rows;
    this.#rows = [];
    this.#resume();
    return rows;
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // Synchronously handles the packets that arrived meanwhile (which may pause it again).
    this.#host.connection.resume();
  }
}
