import type { Connection } from '../connection/connection.js';
import type { TwoPhaseStatements } from '../dialect/dialect.js';
import type { TransactionFrame } from './transaction-frame.js';

/**
 * How a participant takes part: `prepared` (phase one PREPARE, phase two
 * COMMIT PREPARED / XA COMMIT), `decider` (one plain transaction that also
 * records the decision, so its COMMIT is the decision), `one-phase` (a
 * read-only participant without two-phase commit: it has nothing to lose).
 */
export type ParticipantRole = 'prepared' | 'decider' | 'one-phase';

/** What each participant is left in, as `TwoPhaseCommitError.states` reports it. */
export const ParticipantState = {
  notBegun: 'not begun',
  active: 'active',
  prepared: 'prepared',
  committed: 'committed',
  rolledBack: 'rolled back',
  inDoubtCommit: 'prepared (in doubt: DB.recover() will commit it)',
  inDoubtRollback: 'prepared (in doubt: DB.recover() will roll it back)',
  inDoubtByLog: 'prepared (in doubt: DB.recover() will finish it by the decision log)',
  maybePrepared: 'rolled back, unless its PREPARE reached the server (then prepared until DB.recover() rolls it back)',
  commitUnknown: 'unknown (its COMMIT got no answer)',
} as const;

/** One connection in a cross-connection transaction: its transaction frame and how far it got. */
export class TwoPhaseParticipant {
  readonly connection: Connection;
  readonly role: ParticipantRole;
  /** The id of this participant's branch (XA id / GID). */
  readonly xid: string;
  state: string = ParticipantState.notBegun;
  #frame: TransactionFrame | undefined;
  /** The statement that prepares was sent: the branch may be prepared even if no answer came. */
  #prepareSent = false;

  constructor(connection: Connection, role: ParticipantRole, xid: string) {
    this.connection = connection;
    this.role = role;
    this.xid = xid;
  }

  get name(): string {
    return this.connection.name;
  }

  /** Reserves a session (synchronously, so reservations happen in call order) and begins; settles once begun. */
  begin(): Promise<void> {
    const statements = this.role === 'prepared' ? this.#statements().begin(this.xid) : undefined;
    const frame = this.connection.transactions.openCoordinated(statements);
    this.#frame = frame;
    return frame.ready.then(() => {
      this.state = ParticipantState.active;
    });
  }

  /** Runs `fn` with this participant's transaction as the flow's transaction on its connection. */
  runInScope<T>(fn: () => T): T {
    return this.connection.transactions.runInScope(this.#begun(), fn);
  }

  /** Phase one. */
  async prepare(): Promise<void> {
    const frame = this.#begun();
    const statements = this.#statements().prepare(this.xid);
    if (this.connection.dialect.pipelining) {
      // One round trip: the statements are queued on the session in order; the first failure is the one to report.
      this.#prepareSent = true;
      const outcomes = await Promise.allSettled(statements.map((statement) => frame.send([statement])));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    } else {
      for (let i = 0; i < statements.length; i++) {
        if (i === statements.length - 1) this.#prepareSent = true;
        await frame.send([statements[i]]);
      }
    }
    this.state = ParticipantState.prepared;
  }

  /** Phase two for a prepared participant; the plain COMMIT of the decider and of a one-phase participant. */
  async commit(): Promise<void> {
    const frame = this.#begun();
    if (this.role !== 'prepared') {
      try {
        await frame.send([frame.host.sql.commit]);
      } catch (error) {
        await frame.release(true);
        this.state = ParticipantState.commitUnknown;
        throw error;
      }
      await frame.release(false);
      this.state = ParticipantState.committed;
      return;
    }
    const statement = this.#statements().commitPrepared(this.xid);
    try {
      await frame.send([statement]);
      await frame.release(false);
      this.state = ParticipantState.committed;
    } catch (error) {
      // Close the session (it may still hold the branch), then try from another one: any session may finish a prepared branch.
      await frame.release(true);
      try {
        await this.connection.transactions.sendAlone([statement]);
        this.state = ParticipantState.committed;
      } catch {
        this.state = ParticipantState.inDoubtCommit;
        throw error;
      }
    }
  }

  /**
   * Leaves a prepared branch to `DB.recover()` (the decision cannot be known now) and closes its
   * session: a prepared XA branch stays attached to its MariaDB session until that session ends,
   * and a held session would keep the pool short and recovery in this process locked out.
   */
  async leaveInDoubt(state: string): Promise<void> {
    this.state = state;
    await this.#frame?.release(true);
  }

  /** Rolls back from whatever state it is in. Never throws: `state` tells what became of it. */
  async rollback(): Promise<void> {
    const frame = this.#frame;
    if (frame === undefined || frame.ended) return;
    const prepared = this.state === ParticipantState.prepared;
    const twoPhase = this.role === 'prepared' ? this.#statements() : undefined;
    const statements =
      twoPhase === undefined ? [frame.host.sql.rollback] : prepared ? [twoPhase.rollbackPrepared(this.xid)] : twoPhase.rollback(this.xid);
    let done = false;
    for (const statement of statements) {
      try {
        await frame.send([statement]);
        done = true;
      } catch {
        done = false;
      }
    }
    // A session whose rollback failed is closed: the server then rolls back what was not prepared.
    await frame.release(!done);
    if (done || twoPhase === undefined || !this.#prepareSent) {
      this.state = ParticipantState.rolledBack;
      return;
    }
    // A prepared branch outlives its session: finish it from another one, else recovery will (no commit was recorded).
    try {
      await this.connection.transactions.sendAlone([twoPhase.rollbackPrepared(this.xid)]);
      this.state = ParticipantState.rolledBack;
    } catch {
      this.state = prepared ? ParticipantState.inDoubtRollback : ParticipantState.maybePrepared;
    }
  }

  #begun(): TransactionFrame {
    if (this.#frame === undefined) throw new Error(`Participant [${this.name}] has not begun.`);
    return this.#frame;
  }

  #statements(): TwoPhaseStatements {
    const statements = this.connection.dialect.twoPhase;
    if (statements === null) throw new Error(`Connection [${this.name}] has no two-phase commit.`);
    return statements;
  }
}
