import type { Row } from '../dialect/dialect.js';
import { QueryError } from '../errors/query-error.js';
import type { RowSource } from './pooled-row-stream.js';

/** Rows per batch when the caller names none: a round trip per 1,000 rows, a few hundred kB held. */
export const DEFAULT_BATCH_SIZE = 1000;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The rows of a streamed read, one at a time, as an async iterable: each `for await` runs the
 * read anew (`open`), and leaving the loop early (`break`, `return`, a throw) closes it.
 */
export function streamedRows<T>(open: () => RowSource): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => new RowIterator<T>(open()) };
}

/** A whole number of rows per batch, at least 1. */
export function checkBatchSize(connection: string, method: string, size: unknown): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    const shown = typeof size === 'string' ? JSON.stringify(size) : String(size);
    throw new QueryError(`Connection [${connection}]: ${method}() takes a whole number of rows per batch (1 or more), got ${shown}.`, '', [], {
      connection,
    });
  }
  return size;
}

/** One promise per row, taken from the batch in hand: no async frame per row. */
class RowIterator<T> implements AsyncIterableIterator<T> {
  readonly #source: RowSource;
  #batch: readonly Row[] = [];
  #index = 0;
  #done = false;

  constructor(source: RowSource) {
    this.#source = source;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#index < this.#batch.length) return Promise.resolve({ value: this.#batch[this.#index++] as T, done: false });
    return this.#fetch();
  }

  async return(): Promise<IteratorResult<T>> {
    this.#finish();
    await this.#source.close();
    return DONE;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  async #fetch(): Promise<IteratorResult<T>> {
    if (this.#done) return DONE;
    let rows: Row[] | null;
    try {
      rows = await this.#source.next();
    } catch (error) {
      this.#finish();
      await this.#source.close();
      throw error;
    }
    if (rows === null) {
      this.#finish();
      await this.#source.close();
      return DONE;
    }
    this.#batch = rows;
    this.#index = 1;
    return { value: rows[0] as T, done: false };
  }

  #finish(): void {
    this.#done = true;
    this.#batch = [];
    this.#index = 0;
  }
}
