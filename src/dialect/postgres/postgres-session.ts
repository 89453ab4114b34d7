import type { Socket } from 'node:net';
import type { PendingQuery, Sql } from 'postgres';
import type { DriverRowStream, DriverSession, Row, StreamOptions, WriteResult } from '../dialect.js';
import { errorCode } from '../error-fields.js';
import { denseRows, firstRowIndex } from './dense-rows.js';
import { isSessionFailure } from './postgres-errors.js';
import { PostgresDeclaredStream, PostgresPortalStream } from './postgres-row-stream.js';

// biome-ignore lint/suspicious/noExplicitAny: custom type parsers are not part of the session's contract
type AnySql = Sql<any>;

type Result = Row[] & { count: number; command: string };

const PREPARED = { prepare: true } as const;
const UNPREPARED = { prepare: false } as const;

/** One postgres.js instance holding one server session. */
export class PostgresSession implements DriverSession {
  #broken = false;
  #lifted = false;
  #stringsChanged = false;
  readonly #sql: AnySql;
  readonly #onBroken: () => void;
  /** The socket postgres.js opens on the first statement, through the `socket` option. */
  #socket: Socket | undefined;
  #unrefd = false;
  /** Names this session's SQL cursors (streams inside a transaction). */
  #cursors = 0;

  constructor(sql: AnySql, onBroken: () => void) {
    this.#sql = sql;
    this.#onBroken = onBroken;
  }

  get broken(): boolean {
    return this.#broken;
  }

  /** Read-only sessions: `default_transaction_read_only` is off (a statement lifted it), or strings stopped being standard. */
  get modeLifted(): boolean {
    return this.#lifted;
  }

  /**
   * A setting the server reported (read-only sessions only). A rolled-back lift reports `on`
   * again; `standard_conforming_strings` off would make the read-only check misread strings,
   * so that one condemns the session for good.
   */
  parameterChanged(key: string, value: string): void {
    if (key === 'default_transaction_read_only') this.#lifted = value !== 'on';
    else if (key === 'standard_conforming_strings' && value !== 'on') this.#stringsChanged = true;
    if (this.#stringsChanged) this.#lifted = true;
  }

  /** The socket postgres.js is about to use for this session; one opened later (a cancel request) is not it. */
  attach(socket: Socket): void {
    if (this.#socket !== undefined) return;
    this.#socket = socket;
    if (this.#unrefd) socket.unref();
  }

  ref(): void {
    this.#unrefd = false;
    this.#socket?.ref();
  }

  unref(): void {
    this.#unrefd = true;
    this.#socket?.unref();
  }

  markBroken(): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#onBroken();
  }

  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const result = await this.#send(sql, params);
    // A plain array, not postgres.js's Result subclass, from the first row on (see firstRowIndex).
    const start = firstRowIndex(result);
    const rows = new Array<Row>(result.length - start);
    for (let i = start; i < result.length; i++) rows[i - start] = result[i];
    return rows;
  }

  async exec(sql: string, params: readonly unknown[]): Promise<WriteResult> {
    const result = await this.#send(sql, params);
    // COMMIT of a transaction that a failed statement aborted (a statement timeout, say) rolls it
    // back without an error, only a ROLLBACK tag: committing must not seem to have worked.
    if (result.command === 'ROLLBACK' && sql === 'COMMIT') throw abortedCommit();
    const first = result[firstRowIndex(result)];
    return {
      affectedRows: result.count ?? 0,
      // INSERT ... RETURNING: the first returned value is the key.
      insertId: first === undefined ? null : (Object.values(first)[0] as number | string),
    };
  }

  stream(sql: string, params: readonly unknown[], { batchSize, inTransaction }: StreamOptions): DriverRowStream {
    if (inTransaction) {
      const send = async (text: string, values: readonly unknown[], prepare: boolean) => denseRows(await this.#send(text, values, prepare));
      return new PostgresDeclaredStream(send, `so_cursor_${++this.#cursors}`, sql, params, batchSize);
    }
    const start = (): PendingQuery<Row[]> => {
      if (this.#broken) throw lostSession();
      return this.#sql.unsafe(sql, params as never[], PREPARED) as unknown as PendingQuery<Row[]>;
    };
    return new PostgresPortalStream(start, batchSize, (error) => this.#failed(error), this.#sql.CLOSE);
  }

  async close(): Promise<void> {
    this.#broken = true;
    this.ref(); // an idle (unref'd) socket would let the process exit before the goodbye is answered
    await this.#sql.end({ timeout: 1 });
  }

  async #send(sql: string, params: readonly unknown[], prepare = true): Promise<Result> {
    // postgres.js would silently reconnect a dead session, outside the transaction it belonged to.
    if (this.#broken) throw lostSession();
    try {
      return (await this.#sql.unsafe(sql, params as never[], prepare ? PREPARED : UNPREPARED)) as unknown as Result;
    } catch (error) {
      this.#failed(error);
      throw error;
    }
  }

  /**
   * A reset socket fails its queries before postgres.js closes it; a statement sent in
   * between would never settle (postgres.js drops queued queries on an errored socket).
   */
  #failed(error: unknown): void {
    if (isSessionFailure(errorCode(error))) this.markBroken();
  }
}

function abortedCommit(): Error {
  const message = 'COMMIT rolled the transaction back: a statement in it failed, which aborted the transaction';
  return Object.assign(new Error(message), { code: '25P02' });
}

function lostSession(): Error {
  return Object.assign(new Error('the server session was closed'), { code: 'CONNECTION_CLOSED' });
}
