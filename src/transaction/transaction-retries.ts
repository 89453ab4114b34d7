import { setTimeout as sleep } from 'node:timers/promises';
import type { Dialect } from '../dialect/dialect.js';
import { DatabaseError } from '../errors/database-error.js';
import { TwoPhaseCommitError } from '../errors/two-phase-commit-error.js';
import { ParticipantState } from './two-phase-participant.js';

/** Options of `transaction(fn, options)` and `DB.transaction([...], fn, options)`. */
export interface TransactionOptions {
  /**
   * Runs `fn` again from the start, in a new transaction, up to this many times after a deadlock
   * or serialization failure (MySQL/MariaDB 1213 and Galera certification failures, SQLSTATE
   * 40001/40P01), waiting a little longer each time. Default 0. The error of the last attempt is
   * thrown as it is. Inside a transaction already open (a savepoint), nothing is retried there:
   * the failure ended the whole transaction, and the outermost one retries if it was asked to.
   */
  retries?: number;
  /** MySQL/MariaDB: a lock wait timeout (1205) is retried too. */
  retryLockWaitTimeouts?: boolean;
}

/** The participants a failure may come from: its `connection` names one of them. */
export interface RetryParticipant {
  readonly name: string;
  readonly dialect: Dialect;
}

const FIRST_DELAY_MS = 10;
const MOST_DELAY_MS = 1000;

/** The number of retries asked for, checked (`who` names the caller in the error). */
export function retriesOf(who: string, connection: string, options: TransactionOptions | undefined): number {
  const retries = options?.retries;
  if (retries === undefined) return 0;
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new DatabaseError(`Connection [${connection}]: ${who}: retries must be a whole number from 0, got ${String(retries)}.`, {
      connection,
    });
  }
  return retries;
}

/**
 * Runs `attempt` and, after a failure that running it again may cure, again (at most `retries`
 * more times), with an exponential backoff and jitter: conflicting transactions that retried at
 * once would conflict again.
 */
export async function withRetries<T>(
  retries: number,
  options: TransactionOptions | undefined,
  participants: readonly RetryParticipant[],
  attempt: () => Promise<T>,
): Promise<T> {
  for (let done = 0; ; done++) {
    try {
      return await attempt();
    } catch (error) {
      if (done >= retries || !retryable(error, participants, options?.retryLockWaitTimeouts === true)) throw error;
    }
    const delay = Math.min(MOST_DELAY_MS, FIRST_DELAY_MS * 2 ** done);
    await sleep(delay / 2 + Math.random() * delay);
  }
}

/**
 * A deadlock or serialization failure of a participant, in `fn` or at COMMIT; or one at the
 * prepare phase of two-phase commit once every participant was rolled back. Never after a
 * participant may have committed.
 */
function retryable(error: unknown, participants: readonly RetryParticipant[], lockWaitTimeouts: boolean): boolean {
  let failure = error;
  if (error instanceof TwoPhaseCommitError) {
    const undone = Object.values(error.states).every((state) => state === ParticipantState.rolledBack || state === ParticipantState.notBegun);
    if (error.phase !== 'prepare' || !undone) return false;
    failure = error.cause;
  }
  if (!(failure instanceof DatabaseError)) return false;
  const participant = participants.find((p) => p.name === failure.connection);
  const kind = participant?.dialect.retryableFailure?.(failure) ?? null;
  return kind === 'conflict' || (kind === 'lock-wait-timeout' && lockWaitTimeouts);
}
