/** The results as markdown: a summary of ratios, the detail of every workload, peak RSS. */
import { renderStreamMemory, type StreamMemory } from './stream-memory.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, type } from 'node:os';
import type { DataSize } from './data.js';
import { CONTENDER_ORDER } from './contenders/index.js';
import { median, pairedRatio, spread, type WorkloadRun } from './measure.js';
import type { BenchOptions, EngineId } from './options.js';
import { DESCRIPTIONS, OUR_LEVELS, RSS_BUDGET_MIB, target } from './workloads.js';

export interface RssResult {
  contender: string;
  /** Peak resident set size of a fresh process running W2 only, in MiB. */
  mib?: number;
  error?: string;
}

export interface EngineReport {
  engine: EngineId;
  label: string;
  server: string;
  driver: string;
  size: DataSize;
  data: 'reused' | 'created';
  notes: string[];
  runs: WorkloadRun[];
  rss: RssResult[];
  /** W9's memory and early-exit measures, when W9 ran with peak RSS on. */
  stream?: StreamMemory;
}

export function packageVersion(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function commit(): string {
  try {
    const cwd = new URL('..', import.meta.url);
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return 'unknown';
  }
}

/** Date, Node, CPU, OS, load and options: the lines that make a result comparable. */
export function environment(options: BenchOptions): string[] {
  const cpu = cpus();
  const perRun = options.ops
    ? `${options.ops} operations per run`
    : `operations per run calibrated so one raw run takes about ${options.targetMs} ms`;
  return [
    `- Date: ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    `- Node.js ${process.version} on ${type()} ${release()}; CPU: ${cpu[0]?.model ?? 'unknown'} (${cpu.length} cores); load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}`,
    `- so-database at ${commit()}; kysely ${packageVersion('kysely')}, postgres ${packageVersion('postgres')}, mysql2 ${packageVersion('mysql2')}, better-sqlite3 ${packageVersion('better-sqlite3')}`,
    `- ${options.rounds} round(s) per workload, contenders in rotating order, ${perRun}${options.smoke ? ' (SMOKE: figures mean nothing)' : ''}`,
  ];
}

function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

function fmtUs(ns: number): string {
  const us = ns / 1000;
  return us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2);
}

function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '—';
}

function verdict(ratio: number, limit: number | undefined): string {
  if (limit === undefined || !Number.isFinite(ratio)) return '';
  return ratio <= limit ? ' ✓' : ' ✗';
}

function ordered(ids: Iterable<string>): string[] {
  const rank = (id: string) => {
    const at = CONTENDER_ORDER.indexOf(id);
    return at < 0 ? CONTENDER_ORDER.length : at;
  };
  return [...new Set(ids)].sort((a, b) => rank(a) - rank(b));
}

function samplesOf(run: WorkloadRun, id: string) {
  return run.samples.find((s) => s.contender === id);
}

/** `vs Kysely` for one of our rows: how many times faster we are (per-round pairs). */
function versusKysely(run: WorkloadRun, id: string): string {
  const ours = samplesOf(run, id);
  const kysely = samplesOf(run, 'kysely');
  if (!(OUR_LEVELS as readonly string[]).includes(id) || ours === undefined || kysely === undefined) return '';
  const speedup = pairedRatio(kysely.nsPerOp, ours.nsPerOp);
  if (!Number.isFinite(speedup)) return '';
  return speedup >= 1 ? `${speedup.toFixed(2)}x faster` : `${(1 / speedup).toFixed(2)}x SLOWER`;
}

function summary(report: EngineReport): string[] {
  const columns = ordered(report.runs.flatMap((run) => run.samples.map((s) => s.contender))).filter((id) => id !== 'raw');
  const lines = [
    `| workload | raw ops/s | raw µs/op | ${columns.join(' | ')} |`,
    `|---|--:|--:|${columns.map(() => '--:').join('|')}|`,
  ];
  for (const run of report.runs) {
    const raw = samplesOf(run, 'raw');
    const rawNs = raw ? median(raw.nsPerOp) : Number.NaN;
    const cells = columns.map((id) => {
      const s = samplesOf(run, id);
      if (s === undefined) return '';
      if (s.error !== undefined) return 'error';
      const ratio = raw ? pairedRatio(s.nsPerOp, raw.nsPerOp) : Number.NaN;
      return fmtRatio(ratio) + verdict(ratio, target(report.engine, run.workload, id));
    });
    lines.push(`| ${run.workload} | ${fmtInt(1e9 / rawNs)} | ${fmtUs(rawNs)} | ${cells.join(' | ')} |`);
  }
  return lines;
}

function detail(report: EngineReport, run: WorkloadRun): string[] {
  const lines = [
    `#### ${run.workload}: ${DESCRIPTIONS[run.workload]} (${fmtInt(run.ops)} ops x ${run.rounds} rounds)`,
    '',
    '| contender | ops/s (median) | µs/op | spread | x raw | target | vs Kysely | CPU µs/op | CPU over raw |',
    '|---|--:|--:|--:|--:|--:|---|--:|--:|',
  ];
  const raw = samplesOf(run, 'raw');
  for (const id of ordered(run.samples.map((s) => s.contender))) {
    const s = samplesOf(run, id);
    if (s === undefined) continue;
    if (s.error !== undefined || s.nsPerOp.length === 0) {
      lines.push(`| ${id} | error: ${(s.error ?? 'no rounds').replace(/\|/g, '/').slice(0, 160)} | | | | | | | |`);
      continue;
    }
    const ns = median(s.nsPerOp);
    const ratio = raw && raw.nsPerOp.length > 0 ? pairedRatio(s.nsPerOp, raw.nsPerOp) : Number.NaN;
    const limit = target(report.engine, run.workload, id);
    const cpu = median(s.cpuNsPerOp);
    const cpuOver = raw && id !== 'raw' ? `${cpu >= median(raw.cpuNsPerOp) ? '+' : ''}${fmtUs(cpu - median(raw.cpuNsPerOp))}` : '';
    lines.push(
      `| ${id} | ${fmtInt(1e9 / ns)} | ${fmtUs(ns)} | ±${(spread(s.nsPerOp) * 100).toFixed(1)}% | ${fmtRatio(ratio)}${verdict(ratio, limit)} | ${limit === undefined ? '' : `≤ ${limit.toFixed(2)}x`} | ${versusKysely(run, id)} | ${fmtUs(cpu)} | ${cpuOver} |`,
    );
  }
  return lines;
}

function rssTable(report: EngineReport): string[] {
  if (report.rss.length === 0) return [];
  const raw = report.rss.find((r) => r.contender === 'raw')?.mib;
  const lines = [
    '### Peak RSS: W2 in a fresh `node` process per contender (transpiled JS, no tsx)',
    '',
    '| contender | peak RSS (MiB) | over raw (MiB) | budget |',
    '|---|--:|--:|---|',
  ];
  for (const r of report.rss) {
    if (r.mib === undefined) {
      lines.push(`| ${r.contender} | error: ${(r.error ?? '').replace(/\|/g, '/').slice(0, 160)} | | |`);
      continue;
    }
    const over = raw === undefined ? Number.NaN : r.mib - raw;
    const ours = (OUR_LEVELS as readonly string[]).includes(r.contender);
    const budget = ours ? `≤ +${RSS_BUDGET_MIB}${Number.isFinite(over) ? (over <= RSS_BUDGET_MIB ? ' ✓' : ' ✗') : ''}` : '';
    lines.push(`| ${r.contender} | ${r.mib.toFixed(1)} | ${r.contender === 'raw' ? '' : `${over >= 0 ? '+' : ''}${over.toFixed(1)}`} | ${budget} |`);
  }
  return lines;
}

/** The markdown of one engine. */
export function renderEngine(report: EngineReport): string {
  const lines = [
    `## ${report.label}: ${report.server}, driver ${report.driver}`,
    '',
    `${fmtInt(report.size.users)} users, ${fmtInt(report.size.orders)} orders (data ${report.data}).`,
    '',
  ];
  for (const note of report.notes) lines.push(`- ${note}`);
  if (report.notes.length > 0) lines.push('');
  if (report.runs.length > 0) {
    lines.push('### Summary: time per operation relative to the raw driver (1.00x = raw; ✓ target met, ✗ missed)', '');
    lines.push(...summary(report), '');
    lines.push('### Detail', '');
    for (const run of report.runs) lines.push(...detail(report, run), '');
  }
  lines.push(...rssTable(report));
  if (report.stream !== undefined) lines.push('', ...renderStreamMemory(report.stream));
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderHeader(title: string, options: BenchOptions): string {
  return [`# ${title}`, '', ...environment(options), ''].join('\n');
}
