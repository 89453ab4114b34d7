/**
 * W9's memory and early-exit measures, each reader in a fresh `node` process (stream-child.ts, transpiled
 * like the peak-RSS children): the peak RSS of streaming a million rows against the same process's empty
 * loop, and what leaving a stream after 10 rows costs the next query on a pool of one session.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EngineTarget } from './engines.js';

const exec = promisify(execFile);

/** Readers of the measures; each is compared with the empty loop of its own library. */
export const STREAM_READERS = ['raw', 'sodb-cursor', 'sodb-lazy'] as const;
/** The ceiling of issue 12: streaming a million rows takes under this much more than an empty loop. */
export const STREAM_RSS_BUDGET_MIB = 50;

export interface StreamMemory {
  rows: number;
  /** Peak RSS (MiB) per reader, and per empty loop (`empty-raw`, `empty-sodb`). */
  peakMib: Record<string, number>;
  /** Milliseconds each reader took for the rows. */
  ms: Record<string, number>;
  /** Median ms of: read 10 rows, leave the loop, run SELECT 1 on the same pool of one; and of a plain SELECT 1. */
  earlyBreak: Record<string, { breakMs: number; pingMs: number }>;
  errors: string[];
}

async function child(folder: string, target: EngineTarget, prefix: string, args: string[]): Promise<Record<string, number>> {
  const script = join(folder, 'bench', 'stream-child.js');
  const { stdout } = await exec(process.execPath, [script, '--engine', target.id, '--prefix', prefix, ...args], {
    timeout: 600_000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
}

/** Runs every reader's children for `target`; `rows` is 1,000,000 at full size. */
export async function measureStreamMemory(folder: string, target: EngineTarget, prefix: string, rows: number, repeat: number): Promise<StreamMemory> {
  const result: StreamMemory = { rows, peakMib: {}, ms: {}, earlyBreak: {}, errors: [] };
  const failed = (what: string, error: unknown) => {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ');
    result.errors.push(`${what}: ${stderr || (error as Error).message}`);
  };
  for (const reader of ['empty-raw', 'empty-sodb', ...STREAM_READERS]) {
    try {
      const out = await child(folder, target, prefix, ['--mode', 'rss', '--reader', reader, '--rows', String(rows)]);
      result.peakMib[reader] = out.maxRssKiB / 1024;
      result.ms[reader] = out.ms;
    } catch (error) {
      failed(`${reader} streaming ${rows} rows`, error);
    }
  }
  for (const reader of STREAM_READERS) {
    try {
      const out = await child(folder, target, prefix, ['--mode', 'break', '--reader', reader, '--repeat', String(repeat)]);
      result.earlyBreak[reader] = { breakMs: out.breakMs, pingMs: out.pingMs };
    } catch (error) {
      failed(`${reader} leaving a stream early`, error);
    }
  }
  return result;
}

/** The markdown of the measures. */
export function renderStreamMemory(memory: StreamMemory): string[] {
  const lines = [
    `### W9 memory: peak RSS streaming ${memory.rows.toLocaleString('en-US')} rows, in a fresh \`node\` process per reader`,
    '',
    'Against the empty loop of the same library (loaded and connected, the same loop over made-up rows).',
    '',
    '| reader | rows/s | peak RSS (MiB) | empty loop (MiB) | over the empty loop (MiB) | budget |',
    '|---|--:|--:|--:|--:|---|',
  ];
  for (const reader of STREAM_READERS) {
    const peak = memory.peakMib[reader];
    const empty = memory.peakMib[reader === 'raw' ? 'empty-raw' : 'empty-sodb'];
    if (peak === undefined || empty === undefined) continue;
    const over = peak - empty;
    const verdict = over < STREAM_RSS_BUDGET_MIB ? '✓' : '✗';
    const rate = Math.round(memory.rows / (memory.ms[reader] / 1000)).toLocaleString('en-US');
    lines.push(`| ${reader} | ${rate} | ${peak.toFixed(1)} | ${empty.toFixed(1)} | ${over >= 0 ? '+' : ''}${over.toFixed(1)} | < +${STREAM_RSS_BUDGET_MIB} ${verdict} |`);
  }
  lines.push(
    '',
    '### W9 early exit: read 10 rows of `orders`, leave the loop, then `SELECT 1` on the same pool of one session (median ms)',
    '',
    '| reader | leave + next query (ms) | a plain SELECT 1 (ms) |',
    '|---|--:|--:|',
  );
  for (const reader of STREAM_READERS) {
    const taken = memory.earlyBreak[reader];
    if (taken !== undefined) lines.push(`| ${reader} | ${taken.breakMs.toFixed(2)} | ${taken.pingMs.toFixed(2)} |`);
  }
  for (const error of memory.errors) lines.push(`- error: ${error.replace(/\|/g, '/').slice(0, 200)}`);
  return lines;
}
