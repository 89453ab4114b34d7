/**
 * Where a profile went: a `.cpuprofile` by self time, a `.heapprofile`
 * (bench/profile.ts --alloc) by bytes allocated; each per function (top N)
 * and per area (our src/ folders, kysely, the driver, Node internals, GC).
 *   node --import tsx bench/profile-summary.ts file.cpuprofile [--top 25] [--filter src/]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, filter: { type: 'string' } },
});
const file = positionals[0];
if (file === undefined) throw new Error('usage: profile-summary.ts <file.cpuprofile|file.heapprofile> [--top N] [--filter text]');
const data = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile | { head: HeapNode };

function area(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)') return name;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.includes('/src/')) return `ours: ${url.slice(url.indexOf('/src/') + 1).split('/').slice(0, 2).join('/')}`;
  if (url.includes('/bench/')) return 'bench harness';
  return 'node internals / native';
}

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
function add(frame: CallFrame, amount: number): void {
  if (amount === 0) return;
  const short = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/(src|bench)\//, '$1/');
  const key = `${frame.functionName || '(anonymous)'}  ${short}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + amount);
  const a = area(frame.url, frame.functionName);
  byArea.set(a, (byArea.get(a) ?? 0) + amount);
}

let unit: string;
if ('head' in data) {
  unit = 'bytes allocated';
  const walk = (node: HeapNode) => {
    add(node.callFrame, node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(data.head);
} else {
  unit = 'self time';
  const self = new Map<number, number>();
  for (let k = 0; k < data.samples.length; k++) self.set(data.samples[k], (self.get(data.samples[k]) ?? 0) + (data.timeDeltas[k] ?? 0));
  for (const node of data.nodes) add(node.callFrame, self.get(node.id) ?? 0);
}
const total = [...byArea.values()].reduce((a, b) => a + b, 0);
const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${unit}, total ${unit === 'self time' ? `${(total / 1e6).toFixed(2)} s` : `${(total / 1048576).toFixed(1)} MiB`}`);
console.log(`\n${unit} by area:`);
for (const [a, t] of [...byArea].sort((x, y) => y[1] - x[1])) console.log(`  ${pct(t)}  ${a}`);
console.log(`\n${unit} by function (top ${values.top}${values.filter ? `, matching ${values.filter}` : ''}):`);
const rows = [...byFunction].filter(([k]) => values.filter === undefined || k.includes(values.filter));
for (const [k, t] of rows.sort((x, y) => y[1] - x[1]).slice(0, Number(values.top))) console.log(`  ${pct(t)}  ${k}`);
