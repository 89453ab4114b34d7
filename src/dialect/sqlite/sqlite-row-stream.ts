import type { DriverRowStream, Row } from '../dialect.js';

/**
 * A read through better-sqlite3's `iterate()`, pulled a batch at a time (synchronously: SQLite
 * steps in-process). It never holds the pooled session: it reads on the session's read handle,
 * or on the main handle where it must (see SqliteSession.stream), where a write from the loop
 * body first reads the rest into memory (`drain`).
 */
export class SqliteRowStream implements DriverRowStream {
  readonly holdsSession = false;
  readonly #open: (stream: SqliteRowStream) => IterableIterator<Row>;
  readonly #batchSize: number;
  readonly #finished: (stream: SqliteRowStream) => void;
  #iterator: IterableIterator<Row> | undefined;
  /** The rest of the rows, read by `drain`, and the error that ended that read, if one did. */
  #drained: Row[] | undefined;
  #drainError: unknown;
  #drainedAt = 0;
  #done = false;

  constructor(open: (stream: SqliteRowStream) => IterableIterator<Row>, batchSize: number, finished: (stream: SqliteRowStream) => void) {
    this.#open = open;
    this.#batchSize = batchSize;
    this.#finished = finished;
  }

  next(): Promise<Row[] | null> {
    if (this.#drained !== undefined) return this.#nextDrained();
    if (this.#done) return Promise.resolve(null);
    try {
      this.#iterator ??= this.#open(this);
      const iterator = this.#iterator;
      const rows: Row[] = [];
      while (rows.length < this.#batchSize) {
        const step = iterator.next();
        if (step.done === true) {
          this.#end();
          break;
        }
        rows.push(step.value);
      }
      return Promise.resolve(rows.length > 0 ? rows : null);
    } catch (error) {
      this.#end();
      return Promise.reject(error);
    }
  }

  /** Reads the rest of the rows into memory and ends the statement, so that the handle may write. */
  drain(): void {
    const iterator = this.#iterator;
    if (iterator === undefined || this.#done) return;
    const rest: Row[] = [];
    try {
      for (let step = iterator.next(); step.done !== true; step = iterator.next()) rest.push(step.value);
    } catch (error) {
      this.#drainError = error;
    }
    this.#drained = rest;
    this.#end();
  }

  close(): Promise<void> {
    this.#drained = undefined;
    this.#drainError = undefined;
    this.#end();
    return Promise.resolve();
  }

  #nextDrained(): Promise<Row[] | null> {
    const rows = this.#drained as Row[];
    if (this.#drainedAt < rows.length) {
      const start = this.#drainedAt;
      this.#drainedAt = Math.min(rows.length, start + this.#batchSize);
      return Promise.resolve(rows.slice(start, this.#drainedAt));
    }
    this.#drained = undefined;
    const error = this.#drainError;
    this.#drainError = undefined;
    return error === undefined ? Promise.resolve(null) : Promise.reject(error);
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#iterator?.return?.();
    this.#iterator = undefined;
    this.#finished(this);
  }
}
