/**
 * One contender in a process of its own, driven by run.ts over IPC. Each
 * contender gets its own heap, JIT feedback and CPU clock, and nothing one
 * library installs (our AsyncLocalStorage turns on Node's promise hooks for
 * every promise of the process) taxes another contender.
 *
 * Messages in: { id, type: 'check' | 'run' | 'reset' | 'close', ... }; out: { id, ok, result | error }.
 * At start it sends { type: 'ready', workloads, notes } (or `absent`/`failed`).
 */
import { parseArgs } from 'node:util';
import { type Contender, Inputs } from './contender.js';
import { moduleOf } from './contenders/index.js';
import { engineTarget } from './engines.js';
import { timeRun } from './measure.js';
import type { EngineId, WorkloadId } from './options.js';
import { checkResult } from './workloads.js';

export type Request =
  | { id: number; type: 'check'; workload: WorkloadId; indices: number[] }
  | { id: number; type: 'run'; workload: WorkloadId; start: number; n: number }
  | { id: number; type: 'reset' }
  | { id: number; type: 'close' };

export type Startup =
  | { type: 'ready'; workloads: WorkloadId[]; notes: string[] }
  | { type: 'absent'; notes: string[] }
  | { type: 'failed'; error: string };

const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    contender: { type: 'string' },
    prefix: { type: 'string' },
    users: { type: 'string' },
    orders: { type: 'string' },
    pool: { type: 'string' },
  },
});
const engine = values.engine as EngineId;
const id = String(values.contender);
const inputs = new Inputs(Number(values.users), Number(values.orders));
const notes: string[] = [];
let all: Contender[] = [];

function send(message: unknown): void {
  process.send?.(message);
}

async function open(): Promise<Contender | undefined> {
  const module = moduleOf(id);
  if (module === undefined) throw new Error(`unknown contender ${id}`);
  const factory = await module.load(engine);
  all = await factory({
    target: engineTarget(engine, String(values.prefix)),
    inputs,
    poolSize: Number(values.pool ?? 10),
    note: (line) => notes.push(line),
  });
  return all.find((c) => c.id === id);
}

async function closeAll(): Promise<void> {
  for (const c of all) await c.close().catch(() => {});
  all = [];
}

let contender: Contender | undefined;
try {
  contender = await open();
  if (contender === undefined) {
    send({ type: 'absent', notes } satisfies Startup);
    await closeAll();
    process.exit(0);
  }
  send({ type: 'ready', workloads: Object.keys(contender.ops) as WorkloadId[], notes } satisfies Startup);
} catch (error) {
  send({ type: 'failed', error: (error as Error)?.message ?? String(error) } satisfies Startup);
  process.exit(0);
}

async function handle(request: Request): Promise<unknown> {
  const current = contender as Contender;
  switch (request.type) {
    case 'check': {
      const op = current.ops[request.workload];
      if (op === undefined) throw new Error(`${id} has no ${request.workload}`);
      for (const i of request.indices) checkResult(request.workload, current, await op(i), i, inputs);
      return null;
    }
    case 'run': {
      const op = current.ops[request.workload];
      if (op === undefined) throw new Error(`${id} has no ${request.workload}`);
      return timeRun(request.workload, op, request.start, request.n);
    }
    case 'reset':
      // Closes the pools the last workload opened (W2 opens ten sessions per contender).
      await closeAll();
      contender = await open();
      if (contender === undefined) throw new Error(`${id} is gone after a reset`);
      return null;
    case 'close':
      await closeAll();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    (result) => send({ id: request.id, ok: true, result }),
    (error) => send({ id: request.id, ok: false, error: (error as Error)?.message ?? String(error) }),
  );
});
// The parent went away: nothing left to do.
process.on('disconnect', () => {
  closeAll().finally(() => process.exit(0));
});
