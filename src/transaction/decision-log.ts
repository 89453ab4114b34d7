import type { Connection } from '../connection/connection.js';

export type Decision = 'commit' | 'rollback';

/** The table, on the log connection, that records how each cross-connection transaction ended. */
export const DECISION_LOG_TABLE = 'so_transaction_log';

const CREATE_TABLE =
  `CREATE TABLE IF NOT EXISTS ${DECISION_LOG_TABLE} ` +
  '(xid VARCHAR(100) NOT NULL PRIMARY KEY, decision VARCHAR(10) NOT NULL, created_at BIGINT NOT NULL)';
const INSERT = `INSERT INTO ${DECISION_LOG_TABLE} (xid, decision, created_at) VALUES (?, ?, ?)`;
const DELETE = `DELETE FROM ${DECISION_LOG_TABLE} WHERE xid = ?`;

const logs = new WeakMap<Connection, DecisionLog>();

/**
 * The decision log of two-phase commit on one connection. A row `commit` is
 * committed before any prepared participant commits; no row means the
 * transaction never decided to commit (presumed abort). Recovery settles a transaction without a
 * row by inserting `rollback`: the primary key makes the coordinator's `commit`
 * and recovery's `rollback` exclusive, whoever comes second fails.
 */
export class DecisionLog {
  readonly connection: Connection;
  #ready: Promise<void> | undefined;
  /** Global ids whose rows are no longer needed (every participant committed). */
  readonly #finished: string[] = [];

  private constructor(connection: Connection) {
    this.connection = connection;
  }

  static on(connection: Connection): DecisionLog {
    let log = logs.get(connection);
    if (log === undefined) {
      log = new DecisionLog(connection);
      logs.set(connection, log);
    }
    return log;
  }

  /** Creates the table if missing, once per connection (again after a failure). */
  ensureTable(): Promise<void> {
    // Tried twice: two processes creating the table at once can make PostgreSQL's CREATE TABLE IF NOT EXISTS fail.
    const create = () => this.#outside(() => this.connection.statement(CREATE_TABLE));
    this.#ready ??= create()
      .catch(create)
      .then(
        () => {},
        (error: unknown) => {
          this.#ready = undefined;
          throw error;
        },
      );
    return this.#ready;
  }

  /**
   * Inserts `commit` in whatever transaction the flow has on the connection (the
   * decider's own, see the coordinator), and deletes there the rows of `finished`
   * transactions: they go when that transaction commits, at no extra commit.
   */
  async recordCommit(gid: string, finished: readonly string[] = []): Promise<void> {
    const insert = this.connection.insert(INSERT, [gid, 'commit', Date.now()]);
    if (finished.length === 0) {
      await insert;
      return;
    }
    // One point delete per row: a lookup by the whole primary key of a row that exists locks only that
    // row (an IN list may be scanned as a range, whose gap locks deadlock with concurrent inserts).
    const deletes = finished.map((old) => this.connection.delete(DELETE, [old]));
    // Queued on the transaction's session in order: one round trip where the engine pipelines.
    const results = await Promise.allSettled([insert, ...deletes]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }

  /** Inserts `commit` in a short transaction of its own. */
  async recordCommitApart(gid: string): Promise<void> {
    await this.#outside(() => this.recordCommit(gid));
  }

  /** Notes transactions whose participants all committed: the next decision on this log deletes their rows. */
  finished(gids: readonly string[]): void {
    this.#finished.push(...gids);
  }

  /**
   * Takes a few finished transactions for the next decision to delete (give them back with `finished`
   * if it rolls back). Two per decision: the backlog shrinks whenever transactions follow each other.
   */
  takeFinished(): string[] {
    return this.#finished.splice(0, 2);
  }

  /**
   * The decision that stands for `gid`, fixing it as `rollback` when none was
   * recorded. Waits for a transaction that is still writing the row (row lock).
   */
  async settle(gid: string): Promise<Decision> {
    await this.ensureTable();
    try {
      await this.#outside(() => this.connection.insert(INSERT, [gid, 'rollback', Date.now()]));
      return 'rollback';
    } catch (error) {
      // A duplicate key means a decision exists; any other failure leaves nothing known.
      const existing = await this.read(gid);
      if (existing === null) throw error;
      return existing;
    }
  }

  async read(gid: string): Promise<Decision | null> {
    const row = await this.#outside(() =>
      this.connection.selectOne<{ decision: string }>(`SELECT decision FROM ${DECISION_LOG_TABLE} WHERE xid = ?`, [gid]),
    );
    if (row === null) return null;
    return row.decision === 'commit' ? 'commit' : 'rollback';
  }

  /** Drops the row of a transaction every participant has finished. */
  async forget(gid: string): Promise<void> {
    await this.#outside(() => this.connection.delete(DELETE, [gid]));
  }

  /** Drops rows written before `before` (ms since epoch); returns how many. */
  purge(before: number): Promise<number> {
    return this.#outside(() => this.connection.delete(`DELETE FROM ${DECISION_LOG_TABLE} WHERE created_at < ?`, [before]));
  }

  #outside<T>(fn: () => Promise<T>): Promise<T> {
    return this.connection.transactions.runOutside(fn);
  }
}
