import type { Socket } from 'node:net';
import type { Connection as MysqlConnection, ResultSetHeader } from 'mysql2';
import type { DriverSession, Row, WriteResult } from '../dialect.js';
import { endsMysqlSession } from './mysql-errors.js';

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
    connection.on('error', () => {
      this.#broken = true;
      onBroken();
    });
    connection.on('end', () => {
      this.#broken = true;
    });
  }

  get broken(): boolean {
    return this.#broken;
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
    // mysql2 runs a connection's commands in order: nothing sent later on this session runs before it.
    this.#connection.query(REASSERT_READ_ONLY, (error) => {
      if (error) this.#broken = true;
    });
    return rows;
  }

  async exec(sql: string, params: readonly unknown[]): Promise<WriteResult> {
    const header = (await this.#send(sql, params)) as ResultSetHeader | Row[];
    if (Array.isArray(header)) return { affectedRows: header.length, insertId: null };
    return { affectedRows: header.affectedRows, insertId: header.insertId > 0 ? header.insertId : null };
  }

  close(): Promise<void> {
    this.#broken = true;
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

  #send(sql: string, params: readonly unknown[]): Promise<unknown> {
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
