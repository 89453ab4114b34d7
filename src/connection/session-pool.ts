import type { ServerConfig } from '../config/types.js';
import type { Dialect, DriverSession, Row, WriteResult } from '../dialect/dialect.js';
import { ConnectionError, PoolTimeoutError } from '../errors/connection-errors.js';
import { queryEvents } from './query-events.js';

/** A server session as the pool tracks it. */
export class PooledSession {
  /** Statements in flight from non-transaction callers (0 or 1: a busy session is never shared). */
  inFlight = 0;
  /** Held by one transaction until it ends. */
  reserved = false;
  /** Has answered a statement: a failure now means it died, not that it could never connect. */
  answered = false;
  constructor(
    readonly driver: DriverSession,
    /** The pool it came from, which it must go back to. */
    readonly pool: SessionPool,
  ) {}
}

interface Waiter {
  resolve(session: PooledSession): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

export interface SessionPoolOptions {
  connection: string;
  dialect: Dialect;
  server: ServerConfig;
  readOnly: boolean;
  max: number;
  acquireTimeoutMs: number;
  /** Runs the dialect's set-up statements on a new session (through the connection, so they are observed). */
  setUp(session: DriverSession, statements: string[]): Promise<void>;
  /** A read failed because its session died and is sent again on a fresh one: report the lost attempt. */
  onRetry?(error: unknown, sql: string, params: readonly unknown[], startedAt: number): void;
}

/**
 * The sessions of one server. A statement outside a transaction borrows an
 * idle session for its own duration; a transaction reserves one until it ends.
 * No more than `max` sessions are ever open; a caller that finds none idle waits
 * up to the acquire timeout, then gets PoolTimeoutError, never having been sent.
 */
export class SessionPool {
  readonly server: ServerConfig;
  readonly #options: SessionPoolOptions;
  readonly #max: number;
  readonly #sessions: PooledSession[] = [];
  /** Sessions nobody uses. */
  readonly #idle: PooledSession[] = [];
  readonly #waiters: Waiter[] = [];
  #opening = 0;
  #closed = false;

  constructor(options: SessionPoolOptions) {
    this.#options = options;
    this.server = options.server;
    this.#max = Math.max(1, Math.min(options.max, options.dialect.maxSessions));
  }

  get size(): number {
    return this.#sessions.length;
  }

  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const borrowed = this.#borrow();
    const session = borrowed instanceof PooledSession ? borrowed : await borrowed;
    const answered = session.answered;
    // Timed only for DB.listen's report of a lost attempt: no clock read per statement otherwise.
    const startedAt = queryEvents.active ? performance.now() : 0;
    try {
      const rows = await session.driver.all(sql, params);
      session.answered = true;
      return rows;
    } catch (error) {
      // A session that worked before died under the read (killed while idle, server restart):
      // outside a transaction a read is safe to send once more, on a fresh session. Writes are not.
      if (!answered || !session.driver.broken || this.#closed) throw error;
      this.#options.onRetry?.(error, sql, params, startedAt);
    } finally {
      this.#giveBack(session);
    }
    const again = await this.#borrow();
    try {
      return await again.driver.all(sql, params);
    } finally {
      this.#giveBack(again);
    }
  }

  async exec(sql: string, params: readonly unknown[]): Promise<WriteResult> {
    const borrowed = this.#borrow();
    const session = borrowed instanceof PooledSession ? borrowed : await borrowed;
    try {
      const result = await session.driver.exec(sql, params);
      session.answered = true;
      return result;
    } finally {
      this.#giveBack(session);
    }
  }

  /** A session for one transaction alone, until `release`. */
  async reserve(): Promise<PooledSession> {
    const session = this.#takeFree() ?? (await this.#openOrWait());
    session.reserved = true;
    return session;
  }

  release(session: PooledSession): void {
    session.reserved = false;
    if (this.#closed) {
      session.driver.close().catch(() => {});
      return;
    }
    this.#giveBack(session, true);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.#closedError('was closed while waiting for a session'));
    }
    const sessions = this.#sessions.splice(0);
    this.#idle.length = 0;
    await Promise.all(sessions.map((s) => s.driver.close().catch(() => {})));
  }

  /** Borrow for one statement: synchronously when a session is free. */
  #borrow(): PooledSession | Promise<PooledSession> {
    const session = this.#takeFree();
    if (session !== undefined) {
      session.inFlight++;
      return session;
    }
    return this.#openOrWait().then((opened) => {
      opened.inFlight++;
      return opened;
    });
  }

  #giveBack(session: PooledSession, fromReservation = false): void {
    if (!fromReservation) session.inFlight--;
    if (session.driver.broken) {
      this.#drop(session);
      this.#serveWaitersByOpening();
      return;
    }
    if (session.reserved || session.inFlight > 0) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve(session);
    } else this.#idle.push(session);
  }

  /**
   * An idle session, without opening one. Never a busy one, even where the engine
   * pipelines: a statement queued behind a stalled one would be sent before it can
   * start and would outlive the acquire timeout.
   */
  #takeFree(): PooledSession | undefined {
    let session = this.#idle.pop();
    while (session?.driver.broken) {
      this.#drop(session);
      session = this.#idle.pop();
    }
    return session;
  }

  #openOrWait(): Promise<PooledSession> {
    if (this.#closed) {
      return Promise.reject(this.#closedError('was closed'));
    }
    if (this.#sessions.length + this.#opening < this.#max) return this.#open();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(new PoolTimeoutError(this.#options.connection, this.#max, this.#options.acquireTimeoutMs));
        }, this.#options.acquireTimeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  async #open(): Promise<PooledSession> {
    try {
      return await this.#openOne();
    } catch (error) {
      // Callers queued behind this attempt would otherwise wait out the acquire timeout for a
      // session that never comes: each gets its own attempt (and its own ConnectionError).
      this.#serveWaitersByOpening();
      throw error;
    }
  }

  async #openOne(): Promise<PooledSession> {
    this.#opening++;
    const { dialect, server, readOnly, connection } = this.#options;
    let pooled: PooledSession | undefined;
    try {
      const driver = await dialect.openSession(server, {
        connection,
        readOnly,
        onBroken: () => {
          if (pooled !== undefined && !pooled.reserved && pooled.inFlight === 0) this.#drop(pooled);
        },
      });
      pooled = new PooledSession(driver, this);
      const setup = dialect.sessionSetup(server, { readOnly });
      if (setup.length > 0) {
        try {
          await this.#options.setUp(driver, setup);
        } catch (error) {
          await driver.close().catch(() => {});
          throw error;
        }
      }
    } finally {
      this.#opening--;
    }
    if (this.#closed) {
      await pooled.driver.close().catch(() => {});
      throw this.#closedError('was closed while a session was opening');
    }
    this.#sessions.push(pooled);
    return pooled;
  }

  #closedError(what: string): ConnectionError {
    const { connection } = this.#options;
    return new ConnectionError(`Connection [${connection}] ${what}.`, { connection });
  }

  #drop(session: PooledSession): void {
    const index = this.#sessions.indexOf(session);
    if (index >= 0) this.#sessions.splice(index, 1);
    const idleIndex = this.#idle.indexOf(session);
    if (idleIndex >= 0) this.#idle.splice(idleIndex, 1);
    session.driver.close().catch(() => {});
  }

  /** After a session died, waiters may be served by a new one. */
  #serveWaitersByOpening(): void {
    while (this.#waiters.length > 0 && this.#sessions.length + this.#opening < this.#max) {
      const waiter = this.#waiters.shift() as Waiter;
      clearTimeout(waiter.timer);
      this.#open().then(waiter.resolve, waiter.reject);
    }
  }
}
