import { DatabaseError } from './database-error.js';

export type TwoPhase = 'begin' | 'work' | 'prepare' | 'decide' | 'commit' | 'rollback';

/** A cross-connection transaction failed; names the participant, the phase and where each participant was left. */
export class TwoPhaseCommitError extends DatabaseError {
  readonly participant: string;
  readonly phase: TwoPhase;
  /** Participant name -> `committed` | `rolled back` | `prepared (in doubt: run DB.recover())` ... */
  readonly states: Readonly<Record<string, string>>;

  constructor(
    message: string,
    participant: string,
    phase: TwoPhase,
    states: Record<string, string>,
    cause?: unknown,
  ) {
    super(message, { connection: participant, cause });
    this.participant = participant;
    this.phase = phase;
    this.states = states;
  }
}
