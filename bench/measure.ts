/**
 * Timing: each contender runs the same operations (the same `i`s, so the
 * same keys and rows) in rounds; the order of contenders rotates every round
 * so none always runs first or last. A round's figure is nanoseconds (wall
 * and this process's CPU) per operation over a run of `ops` operations.
 * Contenders are reached through a `Runner`: in this process, or (npm run
 * bench) each in a process of its own, see contender-process.ts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Op } from './contender.js';
import type { WorkloadId } from './options.js';
import { minOps } from './workloads.js';

/** Operations in flight in W2. */
export const CONCURRENCY = 32;

// A full collection before every timed run, so garbage left by the last run is not paid by the next.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (() => void) | undefined;

/** Results land here, so no work can be optimised away. */
export let sink: unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

async function sequential(op: Op, start: number, n: number): Promise<void> {
  const end = start + n;
  for (let i = start; i < end; i++) {
    const result = op(i);
    sink = isThenable(result) ? await result : result;
  }
}

async function concurrent(op: Op, start: number, n: number): Promise<void> {
  const end = start + n;
  let next = start;
  const worker = async () => {
    while (next < end) {
      const result = op(next++);
      sink = isThenable(result) ? await result : result;
    }
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < CONCURRENCY; w++) workers.push(worker());
  await Promise.all(workers);
}

/**
 * Waits until the process is idle: a full GC leaves milliseconds of sweeping on
 * background threads, which would land in the next run's CPU time (the CPU clock
 * counts every thread), most visibly in runs of few slow operations.
 */
async function settle(): Promise<void> {
  for (let k = 0; k < 20; k++) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const used = process.cpuUsage(before);
    if (used.user + used.system < 500) return;
  }
}

export interface Timing {
  /** Wall-clock nanoseconds of the run. */
  ns: number;
  /** CPU nanoseconds (user + system, all threads of the process) of the run. */
  cpuNs: number;
}

/** Runs `n` operations from `start`. `fullGc`: collect first (not when profiling). */
export async function timeRun(workload: WorkloadId, op: Op, start: number, n: number, fullGc = true): Promise<Timing> {
  if (fullGc && collect !== undefined) {
    collect();
    await settle();
  }
  const cpu = process.cpuUsage();
  const began = process.hrtime.bigint();
  if (workload === 'W2') await concurrent(op, start, n);
  else await sequential(op, start, n);
  const ns = Number(process.hrtime.bigint() - began);
  const used = process.cpuUsage(cpu);
  return { ns, cpuNs: (used.user + used.system) * 1000 };
}

/** A contender as the measuring loop sees it. */
export interface Runner {
  readonly id: string;
  /** Runs a few operations of `workload` and checks their results; throws when one is wrong. */
  check(workload: WorkloadId, indices: number[]): Promise<void>;
  run(workload: WorkloadId, start: number, n: number): Promise<Timing>;
}

export interface Samples {
  contender: string;
  /** Nanoseconds per operation, one per round. */
  nsPerOp: number[];
  /** The contender process's CPU nanoseconds per operation, one per round: its own cost, which other load on the machine disturbs far less. */
  cpuNsPerOp: number[];
  error?: string;
}

export interface WorkloadRun {
  workload: WorkloadId;
  ops: number;
  rounds: number;
  samples: Samples[];
}

/** Operations per run so that `raw`'s run takes about `targetMs`. */
export async function calibrate(workload: WorkloadId, raw: Runner, targetMs: number): Promise<number> {
  let n = workload === 'W2' ? 64 : Math.min(16, minOps(workload));
  let start = 0;
  for (;;) {
    const { ns } = await raw.run(workload, start, n);
    start += n;
    if (ns >= 50e6 || n >= 1 << 20) {
      // Once more now that the code is warm: the first runs pay for compilation.
      const perOp = (await raw.run(workload, start, n)).ns / n;
      // At least 200 (fewer for the slow workloads): a run of a few dozen fast operations makes a noisy CPU figure.
      return Math.max(minOps(workload), Math.min(200_000, Math.round((targetMs * 1e6) / perOp)));
    }
    n *= 4;
  }
}

export interface MeasureOptions {
  workload: WorkloadId;
  runners: Runner[];
  ops: number;
  rounds: number;
  /** Warm-up operations per contender before the first round. */
  warmup: number;
}

const CHECKED_OPS = 8;

function message(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/** Checks, warms up, then times every contender in rotating order. */
export async function measure(options: MeasureOptions): Promise<WorkloadRun> {
  const { workload, ops, rounds, warmup } = options;
  const samples = new Map<string, Samples>();
  const alive: Runner[] = [];
  // Inputs of the timed rounds start past those of the checks and warm-up.
  const base = 1_000_000;
  for (const runner of options.runners) {
    const record: Samples = { contender: runner.id, nsPerOp: [], cpuNsPerOp: [] };
    samples.set(runner.id, record);
    try {
      await runner.check(
        workload,
        Array.from({ length: CHECKED_OPS }, (_, k) => base - 1 - k),
      );
      await runner.run(workload, base - warmup - CHECKED_OPS, warmup);
      alive.push(runner);
    } catch (error) {
      record.error = message(error);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < alive.length; k++) {
      const runner = alive[(k + round) % alive.length];
      const record = samples.get(runner.id) as Samples;
      if (record.error !== undefined) continue;
      try {
        const { ns, cpuNs } = await runner.run(workload, base + round * ops, ops);
        record.nsPerOp.push(ns / ops);
        record.cpuNsPerOp.push(cpuNs / ops);
      } catch (error) {
        record.error = message(error);
      }
    }
  }
  return { workload, ops, rounds, samples: [...samples.values()] };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Half the range of the rounds, relative to their median. */
export function spread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  return (Math.max(...values) - Math.min(...values)) / 2 / median(values);
}

/**
 * `a`'s time per operation over `b`'s: the median of the per-round ratios,
 * so a slow moment of the machine (it is shared) hits both sides of a pair.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return Number.NaN;
  const ratios: number[] = [];
  for (let r = 0; r < n; r++) ratios.push(a[r] / b[r]);
  return median(ratios);
}
