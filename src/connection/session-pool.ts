import { type HostProbe, openOnHosts } from './host-list-session.js';
import type { ServerConfig } from '../config/types.js';
import type { Dialect, DriverSession, Row, SessionSettings, WriteResult } from '../dialect/dialect.js';
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
  /** `performance.now()` at which it gives up. */
  deadline: number;
}

/** A session handed to a statement (not to a transaction). */
function borrowed(session: PooledSession): PooledSession {
  session.inFlight++;
  return session;
}

export interface SessionPoolOptions {
  connection: string;
  dialect: Dialect;
  server: ServerConfig;
  readOnly: boolean;
  /** The server ends a statement that runs longer; absent: no limit. */
  statementTimeoutMs?: number;
  /** Server session variables set on every new session (`variables`). */
  variables: SessionSettings['variables'];
  max: number;
  acquireTimeoutMs: number;
  /** Idle sessions do not keep the process alive (their sockets are unref'd while idle). */
  allowExitOnIdle: boolean;
  /** Asks a host of a host list whether it is a standby (through the connection, so it is observed). */
  probe: HostProbe;
  /** Runs the dialect's set-up statements on a new session (through the connection, so they are observed). */
  setUp(session: DriverSession, statements: string[]): Promise<void>;
  /** Sends, on another session of this server, the statement that stops what a dropped session left running. */
  stopLeftRunning?(sql: string): void;
  /** A read failed because its session died and is sent again on a fresh one: report the lost attempt. */
  onRetry?(error: unknown, sql: string, params: readonly unknown[], startedAt: number): void;
}

/**
 * The sessions of one server. A statement outside a transaction borrows an
 * idle session for its own duration; a transaction reserves one until it ends.
 * No more than `max` sessions are ever open; a caller that finds none idle waits
 * up to the acquire timeout, then gets PoolTimeoutError, never having been sent.
 * With `allowExitOnIdle`, idle sessions do not keep the process alive; busy ones do.
 */
export class SessionPool {
  readonly server: ServerConfig;
  readonly #options: SessionPoolOptions;
  readonly #max: number;
  readonly #sessions: PooledSession[] = [];
  /** Sessions nobody uses. */
  readonly #idle: PooledSession[] = [];
  /** Callers waiting for a session, oldest first: every one waits as long, so deadlines only grow. */
  readonly #waiters: Waiter[] = [];
  /** One timer for the oldest waiter's deadline, not one per waiter (PostgreSQL W2 queues most statements). */
  #waitTimer: NodeJS.Timeout | undefined;
  #opening = 0;
  #closed = false;

  readonly #settings: SessionSettings;

  constructor(options: SessionPoolOptions) {
    this.#options = options;
    this.#settings = { readOnly: options.readOnly, variables: options.variables };
    if (options.statementTimeoutMs !== undefined) this.#settings.statementTimeoutMs = options.statementTimeoutMs;
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

  /**
   * `all` at once on a free session whose driver runs synchronously (better-sqlite3): the rows, or
   * undefined when no session is free or the driver is asynchronous (then `all`). A read that a
   * dead session lost also gives undefined, after the report: `all` sends it once more, on a fresh session.
   */
  allNow(sql: string, params: readonly unknown[]): Row[] | undefined {
    return this.#readNow(sql, params, false) as Row[] | undefined;
  }

  /** `allNow` of a read that wants its first row: the row or null, or undefined when not now. */
  firstNow(sql: string, params: readonly unknown[]): Row | null | undefined {
    return this.#readNow(sql, params, true) as Row | null | undefined;
  }

  #readNow(sql: string, params: readonly unknown[], first: boolean): Row[] | Row | null | undefined {
    const session = this.#freeSynchronous();
    if (session === undefined) return undefined;
    const answered = session.answered;
    const startedAt = queryEvents.active ? performance.now() : 0;
    try {
      const driver = session.driver as Required<Pick<DriverSession, 'allNow' | 'firstNow'>>;
      const result = first ? driver.firstNow(sql, params) : driver.allNow(sql, params);
      session.answered = true;
      return result;
    } catch (error) {
      if (!answered || !session.driver.broken || this.#closed) throw error;
      this.#options.onRetry?.(error, sql, params, startedAt);
      return undefined;
    } finally {
      this.#giveBackSynchronous(session);
    }
  }

  /** `exec` at once, as `allNow` (a write is never sent twice). */
  execNow(sql: string, params: readonly unknown[]): WriteResult | undefined {
    const session = this.#freeSynchronous();
    if (session === undefined) return undefined;
    try {
      const result = (session.driver.execNow as NonNullable<DriverSession['execNow']>)(sql, params);
      session.answered = true;
      return result;
    } finally {
      this.#giveBackSynchronous(session);
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

  /** A session for a stream (PooledRowStream), borrowed as a statement's is, until `giveBackBorrowed`. */
  borrowSession(): Promise<PooledSession> {
    const session = this.#borrow();
    return session instanceof PooledSession ? Promise.resolve(session) : session;
  }

  giveBackBorrowed(session: PooledSession): void {
    this.#giveBack(session);
  }

  /**
   * Whether a read that failed on `session` may be sent once more, on a fresh session: the
   * session had answered before (`answered`, read when it was borrowed) and has died since. Reports the lost attempt.
   */
  retriesRead(session: PooledSession, answered: boolean, error: unknown, sql: string, params: readonly unknown[], startedAt: number): boolean {
    if (!answered || !session.driver.broken || this.#closed) return false;
    this.#options.onRetry?.(error, sql, params, startedAt);
    return true;
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
    this.#stopWaitTimer();
    for (const waiter of this.#waiters.splice(0)) {
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
    return this.#openOrWait().then(borrowed);
  }

  /**
   * The idle session a synchronous statement runs on, or undefined. It is not ref'd as `#takeFree`
   * does: the process cannot exit during a synchronous call, so the session stays as it was while idle.
   */
  #freeSynchronous(): PooledSession | undefined {
    const idle = this.#idle;
    const session = idle[idle.length - 1];
    if (session === undefined || session.driver.allNow === undefined || session.driver.broken) return undefined;
    idle.pop();
    session.inFlight++;
    return session;
  }

  /** Back to the idle list after a synchronous statement (a session was idle, so nobody waits). */
  #giveBackSynchronous(session: PooledSession): void {
    session.inFlight--;
    if (session.driver.broken || (this.#options.readOnly && session.driver.modeLifted === true) || this.#waiters.length > 0) {
      this.#giveBack(session, true);
      return;
    }
    this.#idle.push(session);
  }

  #giveBack(session: PooledSession, fromReservation = false): void {
    if (!fromReservation) session.inFlight--;
    // A read-only session whose mode a statement lifted never serves another one.
    if (session.driver.broken || (this.#options.readOnly && session.driver.modeLifted === true)) {
      this.#drop(session);
      this.#serveWaitersByOpening();
      return;
    }
    if (session.reserved || session.inFlight > 0) return;
    const waiter = this.#nextWaiter();
    if (waiter !== undefined) waiter.resolve(session);
    else {
      if (this.#options.allowExitOnIdle) session.driver.unref?.();
      this.#idle.push(session);
    }
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
    // In use again: a statement in flight or an open transaction keeps the process alive.
    if (session !== undefined && this.#options.allowExitOnIdle) session.driver.ref?.();
    return session;
  }

  #openOrWait(): Promise<PooledSession> {
    if (this.#closed) {
      return Promise.reject(this.#closedError('was closed'));
    }
    if (this.#sessions.length + this.#opening < this.#max) return this.#open();
    return new Promise((resolve, reject) => {
      const timeout = this.#options.acquireTimeoutMs;
      this.#waiters.push({ resolve, reject, deadline: performance.now() + timeout });
      this.#waitTimer ??= setTimeout(this.#expireWaiters, timeout);
    });
  }

  /** Fails the waiters whose time is up with PoolTimeoutError, and waits for the next deadline. */
  readonly #expireWaiters = (): void => {
    this.#waitTimer = undefined;
    const now = performance.now();
    // Timers count whole milliseconds: a deadline less than one away has come.
    while (this.#waiters.length > 0 && this.#waiters[0].deadline < now + 1) {
      const { connection, acquireTimeoutMs } = this.#options;
      (this.#waiters.shift() as Waiter).reject(new PoolTimeoutError(connection, this.#max, acquireTimeoutMs));
    }
    if (this.#waiters.length > 0) this.#waitTimer = setTimeout(this.#expireWaiters, this.#waiters[0].deadline - now);
  };

  /** The oldest waiter, taken off the queue; with none left, no timer stays (it would keep the process alive). */
  #nextWaiter(): Waiter | undefined {
    const waiter = this.#waiters.shift();
    if (this.#waiters.length === 0 && this.#waitTimer !== undefined) this.#stopWaitTimer();
    return waiter;
  }

  #stopWaitTimer(): void {
    clearTimeout(this.#waitTimer);
    this.#waitTimer = undefined;
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
    const { dialect, server, connection } = this.#options;
    const settings = this.#settings;
    let pooled: PooledSession | undefined;
    try {
      const openOptions = {
        ...settings,
        connection,
        onBroken: () => {
          if (pooled !== undefined && !pooled.reserved && pooled.inFlight === 0) this.#drop(pooled);
        },
      };
      const driver = await openOnHosts(dialect, server, openOptions, this.#options.probe);
      pooled = new PooledSession(driver, this);
      const setup = dialect.sessionSetup(server, settings, driver);
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
    const left = session.driver.leftRunning;
    if (left !== undefined && !this.#closed) this.#options.stopLeftRunning?.(left);
  }

  /** After a session died, waiters may be served by a new one. */
  #serveWaitersByOpening(): void {
    while (this.#waiters.length > 0 && this.#sessions.length + this.#opening < this.#max) {
      const waiter = this.#nextWaiter() as Waiter;
      this.#open().then(waiter.resolve, waiter.reject);
    }
  }
}
