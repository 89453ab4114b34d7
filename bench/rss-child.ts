/**
 * Peak-RSS probe: runs one contender's W2 in this fresh process and prints
 * `{"maxRssKiB": n}`. Only that contender's module is loaded.
 * Started by run.ts: node --import tsx bench/rss-child.ts --engine E --contender C --prefix P --users N --ops N
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Inputs } from './contender.js';
import { moduleOf } from './contenders/index.js';
import { engineTarget } from './engines.js';
import { timeRun } from './measure.js';
import type { EngineId } from './options.js';

const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    contender: { type: 'string' },
    prefix: { type: 'string' },
    users: { type: 'string' },
    orders: { type: 'string' },
    ops: { type: 'string' },
    pool: { type: 'string' },
  },
});
const engine = values.engine as EngineId;
const id = String(values.contender);
const ops = Number(values.ops);
const module = moduleOf(id);
if (module === undefined) throw new Error(`unknown contender ${id}`);
const factory = await module.load(engine);
const contenders = await factory({
  target: engineTarget(engine, String(values.prefix)),
  inputs: new Inputs(Number(values.users), Number(values.orders ?? 0)),
  poolSize: Number(values.pool ?? 10),
  note: () => {},
});
const contender = contenders.find((c) => c.id === id);
const op = contender?.ops.W2;
if (op === undefined) throw new Error(`${id} has no W2`);
try {
  // Twice: the first run fills the pool and the caches, the peak comes from steady work.
  await timeRun('W2', op, 0, ops);
  await timeRun('W2', op, ops, ops);
} finally {
  for (const c of contenders) await c.close();
}
/**
 * Peak RSS of this process. On Linux `process.resourceUsage().maxRSS` carries over
 * the peak of the parent that forked us (the kernel keeps it across exec), so a
 * child of a big parent would report the parent's figure: read VmHWM, this
 * process image's own high-water mark, where it exists.
 */
function peakRssKiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

process.stdout.write(`${JSON.stringify({ maxRssKiB: peakRssKiB() })}\n`);
