import type { PooledSession } from '../connection/session-pool.js';
import type { TransactionSql } from '../dialect/transaction-sql.js';

/** What a transaction needs from its connection. */
export interface TransactionHost {
  readonly name: string;
  /** The engine's BEGIN, COMMIT, ROLLBACK and savepoint statements. */
  readonly sql: TransactionSql;
  reserveSession(): Promise<PooledSession>;
  releaseSession(session: PooledSession): void;
  /** Sends a transaction-control statement on the session (observed like any statement). */
  control(session: PooledSession, sql: string): Promise<void>;
  /** Error for a statement on a session that died inside the transaction. */
  lostSessionError(): Error;
}

/**
 * One level of a transaction on one connection: the root holds a reserved
 * session; each nested level is a savepoint on the same session.
 */
export class TransactionFrame {
  readonly host: TransactionHost;
  readonly parent: TransactionFrame | undefined;
  readonly depth: number;
  #ended = false;
  /** BEGIN (or SAVEPOINT) has run: statements may use the session without awaiting `ready`. */
  #started = false;
  /** The root's reserved session, once BEGIN has been sent. */
  session: PooledSession | undefined;
  /** Called once when the frame ends (the connection counts open frames). */
  onEnd: (() => void) | undefined;
  /** Settles when BEGIN (or SAVEPOINT) has run. */
  ready: Promise<void> = Promise.resolve();
  /** A root that two-phase commit ends itself: `commit()`/`rollback()` through the connection refuse it. */
  coordinated = false;

  constructor(host: TransactionHost, parent: TransactionFrame | undefined) {
    this.host = host;
    this.parent = parent;
    this.depth = parent === undefined ? 0 : parent.depth + 1;
  }

  /** Ended itself, or an enclosing level ended (a savepoint cannot outlive its transaction). */
  get ended(): boolean {
    return this.#ended || this.parent?.ended === true;
  }

  get savepoint(): string {
    return `so_savepoint_${this.depth}`;
  }

  /** Reserves a session (root) and opens the transaction or savepoint. */
  start(beginStatements: readonly string[]): Promise<void> {
    this.ready = this.#start(beginStatements);
    return this.ready;
  }

  /**
   * The session, without waiting, once BEGIN has run and while it lives (the usual case);
   * otherwise undefined, and `usableSession()` waits or fails. Saves every statement of a
   * transaction two awaits and their promises.
   */
  get sessionNow(): PooledSession | undefined {
    if (!this.#started) return undefined;
    const session = this.#root().session;
    return session !== undefined && !session.driver.broken ? session : undefined;
  }

  /** The session statements of this transaction run on; fails if it died. */
  async usableSession(): Promise<PooledSession> {
    await this.ready;
    const session = this.#root().session;
    if (session === undefined || session.driver.broken) throw this.host.lostSessionError();
    return session;
  }

  async commit(commitStatement: string = this.host.sql.commit): Promise<void> {
    await this.#finish(this.parent === undefined ? commitStatement : this.host.sql.releaseSavepoint(this.savepoint), true);
  }

  async rollback(): Promise<void> {
    const sql = this.host.sql;
    await this.#finish(this.parent === undefined ? sql.rollback : sql.rollbackToSavepoint(this.savepoint), false);
  }

  /** @internal Sends `statements` on this transaction's session without ending it (two-phase commit's PREPARE, COMMIT PREPARED...). */
  async send(statements: readonly string[]): Promise<void> {
    const session = await this.usableSession();
    for (const statement of statements) await this.host.control(session, statement);
  }

  /**
   * @internal Ends the frame without a statement, giving the session back; `discard` closes it
   * first, for a session left in a state nobody else may inherit (a failed XA statement).
   */
  async release(discard: boolean): Promise<void> {
    const session = this.#root().session;
    if (discard && session !== undefined) await session.driver.close().catch(() => {});
    this.#end();
  }

  async #start(beginStatements: readonly string[]): Promise<void> {
    try {
      if (this.parent === undefined) {
        this.session = await this.host.reserveSession();
        for (const statement of beginStatements) await this.host.control(this.session, statement);
      } else {
        const session = await this.parent.usableSession();
        await this.host.control(session, this.host.sql.savepoint(this.savepoint));
      }
      this.#started = true;
    } catch (error) {
      this.#end();
      throw error;
    }
  }

  async #finish(statement: string, mustSucceed: boolean): Promise<void> {
    try {
      if (!this.#started) await this.ready.catch(() => {});
      const session = this.#root().session;
      if (session === undefined || session.driver.broken) {
        // The server already rolled the transaction back when the session died.
        if (mustSucceed) throw this.host.lostSessionError();
        return;
      }
      await this.host.control(session, statement);
    } catch (error) {
      if (mustSucceed || !this.#root().session?.driver.broken) throw error;
    } finally {
      this.#end();
    }
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onEnd?.();
    if (this.parent === undefined && this.session !== undefined) {
      this.host.releaseSession(this.session);
      this.session = undefined;
    }
  }

  #root(): TransactionFrame {
    let frame: TransactionFrame = this;
    while (frame.parent !== undefined) frame = frame.parent;
    return frame;
  }
}
