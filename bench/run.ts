/**
 * `npm run bench`: so-database against the raw drivers and Kysely on
 * SQLite, MariaDB/MySQL and PostgreSQL. See bench/README.md.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CONTENDER_MODULES, CONTENDER_ORDER } from './contenders/index.js';
import { prepareData } from './data.js';
import { dropDatabases, type EngineTarget, engineTarget, serverVersion, unreachable } from './engines.js';
import { calibrate, measure, type WorkloadRun } from './measure.js';
import { type BenchOptions, type EngineId, parseOptions, USAGE } from './options.js';
import { ProcessRunner } from './process-runner.js';
import { type EngineReport, environment, packageVersion, renderEngine, renderHeader, type RssResult } from './report.js';
import { measureStartup, renderStartup } from './startup.js';
import { measureStreamMemory, type StreamMemory } from './stream-memory.js';
import { removeTranspiled, transpileForChildren } from './transpile.js';
import { DESCRIPTIONS, warmupOps } from './workloads.js';

const POOL_SIZE = 10;
const DRIVERS: Record<EngineId, string> = { sqlite: 'better-sqlite3', mysql: 'mysql2', pgsql: 'postgres' };

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Contenders that failed (wrong result, crash, could not start) and required servers that were down: the exit code says so (CI). */
const failures: string[] = [];
const requireServers = process.env.SO_DB_REQUIRE_SERVERS === '1';

/** Contender ids this run may use on `engine` (alt-* only when SODB_BENCH_ALT names a library). */
function candidateIds(options: BenchOptions): string[] {
  const alt = (process.env.SODB_BENCH_ALT ?? '') !== '';
  const ids = CONTENDER_MODULES.flatMap((m) => m.ids).filter((id) => alt || !id.startsWith('alt-'));
  const wanted = (id: string) => options.contenders === undefined || id === 'raw' || options.contenders.includes(id);
  const rank = (id: string) => CONTENDER_ORDER.indexOf(id);
  return ids.filter(wanted).sort((a, b) => rank(a) - rank(b));
}

/** One process per contender (see contender-process.ts), started side by side. */
async function startRunners(target: EngineTarget, options: BenchOptions, note: (line: string) => void): Promise<ProcessRunner[]> {
  const started = await Promise.all(
    candidateIds(options).map((contender) =>
      ProcessRunner.start({ engine: target.id, contender, prefix: options.prefix, users: options.users, orders: options.orders, poolSize: POOL_SIZE }),
    ),
  );
  const seen = new Set<string>();
  const runners: ProcessRunner[] = [];
  for (const { runner, notes, error } of started) {
    if (error !== undefined) failures.push(error);
    for (const line of error === undefined ? notes : [...notes, error]) {
      if (seen.has(line)) continue;
      seen.add(line);
      note(line);
    }
    if (runner !== undefined) runners.push(runner);
  }
  return runners;
}

async function runWorkloads(target: EngineTarget, runners: ProcessRunner[], options: BenchOptions, note: (l: string) => void): Promise<WorkloadRun[]> {
  const runs: WorkloadRun[] = [];
  for (const workload of options.workloads) {
    const raw = runners.find((r) => r.id === 'raw' && r.workloads.has(workload));
    if (raw === undefined) {
      const why = workload === '2PC' && target.id === 'sqlite' ? 'SQLite has no two-phase commit' : 'no raw-driver baseline';
      note(`${workload}: skipped on ${target.label}, ${why}.`);
      continue;
    }
    const entries = runners.filter((r) => r.workloads.has(workload));
    if (entries.length < 2) {
      note(`${workload}: skipped, nothing to compare with the raw driver.`);
      continue;
    }
    const ops = options.ops ?? (await calibrate(workload, raw, options.targetMs));
    const started = Date.now();
    const run = await measure({
      workload,
      runners: entries,
      ops,
      rounds: options.rounds,
      warmup: options.smoke ? Math.min(ops, 10) : warmupOps(workload, ops),
    });
    runs.push(run);
    log(`  ${workload} ${DESCRIPTIONS[workload]}: ${ops} ops x ${options.rounds} rounds, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const f of run.samples.filter((s) => s.error !== undefined)) {
      log(`    ${f.contender} FAILED: ${f.error}`);
      failures.push(`${target.label} ${workload} ${f.contender}: ${f.error}`);
    }
    // Each contender closes the pools this workload opened before the next one.
    await Promise.all(entries.map((r) => r.reset().catch((e) => log(`    ${r.id}: reset failed: ${(e as Error).message}`))));
  }
  return runs;
}

const exec = promisify(execFile);
/** Transpiled src/ and bench/ for the RSS children, made on first need. */
let transpiled: string | undefined;

/** Peak RSS of every contender's W2, each in its own fresh process. */
async function measureRss(target: EngineTarget, ids: string[], options: BenchOptions): Promise<RssResult[]> {
  const ops = options.smoke ? 50 : target.id === 'sqlite' ? 50_000 : 20_000;
  const results: RssResult[] = [];
  transpiled ??= transpileForChildren();
  const child = join(transpiled, 'bench', 'rss-child.js');
  for (const contender of ids) {
    const args = [child, '--engine', target.id, '--contender', contender, '--prefix', options.prefix];
    args.push('--users', String(options.users), '--ops', String(ops), '--pool', String(POOL_SIZE));
    try {
      const { stdout } = await exec(process.execPath, args, { timeout: 300_000, maxBuffer: 1 << 20 });
      const last = stdout.trim().split('\n').pop() ?? '';
      const { maxRssKiB } = JSON.parse(last) as { maxRssKiB: number };
      results.push({ contender, mib: maxRssKiB / 1024 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ');
      results.push({ contender, error: stderr || (error as Error).message });
      failures.push(`${target.label} peak RSS of ${contender}: ${stderr || (error as Error).message}`);
    }
  }
  return results;
}

async function benchEngine(engine: EngineId, options: BenchOptions): Promise<EngineReport | undefined> {
  const target = engineTarget(engine, options.prefix);
  const down = await unreachable(target);
  if (down !== undefined) {
    log(`\n== ${target.label}: SKIPPED, ${down}.`);
    if (requireServers) failures.push(`${down} (SO_DB_REQUIRE_SERVERS=1)`);
    return undefined;
  }
  const server = await serverVersion(target);
  log(`\n== ${target.label} ${server}`);
  const notes: string[] = [];
  const note = (line: string) => {
    notes.push(line);
    log(`  note: ${line}`);
  };
  const size = { users: options.users, orders: options.orders };
  const started = Date.now();
  const data = await prepareData(target, size);
  log(`  data ${data}: ${size.users} users, ${size.orders} orders in two databases (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  try {
    const runners = await startRunners(target, options, note);
    let runs: WorkloadRun[];
    try {
      runs = await runWorkloads(target, runners, options, note);
    } finally {
      await Promise.all(runners.map((r) => r.close()));
    }
    let rss: RssResult[] = [];
    // Peak RSS of W2 when W2 runs (a run of other workloads does not pay for its children).
    if (options.rss && options.workloads.includes('W2')) {
      // Smoke: only enough children to keep the path working.
      const ids = runners
        // alt-* loads a .ts library by path, which plain node cannot.
        .filter((r) => r.workloads.has('W2') && !r.id.startsWith('alt-'))
        .filter((r) => !options.smoke || r.id === 'raw' || r.id === 'sodb-model')
        .map((r) => r.id);
      log(`  peak RSS: ${ids.length} child processes`);
      rss = await measureRss(target, ids, options);
    }
    let stream: StreamMemory | undefined;
    if (options.rss && options.workloads.includes('W9')) {
      const rows = options.smoke ? 10_000 : 1_000_000;
      log(`  W9 memory: streaming ${rows} rows and leaving early, a child process per reader`);
      transpiled ??= transpileForChildren();
      stream = await measureStreamMemory(transpiled, target, options.prefix, rows, options.smoke ? 3 : 20);
      for (const error of stream.errors) failures.push(`${target.label} W9 memory: ${error}`);
    }
    return {
      engine,
      label: target.label,
      server,
      driver: `${DRIVERS[engine]} ${packageVersion(DRIVERS[engine])}`,
      size,
      data,
      notes,
      runs,
      rss,
      stream,
    };
  } finally {
    if (!options.keep) await dropDatabases(target).catch((e) => log(`  could not drop the bench databases: ${(e as Error).message}`));
  }
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.help) {
    log(USAGE);
    return;
  }
  log('so-database bench');
  for (const line of environment(options)) log(line);
  try {
    await benchAll(options);
  } finally {
    if (transpiled !== undefined) removeTranspiled(transpiled);
  }
  if (failures.length > 0) {
    log(`\n${failures.length} failure(s):`);
    for (const f of failures) log(`  ${f}`);
    process.exitCode = 1;
  }
}

function write(options: BenchOptions, name: string, markdown: string): void {
  if (!options.write) return;
  const outDir = options.out ?? fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  const file = `${outDir.replace(/\/$/, '')}/${day}-${name}${options.smoke ? '.smoke.tmp' : '.md'}`;
  writeFileSync(file, markdown);
  log(`written: ${file}`);
}

/** `so-db --help` and `--version` against `node -e 0`: no database involved. */
function benchStartup(options: BenchOptions): void {
  log(`\n== start-up: ${options.startupRuns} spawns each of node -e 0, so-db --help, so-db --version`);
  try {
    const report = measureStartup(options.startupRuns);
    if (report.built) log('  (dist/ was older than src/: built it first)');
    // The header without the line about workload rounds, which do not apply here.
    const smoke = options.smoke ? ['- SMOKE: figures mean nothing'] : [];
    const header = ['# so-database bench: start-up of the so-db binary', '', ...environment(options).slice(0, 3), ...smoke, ''].join('\n');
    const markdown = `${header}\n${renderStartup(report)}`;
    log(`\n${markdown}`);
    write(options, 'startup', markdown);
  } catch (error) {
    log(`  start-up FAILED: ${(error as Error).message}`);
    failures.push(`start-up: ${(error as Error).message}`);
  }
}

async function benchAll(options: BenchOptions): Promise<void> {
  if (options.startupRuns > 0) benchStartup(options);
  if (options.startupOnly) return;
  for (const engine of options.engines) {
    const report = await benchEngine(engine, options);
    if (report === undefined) continue;
    const markdown = `${renderHeader(`so-database bench: ${report.label}`, options)}\n${renderEngine(report)}`;
    log(`\n${markdown}`);
    write(options, engine, markdown);
  }
}

await main();
// Sessions of a driver that failed half-way must not keep the process alive.
setTimeout(() => process.exit(), 1000).unref();
