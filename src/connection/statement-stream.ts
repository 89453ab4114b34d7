import type { ServerConfig } from '../config/types.js';
import type { Row } from '../dialect/dialect.js';
import type { DatabaseError } from '../errors/database-error.js';
import type { RowSource } from './pooled-row-stream.js';
import { queryEvents } from './query-events.js';

type Role = 'read' | 'write' | undefined;

/** What a streamed read asks of its connection. */
export interface StreamRequest {
  /** The public method, named in binding errors (`cursor`, `lazy`, ...). */
  readonly method: string;
  /** Rows per batch the driver fetches. */
  readonly batchSize: number;
  /** `sql` is already in the engine's placeholder syntax (the builder's compiled SQL). */
  readonly native?: boolean;
  /** A read that must not go to a replica (`useWriter()`, a locking read). */
  readonly needsWriter?: boolean;
}

/** A stream opened where its connection routed it, with its first batch. */
export interface OpenedStream {
  readonly source: RowSource;
  readonly first: Row[] | null;
  /** The SQL as sent (placeholders translated) and where: for errors and events of later batches. */
  readonly sql: string;
  readonly server: ServerConfig;
  readonly role: Role;
}

/** The connection's side of a stream: routing and the first batch, error translation, events. */
export interface StreamHost {
  readonly name: string;
  /** Checks the read (read-only, bindings), routes it, opens it and reads its first batch; errors come translated. */
  open(sql: string, bindings: readonly unknown[], request: StreamRequest): Promise<OpenedStream>;
  translate(error: unknown, server: ServerConfig, sql: string, bindings: readonly unknown[], role: Role): DatabaseError;
}

/**
 * One streamed read of a connection, as `Connection.run` treats a statement: read-only and
 * binding checks, routing (a transaction's session, else a replica unless the writer is needed),
 * errors translated into the library's, and `DB.listen`: one event when the first rows arrive
 * (`durationMs` until then), and one with `error` if a later batch fails.
 */
export class StatementStream implements RowSource {
  readonly #host: StreamHost;
  readonly #sql: string;
  readonly #bindings: readonly unknown[];
  readonly #request: StreamRequest;
  #opening: Promise<Row[] | null> | undefined;
  #opened: OpenedStream | undefined;
  #closed = false;

  constructor(host: StreamHost, sql: string, bindings: readonly unknown[], request: StreamRequest) {
    this.#host = host;
    this.#sql = sql;
    this.#bindings = bindings;
    this.#request = request;
  }

  next(): Promise<Row[] | null> {
    const opened = this.#opened;
    if (opened !== undefined) return this.#closed ? Promise.resolve(null) : opened.source.next().then(undefined, this.#failed);
    if (this.#opening === undefined) {
      if (this.#closed) return Promise.resolve(null);
      this.#opening = this.#host.open(this.#sql, this.#bindings, this.#request).then((stream) => {
        this.#opened = stream;
        return stream.first;
      });
    }
    return this.#opening;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#opening !== undefined) await this.#opening.then(undefined, () => null);
    await this.#opened?.source.close();
  }

  readonly #failed = (error: unknown): never => {
    const { server, sql, role } = this.#opened as OpenedStream;
    const translated = this.#host.translate(error, server, sql, this.#bindings, role);
    if (queryEvents.active) {
      queryEvents.emit({
        connection: this.#host.name,
        sql,
        bindings: this.#bindings,
        durationMs: 0,
        ...(role === undefined ? {} : { role }),
        error: translated,
      });
    }
    throw translated;
  };
}
