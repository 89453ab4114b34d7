import type { ServerConfig } from '../config/types.js';
import { ConnectionError } from '../errors/connection-errors.js';
import type { DatabaseError } from '../errors/database-error.js';
import type { ReplicaHealthChange } from './query-events.js';

/** The statements health checks send to a replica (through the connection, so they are observed). */
export interface ReplicaChecks {
  /** A trivial statement; rejects when the replica cannot be reached. */
  ping(replica: number): Promise<void>;
  /** Seconds behind the writer, or null when the replica is not replicating. */
  lag(replica: number): Promise<number | null>;
}

export interface ReplicaHealthOptions {
  servers: readonly ServerConfig[];
  /** Seconds; without it lag is never checked. */
  maxReplicationLag?: number;
  checks: ReplicaChecks;
  /** Every change of state, with the error that caused it (DB.listen). */
  report(change: ReplicaHealthChange, error?: DatabaseError): void;
  /** Default: half of maxReplicationLag, between 250 ms and 5 s. */
  lagCheckIntervalMs?: number;
  /** First retry of an unreachable replica (default 1 s), doubled per failed retry up to `maxBackoffMs` (default 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

interface ReplicaState {
  down: boolean;
  /** Consecutive failures, for the backoff. */
  failures: number;
  lagging: boolean;
  lagSeconds: number | null;
  retry: NodeJS.Timeout | undefined;
}

/**
 * Which replicas may serve reads. A replica that cannot be reached leaves the
 * rotation and is retried in the background with exponential backoff; with
 * `maxReplicationLag`, every replica's lag is checked on a timer (never per
 * query) and one over the limit leaves until it catches up. Timers are
 * unref'd: they never keep the process alive.
 */
export class ReplicaHealth {
  readonly #options: ReplicaHealthOptions;
  readonly #states: ReplicaState[];
  readonly #lagIntervalMs: number;
  readonly #pending = new Set<Promise<void>>();
  #lagTimer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;

  constructor(options: ReplicaHealthOptions) {
    this.#options = options;
    this.#states = options.servers.map(() => ({ down: false, failures: 0, lagging: false, lagSeconds: 0, retry: undefined }));
    const lag = options.maxReplicationLag;
    this.#lagIntervalMs = options.lagCheckIntervalMs ?? (lag === undefined ? 0 : Math.min(5000, Math.max(250, lag * 500)));
  }

  get size(): number {
    return this.#states.length;
  }

  /** In rotation: reachable and, where lag is checked, not lagging. */
  available(replica: number): boolean {
    const state = this.#states[replica];
    return !state.down && !state.lagging;
  }

  /** Starts the background lag checks (once; the first runs right away). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    if (this.#options.maxReplicationLag !== undefined) this.#scheduleLagCheck(0);
  }

  /** Stops every timer and waits for checks in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#lagTimer);
    for (const state of this.#states) clearTimeout(state.retry);
    await Promise.all(this.#pending);
  }

  /**
   * A statement on `replica` failed. A connection failure takes it out of
   * rotation (true: run the read elsewhere); any other error is the statement's own (false).
   */
  failed(replica: number, error: DatabaseError): boolean {
    if (!(error instanceof ConnectionError)) return false;
    const state = this.#states[replica];
    if (state.down) return true; // statements in flight when it died
    state.down = true;
    this.#scheduleRetry(replica, error);
    return true;
  }

  /** Why no replica is available, for an error message: `read[0] 10.0.0.2:5432 down, ...`. */
  describe(): string {
    return this.#states
      .map((state, i) => `read[${i}] ${this.#server(i)} ${state.down ? 'down' : state.lagging ? 'lagging' : 'available'}`)
      .join(', ');
  }

  #scheduleRetry(replica: number, error: DatabaseError): void {
    const state = this.#states[replica];
    state.failures++;
    const initial = this.#options.initialBackoffMs ?? 1000;
    const delay = Math.min(initial * 2 ** (state.failures - 1), this.#options.maxBackoffMs ?? 30_000);
    this.#report(replica, { state: 'down', retryInMs: delay }, error);
    if (this.#stopped) return;
    state.retry = setTimeout(() => this.#track(this.#retry(replica)), delay);
    state.retry.unref();
  }

  /** Back into rotation once it answers (and, where lag is checked, is not lagging). */
  async #retry(replica: number): Promise<void> {
    const state = this.#states[replica];
    try {
      if (this.#options.maxReplicationLag === undefined) await this.#options.checks.ping(replica);
      else await this.#checkLag(replica);
    } catch (error) {
      if (!this.#stopped) this.#scheduleRetry(replica, error as DatabaseError);
      return;
    }
    if (this.#stopped) return;
    state.down = false;
    state.failures = 0;
    this.#report(replica, state.lagging ? { state: 'lagging', lagSeconds: state.lagSeconds } : { state: 'healthy' });
  }

  #scheduleLagCheck(delay: number): void {
    if (this.#stopped) return;
    this.#lagTimer = setTimeout(() => {
      const checks = this.#states.map((state, i) => (state.down ? undefined : this.#checkLagOrFail(i)));
      this.#track(Promise.all(checks).then(() => this.#scheduleLagCheck(this.#lagIntervalMs)));
    }, delay);
    this.#lagTimer.unref();
  }

  async #checkLagOrFail(replica: number): Promise<void> {
    try {
      await this.#checkLag(replica);
    } catch (error) {
      if (this.#stopped) return;
      const failure = error as DatabaseError;
      if (!this.failed(replica, failure)) this.#setLagging(replica, true, null, failure); // lag unknown: not trusted
    }
  }

  /** Throws when the replica cannot be reached. */
  async #checkLag(replica: number): Promise<void> {
    const seconds = await this.#options.checks.lag(replica);
    if (this.#stopped) return;
    const limit = this.#options.maxReplicationLag as number;
    this.#setLagging(replica, seconds === null || seconds > limit, seconds);
  }

  #setLagging(replica: number, lagging: boolean, seconds: number | null, error?: DatabaseError): void {
    const state = this.#states[replica];
    state.lagSeconds = seconds;
    if (state.lagging === lagging) return;
    state.lagging = lagging;
    if (state.down) return; // the retry reports it when it comes back
    this.#report(replica, lagging ? { state: 'lagging', lagSeconds: seconds } : { state: 'healthy' }, error);
  }

  #report(replica: number, change: Omit<ReplicaHealthChange, 'replica' | 'server'>, error?: DatabaseError): void {
    this.#options.report({ replica, server: this.#server(replica), ...change }, error);
  }

  #server(replica: number): string {
    const server = this.#options.servers[replica];
    return server.socket ?? `${server.host}:${server.port}`;
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    work.finally(() => this.#pending.delete(work)).catch(() => {});
  }
}
