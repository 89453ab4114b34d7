import type { Connection as MysqlConnection, ResultSetHeader } from 'mysql2';
import type { DriverSession, Row, WriteResult } from '../dialect.js';
import { endsMysqlSession } from './mysql-errors.js';

/**
 * One mysql2 connection. Statements with bindings use the binary protocol
 * (prepared once per session, cached by mysql2); the others the text protocol,
 * which also takes statements MySQL cannot prepare (XA, some DDL).
 */
export class MysqlSession implements DriverSession {
  readonly connected: Promise<void>;
  #broken = false;
  readonly #connection: MysqlConnection;

  constructor(connection: MysqlConnection, onBroken: () => void) {
    this.#connection = connection;
    this.connected = new Promise((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
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

  /** MariaDB, not MySQL: it names itself in the handshake's server version (`5.5.5-10.11.6-MariaDB`), which mysql2 keeps. */
  get mariadb(): boolean {
    const handshake = (this.#connection as unknown as { _handshakePacket?: { serverVersion?: unknown } })._handshakePacket;
    return typeof handshake?.serverVersion === 'string' && /mariadb/i.test(handshake.serverVersion);
  }

  all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return this.#send(sql, params) as Promise<Row[]>;
  }

  async exec(sql: string, params: readonly unknown[]): Promise<WriteResult> {
    const header = (await this.#send(sql, params)) as ResultSetHeader | Row[];
    if (Array.isArray(header)) return { affectedRows: header.length, insertId: null };
    return { affectedRows: header.affectedRows, insertId: header.insertId > 0 ? header.insertId : null };
  }

  close(): Promise<void> {
    this.#broken = true;
    return new Promise((resolve) => {
      this.#connection.end(() => {
        this.#connection.destroy();
        resolve();
      });
    });
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
