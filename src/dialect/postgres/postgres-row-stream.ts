import type { PendingQuery } from 'postgres';
import type { DriverRowStream, Row } from '../dialect.js';
import { denseRows } from './dense-rows.js';

function nothing(): void {}

/**
 * A read outside a transaction through a postgres.js cursor: the statement's portal (extended
 * protocol) sends `batchSize` rows per Execute, and the session serves nothing else until the
 * portal ends. Stopping early closes the portal (Close + Sync, one round trip), whatever is left.
 */
export class PostgresPortalStream implements DriverRowStream {
  readonly holdsSession = true;
  readonly #start: () => PendingQuery<Row[]>;
  readonly #batchSize: number;
  readonly #failed: (error: unknown) => void;
  #iterator: AsyncIterator<Row[]> | undefined;
  #done = false;

  constructor(start: () => PendingQuery<Row[]>, batchSize: number, failed: (error: unknown) => void) {
    this.#start = start;
    this.#batchSize = batchSize;
    this.#failed = failed;
  }

  async next(): Promise<Row[] | null> {
    if (this.#done) return null;
    try {
      if (this.#iterator === undefined) {
        this.#iterator = this.#start().cursor(this.#batchSize)[Symbol.asyncIterator]();
      }
      const step = await this.#iterator.next();
      if (step.done === true) {
        this.#done = true;
        return null;
      }
      return denseRows(step.value);
    } catch (error) {
      this.#done = true;
      this.#failed(error);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    // Sends Close and Sync. The query's own promise never settles once iterated (postgres.js hands
    // its resolvers to the iterator), and needs not: postgres.js sends the session's next
    // statement only after this one's ReadyForQuery.
    await this.#iterator?.return?.();
  }
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
