import type { Connection } from '../connection/connection.js';
import { type Decision, DecisionLog } from './decision-log.js';
import { logTag, type ParsedTransactionId, parseBranchId } from './transaction-id.js';

export interface RecoverOptions {
  /** Prepared transactions younger than this (ms) are left alone: they may belong to a live process. Default 60000. */
  minAgeMs?: number;
}

/** What `DB.recover()` did with one prepared transaction (or one connection it could not look at). */
export interface RecoveryResult {
  /** The connection recovery went through. */
  connection: string;
  /** The prepared branch's id; null when the whole connection was skipped (unreachable). */
  xid: string | null;
  action: 'committed' | 'rolled back' | 'skipped';
  reason: string;
}

/** Decision rows are kept this long after a crash left them, so a late process still finds them. */
const LOG_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Finishes the prepared transactions this application left in doubt, by the
 * decision log: `commit` recorded -> commit; nothing recorded -> a `rollback`
 * is recorded (so a coordinator that is merely slow cannot commit later) and
 * the branch is rolled back. Connections are looked at one by one; one that
 * cannot be reached is reported and skipped.
 */
export async function recoverPrepared(
  connections: readonly Connection[],
  options: { prefix: string; minAgeMs?: number; log?: Connection },
): Promise<RecoveryResult[]> {
  const minAgeMs = options.minAgeMs ?? 60_000;
  if (!Number.isFinite(minAgeMs) || minAgeMs < 0) {
    throw new RangeError(`DB.recover(): minAgeMs must be a number of milliseconds >= 0, got ${String(options.minAgeMs)}.`);
  }
  const run = new RecoveryRun(connections, options.prefix, minAgeMs);
  if (options.log !== undefined) run.logsUsed.add(DecisionLog.on(options.log));
  for (const connection of connections) {
    if (connection.dialect.twoPhase !== null) await run.recover(connection);
  }
  await run.purgeLogs();
  return run.results;
}

class RecoveryRun {
  readonly results: RecoveryResult[] = [];
  readonly #connections: readonly Connection[];
  readonly #prefix: string;
  readonly #minAgeMs: number;
  readonly #now = Date.now();
  /** Decisions settled in this run, by global id. */
  readonly #decisions = new Map<string, Promise<Decision>>();
  /**
   * Branches already reported: MariaDB's XA RECOVER lists every branch of the server, so each
   * connection to that server sees the same ones; the first connection that lists a branch handles it.
   */
  readonly #seen = new Set<string>();
  /** Logs to purge: those consulted, and the configured one (rows a crash after phase two left). */
  readonly logsUsed = new Set<DecisionLog>();
  #unreachable = false;

  constructor(connections: readonly Connection[], prefix: string, minAgeMs: number) {
    this.#connections = connections;
    this.#prefix = prefix;
    this.#minAgeMs = minAgeMs;
  }

  async recover(connection: Connection): Promise<void> {
    const twoPhase = connection.dialect.twoPhase;
    if (twoPhase === null) return;
    let rows: Record<string, unknown>[];
    try {
      rows = await connection.transactions.runOutside(() => connection.select(twoPhase.listPrepared(this.#prefix)));
    } catch (error) {
      this.#unreachable = true;
      this.#report(connection, null, 'skipped', `cannot list its prepared transactions: ${messageOf(error)}`);
      return;
    }
    for (const row of rows) {
      const prepared = twoPhase.readPrepared(row);
      const id = prepared === null ? null : parseBranchId(this.#prefix, prepared.xid);
      if (prepared === null || id === null) continue; // not this application's
      if (this.#seen.has(prepared.xid)) continue;
      this.#seen.add(prepared.xid);
      const age = this.#now - (prepared.preparedAt?.getTime() ?? id.createdAt);
      if (age < this.#minAgeMs) {
        this.#report(
          connection,
          prepared.xid,
          'skipped',
          `prepared ${Math.round(age / 1000)} s ago, younger than minAgeMs (${this.#minAgeMs} ms): it may belong to a live process`,
        );
        continue;
      }
      let decision: Decision;
      try {
        decision = await this.#decision(id);
      } catch (error) {
        this.#report(connection, prepared.xid, 'skipped', messageOf(error));
        continue;
      }
      const statement = decision === 'commit' ? twoPhase.commitPrepared(prepared.xid) : twoPhase.rollbackPrepared(prepared.xid);
      try {
        await connection.transactions.sendAlone([statement]);
      } catch (error) {
        this.#report(
          connection,
          prepared.xid,
          'skipped',
          `could not ${decision === 'commit' ? 'commit' : 'roll back'} it: ${messageOf(error)}`,
        );
        continue;
      }
      const reason = decision === 'commit' ? 'the decision log recorded commit' : 'no decision to commit was recorded';
      this.#report(connection, prepared.xid, decision === 'commit' ? 'committed' : 'rolled back', reason);
    }
  }

  /** Old rows go once nothing was out of reach (a server down might still hold a branch that needs its row). */
  async purgeLogs(): Promise<void> {
    if (this.#unreachable) return;
    const before = this.#now - Math.max(LOG_RETENTION_MS, this.#minAgeMs);
    await Promise.all([...this.logsUsed].map((log) => log.purge(before).catch(() => 0)));
  }

  #decision(id: ParsedTransactionId): Promise<Decision> {
    let decision = this.#decisions.get(id.gid);
    if (decision === undefined) {
      decision = this.#settle(id);
      this.#decisions.set(id.gid, decision);
    }
    return decision;
  }

  async #settle(id: ParsedTransactionId): Promise<Decision> {
    const candidates = this.#connections.filter((c) => logTag(c.name) === id.logTag);
    if (candidates.length !== 1) {
      throw new Error(
        candidates.length === 0
          ? `no configured connection is its decision log (tag ${id.logTag}); configure that connection and run recovery again`
          : `its decision log tag ${id.logTag} matches several connections (${candidates.map((c) => c.name).join(', ')})`,
      );
    }
    const log = DecisionLog.on(candidates[0]);
    this.logsUsed.add(log);
    try {
      return await log.settle(id.gid);
    } catch (error) {
      this.#unreachable = true;
      throw new Error(`its decision log on [${log.connection.name}] cannot be read: ${messageOf(error)}`);
    }
  }

  #report(connection: Connection, xid: string | null, action: RecoveryResult['action'], reason: string): void {
    this.results.push({ connection: connection.name, xid, action, reason });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
