import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

/** The engines the bench knows, by the names `--engines` takes. */
export const ENGINES = ['sqlite', 'mysql', 'pgsql'] as const;
export type EngineId = (typeof ENGINES)[number];

/** Workloads, in the order they run and are reported. */
export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8', 'W9', 'W10', 'W11', '2PC'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

export interface BenchOptions {
  engines: EngineId[];
  workloads: WorkloadId[];
  rounds: number;
  /** Operations per contender per round; undefined: calibrated so raw takes about `targetMs`. */
  ops: number | undefined;
  /** Calibration target of one raw run, in milliseconds. */
  targetMs: number;
  users: number;
  orders: number;
  smoke: boolean;
  keep: boolean;
  rss: boolean;
  /** Spawns per command of the start-up measure; 0: skipped. */
  startupRuns: number;
  /** Only the start-up measure, no engine. */
  startupOnly: boolean;
  /** Contender ids to run (undefined: all). */
  contenders: string[] | undefined;
  prefix: string;
  out: string | undefined;
  write: boolean;
  help: boolean;
}

export const USAGE = `npm run bench -- [options]

  --engines sqlite,mysql,pgsql   engines to run (default: all three; an unreachable server is skipped)
  --workloads W1,W2,...,2PC      workloads to run (default: all: ${WORKLOADS.join(',')})
  --rounds N                     timed rounds per contender (default 7; --smoke: 1)
  --ops N                        operations per contender per round (default: calibrated per workload)
  --target-ms N                  calibration: how long one raw run should take (default 300)
  --users N --orders N           data size (default 10000 and 100000; --smoke: 200 and 1000)
  --contenders a,b               only these contenders (raw, kysely, sodb-select, sodb-builder, sodb-model, ...)
  --smoke                        tiny counts and one round, for CI (well under a minute)
  --no-rss                       skip the peak-RSS child processes
  --startup-runs N               spawns of so-db --help, --version and node -e 0 for the start-up measure (default 20; --smoke: 3)
  --no-startup                   skip the start-up measure
  --startup-only                 only the start-up measure (no database needed)
  --keep                         keep the bench databases (a later run with the same sizes reuses them)
  --prefix NAME                  database name prefix (default sodb_bench; --smoke: sodb_bench_smoke_<random>)
  --out DIR                      results folder (default bench/results)
  --no-write                     print the tables only
  --help`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const lower = allowed.map((a) => a.toLowerCase());
  return items.map((item) => {
    const at = lower.indexOf(item.toLowerCase());
    if (at < 0) throw new Error(`Unknown ${what} "${item}"; expected one of ${allowed.join(', ')}.`);
    return allowed[at];
  });
}

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive whole number, got "${value}".`);
  return n;
}

/** The bench only ever creates and drops databases named `sodb_bench*`. */
function checkPrefix(prefix: string): string {
  if (!/^sodb_bench[a-z0-9_]{0,30}$/.test(prefix)) {
    throw new Error(`--prefix must start with sodb_bench and hold only a-z, 0-9 and _, got "${prefix}".`);
  }
  return prefix;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      engines: { type: 'string' },
      workloads: { type: 'string' },
      rounds: { type: 'string' },
      ops: { type: 'string' },
      'target-ms': { type: 'string' },
      users: { type: 'string' },
      orders: { type: 'string' },
      contenders: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'no-rss': { type: 'boolean', default: false },
      'startup-runs': { type: 'string' },
      'no-startup': { type: 'boolean', default: false },
      'startup-only': { type: 'boolean', default: false },
      prefix: { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const smoke = values.smoke === true;
  const aliases: Record<string, EngineId> = { mariadb: 'mysql', postgres: 'pgsql', postgresql: 'pgsql' };
  const engineArg = values.engines
    ?.split(',')
    .map((e) => aliases[e.trim().toLowerCase()] ?? e.trim())
    .join(',');
  return {
    engines: list(engineArg, ENGINES, 'engine') ?? [...ENGINES],
    workloads: list(values.workloads, WORKLOADS, 'workload') ?? [...WORKLOADS],
    rounds: count(values.rounds, 'rounds', smoke ? 1 : 7),
    ops: values.ops === undefined ? (smoke ? 20 : undefined) : count(values.ops, 'ops', 1),
    targetMs: count(values['target-ms'], 'target-ms', 300),
    users: count(values.users, 'users', smoke ? 200 : 10_000),
    orders: count(values.orders, 'orders', smoke ? 1_000 : 100_000),
    contenders: values.contenders?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
    smoke,
    keep: values.keep === true,
    rss: values['no-rss'] !== true,
    startupRuns:
      values['no-startup'] === true && values['startup-only'] !== true ? 0 : count(values['startup-runs'], 'startup-runs', smoke ? 3 : 20),
    startupOnly: values['startup-only'] === true,
    // A smoke run (CI) names its throwaway databases per run: two CI runs may share a server.
    prefix: checkPrefix(values.prefix ?? (smoke ? `sodb_bench_smoke_${randomBytes(4).toString('hex')}` : 'sodb_bench')),
    out: values.out,
    write: values['no-write'] !== true,
    help: values.help === true,
  };
}
