import { DatabaseError } from './database-error.js';

/**
 * Where a cross-connection transaction failed: `begin` (refused up front), `prepare` (phase one),
 * `decision` (recording the decision to commit), `commit` (phase two), `rollback`.
 */
export type TwoPhase = 'begin' | 'prepare' | 'decision' | 'commit' | 'rollback';

/**
 * A cross-connection transaction (`DB.transaction([...])`) failed; names the participant, the phase
 * and where each participant was left (`committed`, `rolled back`,
 * `prepared (in doubt: DB.recover() will commit it)`, ...).
 *
 * @example
 * try {
 *   await DB.transaction(['db', 'essentials'], async ({ db, essentials }) => { ... });
 * } catch (error) {
 *   if (error instanceof TwoPhaseCommitError) console.error(error.phase, error.participant, error.states);
 * }
 */
export class TwoPhaseCommitError extends DatabaseError {
  readonly participant: string;
  readonly phase: TwoPhase;
  /** Participant name -> the state it was left in. */
  readonly states: Readonly<Record<string, string>>;

  constructor(message: string, participant: string, phase: TwoPhase, states: Record<string, string>, cause?: unknown) {
    super(message, { connection: participant, cause });
    this.participant = participant;
    this.phase = phase;
    this.states = states;
  }
}
