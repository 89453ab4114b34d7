import { DatabaseError } from '../errors/database-error.js';
import { TransactionFrame, type TransactionHost } from './transaction-frame.js';
import { activeFrame, enterFrame, runInFrame } from './transaction-scope.js';

/**
 * The per-connection transaction API (`beginTransaction`, `commit`,
 * `rollback`, `transaction`). Transactions belong to the async flow that began
 * them; nesting makes savepoints.
 */
export class ConnectionTransactions {
  readonly #host: TransactionHost;
  readonly #beginStatements: readonly string[];
  /** Frames not yet ended, in any flow: while 0, the hot path skips the scope lookup. */
  #open = 0;

  /** `readOnly`: the connection's sessions are read-only, and so BEGIN must be one they accept. */
  constructor(host: TransactionHost, readOnly: boolean) {
    this.#host = host;
    this.#beginStatements = [readOnly ? host.sql.readOnlyBegin : host.sql.begin];
  }

  /** This flow's innermost open transaction on the connection. */
  current(): TransactionFrame | undefined {
    return this.#open === 0 ? undefined : activeFrame(this.#host);
  }

  /**
   * Not an async function on purpose: the frame must enter the caller's async
   * context synchronously, before the caller's `await` captures it.
   */
  begin(beginStatements: readonly string[] = this.#beginStatements): Promise<void> {
    const frame = new TransactionFrame(this.#host, activeFrame(this.#host));
    enterFrame(this.#host, frame);
    return this.#track(frame, frame.start(beginStatements));
  }

  commit(commitStatement: string = this.#host.sql.commit): Promise<void> {
    const frame = activeFrame(this.#host);
    if (frame === undefined) {
      return Promise.reject(
        new DatabaseError(`Connection [${this.#host.name}]: commit() without an active transaction.`, {
          connection: this.#host.name,
        }),
      );
    }
    if (frame.coordinated) return Promise.reject(this.#coordinatedError('commit'));
    enterFrame(this.#host, frame.parent);
    return frame.commit(commitStatement);
  }

  /** Without an active transaction this does nothing, so `catch { await rollback() }` never hides the first error. */
  rollback(): Promise<void> {
    const frame = activeFrame(this.#host);
    if (frame === undefined) return Promise.resolve();
    if (frame.coordinated) return Promise.reject(this.#coordinatedError('rollback'));
    enterFrame(this.#host, frame.parent);
    return frame.rollback();
  }

  /** Runs `fn` in a transaction (a savepoint when one is open): commits on return, rolls back on throw. */
  run<T>(fn: () => Promise<T> | T, beginStatements: readonly string[] = this.#beginStatements): Promise<T> {
    const frame = new TransactionFrame(this.#host, activeFrame(this.#host));
    return runInFrame(this.#host, frame, async () => {
      await this.#track(frame, frame.start(beginStatements));
      let result: T;
      try {
        result = await fn();
      } catch (error) {
        // The caller's error is the one that matters; a failed rollback must not replace it.
        await frame.rollback().catch(() => {});
        throw error;
      }
      await frame.commit();
      return result;
    });
  }

  /**
   * @internal For two-phase commit: reserves a session and begins a root transaction with
   * `beginStatements` (e.g. `XA START`), in no flow's scope until `runInScope`. The coordinator
   * ends it (`send`, `release`); the session is reserved synchronously, in call order.
   */
  openCoordinated(beginStatements: readonly string[] = this.#beginStatements): TransactionFrame {
    const frame = new TransactionFrame(this.#host, undefined);
    frame.coordinated = true;
    this.#track(frame, frame.start(beginStatements)).catch(() => {}); // the caller awaits frame.ready
    return frame;
  }

  /** @internal Runs `fn` with `frame` as this flow's transaction on the connection. */
  runInScope<T>(frame: TransactionFrame, fn: () => T): T {
    return runInFrame(this.#host, frame, fn);
  }

  /** @internal Runs `fn` outside any transaction this flow has on the connection (decision log, recovery). */
  runOutside<T>(fn: () => T): T {
    return runInFrame(this.#host, undefined, fn);
  }

  /** @internal Sends `statements` on a session of their own, outside any transaction (`XA COMMIT` of another session's branch). */
  async sendAlone(statements: readonly string[]): Promise<void> {
    const session = await this.#host.reserveSession();
    try {
      for (const statement of statements) await this.#host.control(session, statement);
    } finally {
      this.#host.releaseSession(session);
    }
  }

  #coordinatedError(operation: 'commit' | 'rollback'): DatabaseError {
    return new DatabaseError(
      `Connection [${this.#host.name}]: ${operation}() refused: this transaction belongs to DB.transaction([...]), ` +
        'which commits every participant when its function returns and rolls them all back when it throws.',
      { connection: this.#host.name },
    );
  }

  /** Counts the frame as open until it ends. */
  #track(frame: TransactionFrame, started: Promise<void>): Promise<void> {
    this.#open++;
    frame.onEnd = () => this.#open--;
    return started;
  }
}
