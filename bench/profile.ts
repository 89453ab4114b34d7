/**
 * Runs one contender's workload in a loop and profiles the steady state
 * (after a warm-up, so start-up and compilation stay out of it):
 *
 *   node --import tsx bench/profile.ts --engine sqlite --contender sodb-model --workload W1 --seconds 10
 *
 * writes /tmp/sodb-bench-<contender>-<workload>-<engine>.cpuprofile (open it in Chrome DevTools or
 * summarise it with bench/profile-summary.ts). `--alloc` records a sampled
 * allocation profile instead (every allocation, garbage included), summarised at once.
 * It prepares (or reuses) the bench data like `npm run bench -- --keep`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Inputs } from './contender.js';
import { moduleOf } from './contenders/index.js';
import { prepareData } from './data.js';
import { engineTarget } from './engines.js';
import { timeRun } from './measure.js';
import { ENGINES, type EngineId, WORKLOADS, type WorkloadId } from './options.js';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'sqlite' },
    contender: { type: 'string', default: 'sodb-model' },
    workload: { type: 'string', default: 'W1' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    prefix: { type: 'string', default: 'sodb_bench' },
    users: { type: 'string', default: '10000' },
    orders: { type: 'string', default: '100000' },
    alloc: { type: 'boolean', default: false },
    /** Measure only (no profiler): for A/B runs of two trees. */
    'no-profile': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const engine = values.engine as EngineId;
const workload = values.workload as WorkloadId;
if (!ENGINES.includes(engine)) throw new Error(`--engine: one of ${ENGINES.join(', ')}`);
if (!WORKLOADS.includes(workload)) throw new Error(`--workload: one of ${WORKLOADS.join(', ')}`);
const target = engineTarget(engine, values.prefix);
const size = { users: Number(values.users), orders: Number(values.orders) };
console.log(`data ${await prepareData(target, size)}`);
const module = moduleOf(values.contender);
if (module === undefined) throw new Error(`unknown contender ${values.contender}`);
const contenders = await (await module.load(engine))({
  target,
  inputs: new Inputs(size.users, size.orders),
  poolSize: 10,
  note: (line) => console.log(line),
});
const op = contenders.find((c) => c.id === values.contender)?.ops[workload];
if (op === undefined) throw new Error(`${values.contender} has no ${workload}`);

let done = 0;
async function loop(seconds: number): Promise<{ ops: number; ns: number; cpuUs: number }> {
  const until = Date.now() + seconds * 1000;
  const cpu = process.cpuUsage();
  let ops = 0;
  let ns = 0;
  while (Date.now() < until) {
    ns += (await timeRun(workload, op as NonNullable<typeof op>, done, 500, false)).ns;
    done += 500;
    ops += 500;
  }
  const used = process.cpuUsage(cpu);
  return { ops, ns, cpuUs: used.user + used.system };
}

await loop(Number(values.warmup));
if (values['no-profile']) {
  const result = await loop(Number(values.seconds));
  console.log(`${values.contender} ${workload} on ${engine}: ${result.ops} ops, ${(result.ns / result.ops / 1000).toFixed(2)} µs/op wall, ${(result.cpuUs / result.ops).toFixed(2)} µs/op CPU`);
  for (const c of contenders) await c.close();
  process.exit(0);
}
const session = new Session();
session.connect();
const name = `sodb-bench-${values.contender}-${workload}-${engine}`;
if (values.alloc) {
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 512,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
} else {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const result = await loop(Number(values.seconds));
let file: string;
if (values.alloc) {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  file = values.out ?? join(tmpdir(), `${name}.heapprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const samples = (profile as { samples?: { size: number }[] }).samples ?? [];
  const bytes = samples.reduce((sum, sample) => sum + sample.size, 0);
  console.log(`allocated (sampled estimate): ${(bytes / result.ops).toFixed(0)} bytes/op`);
} else {
  const { profile } = await session.post('Profiler.stop');
  file = values.out ?? join(tmpdir(), `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
}
session.disconnect();
console.log(
  `${values.contender} ${workload} on ${engine}: ${result.ops} ops, ${(result.ns / result.ops / 1000).toFixed(2)} µs/op wall, ${(result.cpuUs / result.ops).toFixed(2)} µs/op CPU`,
);
console.log(`profile: ${file}`);
for (const c of contenders) await c.close();
