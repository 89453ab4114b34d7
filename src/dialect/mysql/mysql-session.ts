import type { Socket } from 'node:net';
import type { Connection as MysqlConnection, ResultSetHeader } from 'mysql2';
import type { DriverRowStream, DriverSession, Row, StreamOptions, WriteResult } from '../dialect.js';
import { endsMysqlSession } from './mysql-errors.js';
import { type MysqlStreamHost, MysqlRowStream } from './mysql-row-stream.js';

/**
 * How a read-only session keeps its mode through a read that a stored function
 * could lift (`SET SESSION TRANSACTION READ WRITE` inside a function called by a
 * SELECT or a view): MariaDB runs the read under `SET STATEMENT tx_read_only=1 FOR`,
 * which restores the mode when the statement ends (no extra round trip); MySQL has
 * no such form, so `SET SESSION TRANSACTION READ ONLY` is queued right behind the read.
 */
export type ReadOnlyKeeping = 'set-statement' | 'reassert';

const KEEP_READ_ONLY = 'SET STATEMENT tx_read_only=1 FOR ';
const REASSERT_READ_ONLY = 'SET SESSION TRANSACTION READ ONLY';

/**
 * One mysql2 connection. Statements with bindings use the binary protocol
 * (prepared once per session, cached by mysql2); the others the text protocol,
 * which also takes statements MySQL cannot prepare (XA, some DDL).
 */
export class MysqlSession implements DriverSession {
  readonly connected: Promise<void>;
  #broken = false;
  readonly #connection: MysqlConnection;
  /** Read-only sessions: how reads keep the mode (from the server's flavour, once connected). */
  #keeping: ReadOnlyKeeping | undefined;
  /** Streams whose result the server is still sending (see MysqlRowStream.bufferAll). */
  readonly #streams = new Set<MysqlRowStream>();
  /** Closed at once by an early stop of a stream: there is no goodbye to wait for. */
  #destroyed = false;
  #leftRunning: string | undefined;

  constructor(connection: MysqlConnection, onBroken: () => void, readOnly = false, keeping?: ReadOnlyKeeping) {
    this.#connection = connection;
    this.connected = new Promise((resolve, reject) =>
      connection.connect((error) => {
        if (error) return reject(error);
        if (readOnly) this.#keeping = keeping ?? (this.mariadb ? 'set-statement' : 'reassert');
        resolve();
      }),
    );
    // A killed session or a server restart arrives here; without a listener it would crash the process.
    // mysql2 tells a command without a callback (a stream's) nothing of it: its streams fail here.
    connection.on('error', (error: unknown) => {
      this.#broken = true;
      this.#failStreams(error);
      onBroken();
    });
    connection.on('end', () => {
      this.#broken = true;
      this.#failStreams(connectionLost());
    });
  }

  get broken(): boolean {
    return this.#broken;
  }

  get leftRunning(): string | undefined {
    return this.#leftRunning;
  }

  ref(): void {
    this.#socket()?.ref();
  }

  unref(): void {
    this.#socket()?.unref();
  }

  /** MariaDB, not MySQL: it names itself in the handshake's server version (`5.5.5-10.11.6-MariaDB`), which mysql2 keeps. */
  get mariadb(): boolean {
    const handshake = (this.#connection as unknown as { _handshakePacket?: { serverVersion?: unknown } })._handshakePacket;
    return typeof handshake?.serverVersion === 'string' && /mariadb/i.test(handshake.serverVersion);
  }

  all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const keeping = this.#keeping;
    if (keeping === undefined) return this.#send(sql, params) as Promise<Row[]>;
    if (keeping === 'set-statement') return this.#send(KEEP_READ_ONLY + sql, params) as Promise<Row[]>;
    const rows = this.#send(sql, params) as Promise<Row[]>;
    this.#reassertReadOnly();
    return rows;
  }

  stream(sql: string, params: readonly unknown[], { batchSize, inTransaction }: StreamOptions): DriverRowStream {
    const connection = this.#connection;
    const host: MysqlStreamHost = {
      connection,
      start: () => {
        this.#bufferStreams(); // an earlier stream of the transaction reads on first
        const text = this.#keeping === 'set-statement' ? KEEP_READ_ONLY + sql : sql;
        const query = params.length === 0 ? connection.query(text) : connection.execute(text, params as never);
        if (this.#keeping === 'reassert') this.#reassertReadOnly();
        this.#streams.add(stream);
        return query;
      },
      failed: (error) => {
        if (endsMysqlSession(error)) this.#broken = true;
      },
      abandon: () => {
        this.#broken = true;
        this.#destroyed = true;
        // The server does not notice that the client left: it would run the SELECT to its end.
        if (connection.threadId !== null) this.#leftRunning = `KILL CONNECTION ${Number(connection.threadId)}`;
        connection.destroy();
      },
      finished: (done) => this.#streams.delete(done),
    };
    const stream = new MysqlRowStream(host, batchSize, inTransaction);
    return stream;
  }

  async exec(sql: string, params: readonly unknown[]): Promise<WriteResult> {
    const header = (await this.#send(sql, params)) as ResultSetHeader | Row[];
    if (Array.isArray(header)) return { affectedRows: header.length, insertId: null };
    return { affectedRows: header.affectedRows, insertId: header.insertId > 0 ? header.insertId : null };
  }

  close(): Promise<void> {
    this.#broken = true;
    if (this.#destroyed) return Promise.resolve();
    this.ref(); // an idle (unref'd) socket would let the process exit before the goodbye is answered
    return new Promise((resolve) => {
      this.#connection.end(() => {
        this.#connection.destroy();
        resolve();
      });
    });
  }

  /** mysql2 keeps the connection's socket as `stream` (not in its typings). */
  #socket(): Socket | undefined {
    return (this.#connection as unknown as { stream?: Socket }).stream;
  }

  /** mysql2 runs a connection's commands in order: nothing sent later on this session runs before it. */
  #reassertReadOnly(): void {
    this.#connection.query(REASSERT_READ_ONLY, (error) => {
      if (error) this.#broken = true;
    });
  }

  #failStreams(error: unknown): void {
    for (const stream of this.#streams) stream.lost(error);
  }

  /** A statement queued behind a paused stream would wait for it forever: the stream reads on into memory. */
  #bufferStreams(): void {
    for (const stream of this.#streams) stream.bufferAll();
  }

  #send(sql: string, params: readonly unknown[]): Promise<unknown> {
    if (this.#streams.size !== 0) this.#bufferStreams();
    return new Promise((resolve, reject) => {
      const callback = (error: unknown, result: unknown) => {
        if (error) {
          if (endsMysqlSession(error)) this.#broken = true;
          reject(error);
        } else resolve(result);
      };
      if (params.length === 0) this.#connection.query(sql, callback);
      else this.#connection.execute(sql, params as never, callback);
    });
  }
}

/** What mysql2 reports for a session the server closed (CR_SERVER_LOST). */
function connectionLost(): Error {
  return Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
}
