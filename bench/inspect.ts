/**
 * Counts behind FINDINGS.md, per operation of a workload (on kept bench data):
 *
 *   node --import tsx bench/inspect.ts promises sqlite W1 raw sodb-select sodb-model   # promises created
 *   node --import tsx bench/inspect.ts io pgsql W1 raw sodb-select                     # bytes and syscalls (Linux)
 *   node --import tsx bench/inspect.ts sql mysql 2PC sodb-2pc                          # statements sent (ours only)
 */
import { createHook } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { DB } from '../src/index.js';
import { type Contender, Inputs } from './contender.js';
import { moduleOf } from './contenders/index.js';
import { engineTarget } from './engines.js';
import { ENGINES, type EngineId, WORKLOADS, type WorkloadId } from './options.js';

const [what, engine, workload, ...ids] = process.argv.slice(2) as [string, EngineId, WorkloadId, ...string[]];
if (!['promises', 'io', 'sql'].includes(what) || !ENGINES.includes(engine) || !WORKLOADS.includes(workload) || ids.length === 0) {
  throw new Error('usage: inspect.ts promises|io|sql <engine> <workload> <contender>...');
}
const OPS = 2000;

function procIo(): Record<string, number> {
  const lines = readFileSync('/proc/self/io', 'utf8').trim().split('\n');
  return Object.fromEntries(lines.map((line) => [line.split(': ')[0], Number(line.split(': ')[1])]));
}

for (const id of ids) {
  const module = moduleOf(id);
  if (module === undefined) throw new Error(`unknown contender ${id}`);
  const contenders: Contender[] = await (await module.load(engine))({
    target: engineTarget(engine, 'sodb_bench'),
    inputs: new Inputs(10_000, 100_000),
    poolSize: 10,
    note: () => {},
  });
  const op = contenders.find((c) => c.id === id)?.ops[workload];
  if (op === undefined) throw new Error(`${id} has no ${workload} on ${engine}`);
  for (let i = 0; i < 300; i++) await op(i);
  if (what === 'promises') {
    let count = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'PROMISE') count++;
      },
    }).enable();
    for (let i = 0; i < OPS; i++) await op(i);
    hook.disable();
    console.log(`${id} ${workload} ${engine}: ${(count / OPS).toFixed(1)} promises/op (the loop's own await included)`);
  } else if (what === 'io') {
    const before = procIo();
    for (let i = 0; i < OPS; i++) await op(i);
    const after = procIo();
    const per = (key: string) => ((after[key] - before[key]) / OPS).toFixed(2);
    console.log(`${id} ${workload} ${engine}: written ${per('wchar')} B in ${per('syscw')} syscalls, read ${per('rchar')} B in ${per('syscr')} syscalls, per op`);
  } else {
    const seen: string[] = [];
    const stop = DB.listen((e) => seen.push(`  ${e.connection}: ${e.sql.slice(0, 120)} [${e.bindings.length} bindings]`));
    await op(OPS);
    stop();
    console.log(`${id} ${workload} ${engine}: ${seen.length} statements\n${seen.join('\n')}`);
  }
  for (const c of contenders) await c.close();
}
process.exit(0);
