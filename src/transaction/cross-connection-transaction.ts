import type { Connection } from '../connection/connection.js';
import { type TwoPhase, TwoPhaseCommitError } from '../errors/two-phase-commit-error.js';
import { DecisionLog } from './decision-log.js';
import { type ParticipantRole, ParticipantState, TwoPhaseParticipant } from './two-phase-participant.js';
import { branchId, newGlobalId } from './transaction-id.js';
import { twoPhaseProblem } from './two-phase-availability.js';

export interface CrossConnectionOptions {
  /** `transactions.prefix` of the configuration. */
  prefix: string;
  /** The connection `transactions.log` names, if the configuration names one. */
  log: Connection | undefined;
}

/** The participants by name, as the function passed to `DB.transaction([...])` receives them. */
export type Participants<Names extends readonly string[]> = { readonly [K in Names[number]]: Connection<K> };

/**
 * Runs `fn` in one transaction per connection and commits them all or none
 * (two-phase commit):
 *
 * 1. every participant begins (XA START / BEGIN) in this async flow; `fn` runs;
 * 2. phase one: every participant with two-phase commit but the decider prepares,
 *    while the decider's transaction inserts `commit` into the decision log;
 * 3. the decision: the decider commits, so its own work and the decision are
 *    one atomic step. The decider is the participant without two-phase commit
 *    if there is one (the last resource), else the `transactions.log`
 *    connection, else the first participant with two-phase commit; a log
 *    connection that does not take part gets the row in a short transaction
 *    of its own instead;
 * 4. phase two: every prepared participant commits. The log row is deleted by
 *    the next decision on that log (in its transaction), or at once when the
 *    log is apart.
 *
 * A throw in `fn`, or a failure before the decision, rolls every participant
 * back; a crash leaves prepared branches that `DB.recover()` finishes by the log.
 */
export async function crossConnectionTransaction<T>(
  connections: readonly Connection[],
  fn: (participants: Record<string, Connection>) => Promise<T> | T,
  options: CrossConnectionOptions,
): Promise<T> {
  const label = `DB.transaction([${connections.map((c) => c.name).join(', ')}])`;
  const handles: Record<string, Connection> = Object.freeze(Object.fromEntries(connections.map((c) => [c.name, c])));
  if (connections.length === 0) throw refusal(label, '', 'it needs at least one connection name');
  if (new Set(connections).size !== connections.length) throw refusal(label, '', 'a connection is named twice');
  if (connections.length === 1) return connections[0].transaction(() => fn(handles));

  const { roles, logConnection } = plan(label, connections, options);
  const log = DecisionLog.on(logConnection);
  await prepareToBegin(label, connections, roles, log);

  const gid = newGlobalId(options.prefix, logConnection.name);
  const participants = connections.map((c, i) => new TwoPhaseParticipant(c, roles[i], branchId(gid, i)));
  const ctx: Context = { label, participants };
  // Sessions are reserved in one fixed order (by name): concurrent cross-connection
  // transactions then queue on every pool in the same order and never wait in a cycle.
  const began = await Promise.allSettled([...participants].sort(byName).map((p) => p.begin()));
  const notBegun = began.find((r) => r.status === 'rejected');
  if (notBegun !== undefined) {
    await rollbackAll(participants);
    throw notBegun.reason;
  }

  let result: T;
  try {
    result = await inScopes(participants, async () => fn(handles));
  } catch (error) {
    // The caller's error is the one that matters; the rollback never throws.
    await rollbackAll(participants);
    throw error;
  }

  // Rows of finished transactions, deleted by the decider's transaction; given back when it does not commit.
  const decides = ctx.participants.some((p) => p.role === 'decider');
  const finished = decides ? log.takeFinished() : [];
  try {
    await phaseOne(ctx, log, gid, finished);
    await pauseForTests('prepare');
    await decide(ctx, log, gid);
  } catch (error) {
    // Their rows are still there unless the decider may have committed (its COMMIT got no answer).
    if (!ctx.participants.some((p) => p.state === ParticipantState.commitUnknown)) log.finished(finished);
    throw error;
  }
  await pauseForTests('decision');
  await phaseTwo(ctx);
  // Every participant committed: nobody needs the decision any more (recovery purges what a crash leaves).
  if (decides) log.finished([gid]);
  else await log.forget(gid).catch(() => {});
  return result;
}

interface Context {
  label: string;
  participants: TwoPhaseParticipant[];
}

function plan(
  label: string,
  connections: readonly Connection[],
  options: CrossConnectionOptions,
): { roles: ParticipantRole[]; logConnection: Connection } {
  const withoutTwoPhase = connections.filter((c) => c.dialect.twoPhase === null);
  if (withoutTwoPhase.length > 1) {
    const names = withoutTwoPhase.map((c) => `[${c.name}] (${c.dialect.noTwoPhase ?? c.driver})`).join(', ');
    throw refusal(
      label,
      withoutTwoPhase[1].name,
      `${names} have no two-phase commit; at most one such participant can take part (it commits last, as the last resource)`,
    );
  }
  for (const connection of connections) {
    if (connection.transactions.current() !== undefined) {
      throw refusal(
        label,
        connection.name,
        `this async flow already has a transaction open on [${connection.name}]; begin DB.transaction([...]) outside it`,
      );
    }
  }
  const lastResource = withoutTwoPhase.find((c) => !c.readOnly);
  const firstWritable = connections.find((c) => c.dialect.twoPhase !== null && !c.readOnly);
  const logConnection = lastResource ?? options.log ?? firstWritable;
  if (logConnection === undefined) {
    throw refusal(
      label,
      connections[0].name,
      'no participant can keep the decision log (all are read-only); set transactions.log to a writable connection',
    );
  }
  const roles = connections.map(
    (c): ParticipantRole => (c === logConnection ? 'decider' : c.dialect.twoPhase === null ? 'one-phase' : 'prepared'),
  );
  return { roles, logConnection };
}

/** Refusals that depend on the servers (no prepared transactions), and the log table, before anything begins. */
async function prepareToBegin(
  label: string,
  connections: readonly Connection[],
  roles: ParticipantRole[],
  log: DecisionLog,
): Promise<void> {
  const prepared = connections.filter((_, i) => roles[i] === 'prepared');
  const [problems] = await Promise.all([Promise.all(prepared.map((c) => twoPhaseProblem(c))), log.ensureTable()]);
  const index = problems.findIndex((p) => p !== null);
  if (index >= 0) {
    throw refusal(
      label,
      prepared[index].name,
      `connection [${prepared[index].name}] cannot take part in two-phase commit: ${problems[index]}`,
    );
  }
}

/**
 * Phase one: every participant to be prepared prepares; meanwhile the decider
 * inserts the decision row in its own transaction (it counts only once that commits).
 */
async function phaseOne(ctx: Context, log: DecisionLog, gid: string, finished: readonly string[]): Promise<void> {
  const toPrepare = ctx.participants.filter((p) => p.role === 'prepared');
  const decider = ctx.participants.find((p) => p.role === 'decider');
  const recorded = decider?.runInScope(() => log.recordCommit(gid, finished)) ?? Promise.resolve();
  const [record, ...outcomes] = await Promise.allSettled([recorded, ...toPrepare.map((p) => p.prepare())]);
  const index = outcomes.findIndex((o) => o.status === 'rejected');
  if (index >= 0) {
    const cause = (outcomes[index] as PromiseRejectedResult).reason;
    await rollbackAll(ctx.participants);
    throw failure(
      ctx,
      toPrepare[index].name,
      'prepare',
      `failed to prepare (${messageOf(cause)}); every participant was rolled back`,
      cause,
    );
  }
  if (record.status === 'rejected' && decider !== undefined) {
    await rollbackAll(ctx.participants);
    throw failure(
      ctx,
      decider.name,
      'decision',
      `could not record the decision to commit (${messageOf(record.reason)}); every participant was rolled back`,
      record.reason,
    );
  }
}

/** Makes the decision to commit durable, or rolls everything back; leaves prepared participants to recovery when it cannot tell. */
async function decide(ctx: Context, log: DecisionLog, gid: string): Promise<void> {
  const decider = ctx.participants.find((p) => p.role === 'decider');
  const where = decider?.name ?? log.connection.name;
  try {
    // The decider's COMMIT carries its work and the decision together; a log apart takes a short transaction of its own.
    if (decider !== undefined) await decider.commit();
    else await log.recordCommitApart(gid);
    return;
  } catch (error) {
    // No answer is no proof: a row in the log says the commit happened; settling fixes `rollback` otherwise.
    let decision: 'commit' | 'rollback';
    try {
      decision = await log.settle(gid);
    } catch {
      const prepared = ctx.participants.filter((p) => p.state === ParticipantState.prepared);
      await Promise.all(prepared.map((p) => p.leaveInDoubt(ParticipantState.inDoubtByLog)));
      throw failure(
        ctx,
        where,
        'decision',
        `the decision to commit got no answer (${messageOf(error)}) and the decision log on [${log.connection.name}] cannot be read; DB.recover() will finish the prepared participants by it`,
        error,
      );
    }
    if (decision === 'commit') {
      if (decider !== undefined) decider.state = ParticipantState.committed;
      return;
    }
    if (decider !== undefined) decider.state = ParticipantState.rolledBack;
    await rollbackAll(ctx.participants);
    throw failure(ctx, where, 'decision', `failed to commit (${messageOf(error)}); every participant was rolled back`, error);
  }
}

async function phaseTwo(ctx: Context): Promise<void> {
  const toCommit = ctx.participants.filter((p) => p.role !== 'decider');
  const outcomes = await Promise.allSettled(toCommit.map((p) => p.commit()));
  const index = outcomes.findIndex((o) => o.status === 'rejected');
  if (index < 0) return;
  const cause = (outcomes[index] as PromiseRejectedResult).reason;
  throw failure(
    ctx,
    toCommit[index].name,
    'commit',
    `failed to commit after the decision to commit was recorded (${messageOf(cause)})`,
    cause,
  );
}

function rollbackAll(participants: readonly TwoPhaseParticipant[]): Promise<unknown> {
  return Promise.all(participants.map((p) => p.rollback()));
}

/** Runs `fn` with every participant's transaction in the flow's scope. */
function inScopes<T>(participants: readonly TwoPhaseParticipant[], fn: () => Promise<T>): Promise<T> {
  return participants.reduceRight<() => Promise<T>>((inner, p) => () => p.runInScope(inner), fn)();
}

function byName(a: TwoPhaseParticipant, b: TwoPhaseParticipant): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function failure(ctx: Context, participant: string, phase: TwoPhase, what: string, cause: unknown): TwoPhaseCommitError {
  const states = Object.fromEntries(ctx.participants.map((p) => [p.name, p.state]));
  const list = ctx.participants.map((p) => `[${p.name}] ${p.state}`).join('; ');
  return new TwoPhaseCommitError(
    `${ctx.label}: [${participant}] ${what}. Participants: ${list}.`,
    participant,
    phase,
    states,
    cause,
  );
}

function refusal(label: string, participant: string, why: string): TwoPhaseCommitError {
  return new TwoPhaseCommitError(`${label} refused: ${why}.`, participant, 'begin', {});
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Test-only hook: with `SO_DB_TEST_PAUSE_AFTER=prepare|decision` the process
 * says so on stdout and waits forever at that point, for a test to kill it.
 */
async function pauseForTests(point: 'prepare' | 'decision'): Promise<void> {
  if (process.env.SO_DB_TEST_PAUSE_AFTER !== point) return;
  process.stdout.write(`SO_DB_PAUSED ${point}\n`);
  await new Promise(() => setInterval(() => {}, 60_000));
}
