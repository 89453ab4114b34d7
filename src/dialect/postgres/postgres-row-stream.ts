import type { PendingQuery } from 'postgres';
import type { DriverRowStream, Row } from '../dialect.js';
import { denseRows } from './dense-rows.js';

function nothing(): void {}

/**
 * A read outside a transaction through a postgres.js cursor: the statement's portal (extended
 * protocol) sends `batchSize` rows per Execute, and the session serves nothing else until the
 * portal ends. Stopping early closes the portal (Close + Sync, one round trip), whatever is left.
 *
 * It takes postgres.js's callback form (`cursor(rows, fn)`), not its async iterator: the iterator
 * stores a fresh closure on the query per batch, which kept every row alive through the young
 * generation's collections (4 MB survivors per scavenge, twice the CPU of the stream, the raw
 * driver's too; bench/FINDINGS.md, W9). The batches go through `cursorHandoff`, whose state is in
 * closure variables for the same reason. The next batch is asked for as soon as one is handed
 * over, so the server sends it while the loop body runs (two batches held at most).
 */
export class PostgresPortalStream implements DriverRowStream {
  readonly holdsSession = true;
  readonly #start: () => PendingQuery<Row[]>;
  readonly #batchSize: number;
  readonly #handoff: CursorHandoff;
  #started = false;

  /** `closeToken`: postgres.js's `sql.CLOSE`, which a cursor callback returns to close the portal. */
  constructor(start: () => PendingQuery<Row[]>, batchSize: number, failed: (error: unknown) => void, closeToken: unknown) {
    this.#start = start;
    this.#batchSize = batchSize;
    this.#handoff = cursorHandoff(closeToken, failed);
  }

  next(): Promise<Row[] | null> {
    if (!this.#started) {
      this.#started = true;
      const handoff = this.#handoff;
      try {
        const query = this.#start().cursor(this.#batchSize, handoff.deliver) as unknown as PromiseLike<unknown>;
        handoff.follow(query);
      } catch (error) {
        handoff.fail(error);
      }
    }
    return this.#handoff.take();
  }

  close(): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      this.#handoff.end();
    }
    return this.#handoff.close();
  }
}

interface CursorHandoff {
  /** postgres.js's cursor callback: resolves when the reader wants more rows, or to the close token. */
  deliver(rows: Row[]): Promise<unknown>;
  /** Ends (or fails) with the query's promise, which settles after the last batch or the close. */
  follow(query: PromiseLike<unknown>): void;
  end(): void;
  fail(error: unknown): void;
  /** The next batch, or null after the last. */
  take(): Promise<Row[] | null>;
  /** Stops the cursor; resolves once the query settled (the session serves again). Never rejects. */
  close(): Promise<void>;
}

/** Batches from a cursor callback to `take()`, one waiting on each side at most. */
function cursorHandoff(closeToken: unknown, failed: (error: unknown) => void): CursorHandoff {
  let pending: Row[] | undefined; // a batch delivered, not yet taken
  let ended = false;
  let closed = false;
  let error: unknown;
  let errored = false;
  let settled: Promise<void> = Promise.resolve();
  // The reader waiting for a batch, and the cursor waiting for the reader.
  let reader: { resolve(rows: Row[] | null): void; reject(error: unknown): void } | undefined;
  let wantMore: ((answer: unknown) => void) | undefined;

  const answerCursor = (answer: unknown) => {
    const resume = wantMore;
    wantMore = undefined;
    resume?.(answer);
  };
  const end = () => {
    ended = true;
    const waiting = reader;
    reader = undefined;
    waiting?.resolve(null);
  };
  const fail = (cause: unknown) => {
    if (ended) return;
    ended = true;
    errored = true;
    error = cause;
    pending = undefined;
    failed(cause);
    const waiting = reader;
    reader = undefined;
    waiting?.reject(cause);
  };
  return {
    deliver(rows) {
      if (closed || ended) return Promise.resolve(closeToken);
      const batch = denseRows(rows);
      const waiting = reader;
      if (waiting !== undefined) {
        reader = undefined;
        waiting.resolve(batch);
        return Promise.resolve(undefined); // the next batch, while this one is read
      }
      pending = batch;
      return new Promise((resolve) => {
        wantMore = resolve;
      });
    },
    follow(query) {
      settled = new Promise<void>((resolve) => {
        query.then(
          () => {
            end();
            resolve();
          },
          (cause: unknown) => {
            fail(cause);
            resolve();
          },
        );
      });
    },
    end,
    fail,
    take() {
      const batch = pending;
      if (batch !== undefined) {
        pending = undefined;
        answerCursor(undefined);
        return Promise.resolve(batch);
      }
      if (errored) return Promise.reject(error);
      if (ended) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        reader = { resolve, reject };
      });
    },
    close() {
      if (!closed) {
        closed = true;
        pending = undefined;
        answerCursor(closeToken);
      }
      return settled;
    },
  };
}

/**
 * A read inside a transaction, through a cursor of SQL (`DECLARE ... CURSOR`, `FETCH`): between
 * two fetches the transaction's session is free, so the loop body's statements run in the same
 * transaction while the stream is open. The cursor ends with the transaction at the latest.
 */
export class PostgresDeclaredStream implements DriverRowStream {
  readonly holdsSession = false;
  readonly #send: (sql: string, params: readonly unknown[], prepare: boolean) => Promise<Row[]>;
  readonly #name: string;
  readonly #sql: string;
  readonly #params: readonly unknown[];
  readonly #batchSize: number;
  #declared = false;
  #done = false;
  #closing: Promise<void> | undefined;

  constructor(
    send: (sql: string, params: readonly unknown[], prepare: boolean) => Promise<Row[]>,
    name: string,
    sql: string,
    params: readonly unknown[],
    batchSize: number,
  ) {
    this.#send = send;
    this.#name = name;
    this.#sql = sql;
    this.#params = params;
    this.#batchSize = batchSize;
  }

  async next(): Promise<Row[] | null> {
    if (this.#done) return null;
    try {
      if (!this.#declared) {
        // Unprepared: a DECLARE holds the whole query, which a named statement would keep per text.
        await this.#send(`DECLARE ${this.#name} NO SCROLL CURSOR FOR ${this.#sql}`, this.#params, false);
        this.#declared = true;
      }
      const rows = await this.#send(`FETCH FORWARD ${this.#batchSize} FROM ${this.#name}`, [], true);
      if (rows.length < this.#batchSize) this.#finish();
      return rows.length > 0 ? rows : null;
    } catch (error) {
      this.#done = true;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (!this.#done) this.#finish();
    await this.#closing;
  }

  /** The cursor is done: close it now (its portal would otherwise live until the transaction ends). */
  #finish(): void {
    this.#done = true;
    if (this.#declared) this.#closing = this.#send(`CLOSE ${this.#name}`, [], true).then(nothing, nothing);
  }
}
