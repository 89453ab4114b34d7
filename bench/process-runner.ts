/** The parent's side of contender-process.ts: a Runner whose contender lives in a child process. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Request, Startup } from './contender-process.js';
import type { Runner, Timing } from './measure.js';
import type { EngineId, WorkloadId } from './options.js';

const HOST = fileURLToPath(new URL('./contender-process.ts', import.meta.url));

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
type Pending = { resolve(value: unknown): void; reject(error: Error): void };
// `id` is filled in by `request`.
type Body = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface ProcessOptions {
  engine: EngineId;
  contender: string;
  prefix: string;
  users: number;
  orders: number;
  poolSize: number;
}

export class ProcessRunner implements Runner {
  readonly id: string;
  readonly workloads: ReadonlySet<WorkloadId>;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #next = 0;

  private constructor(id: string, child: ChildProcess, workloads: WorkloadId[]) {
    this.id = id;
    this.#child = child;
    this.workloads = new Set(workloads);
    child.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.result);
      else pending.reject(new Error(reply.error));
    });
    child.on('exit', (code) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`${id}: its process exited (${code})`));
      this.#pending.clear();
    });
  }

  /** Starts the contender's process; resolves to the runner, or to why there is none. */
  static start(options: ProcessOptions): Promise<{ runner?: ProcessRunner; notes: string[]; error?: string }> {
    const args = ['--engine', options.engine, '--contender', options.contender, '--prefix', options.prefix];
    args.push('--users', String(options.users), '--orders', String(options.orders), '--pool', String(options.poolSize));
    const child = fork(HOST, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve) => {
      const early = (code: number | null) => resolve({ notes: [], error: `${options.contender}: its process exited (${code}) before it was ready` });
      child.once('exit', early);
      child.once('message', (startup: Startup) => {
        child.off('exit', early);
        if (startup.type === 'ready') {
          resolve({ runner: new ProcessRunner(options.contender, child, startup.workloads), notes: startup.notes });
        } else if (startup.type === 'absent') {
          resolve({ notes: startup.notes });
        } else {
          resolve({ notes: [], error: `${options.contender}: could not start: ${startup.error}` });
        }
      });
    });
  }

  #request(body: Body): Promise<unknown> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...body, id } as Request);
    });
  }

  async check(workload: WorkloadId, indices: number[]): Promise<void> {
    await this.#request({ type: 'check', workload, indices });
  }

  run(workload: WorkloadId, start: number, n: number): Promise<Timing> {
    return this.#request({ type: 'run', workload, start, n }) as Promise<Timing>;
  }

  /** Closes and reopens the contender (its pools), between workloads. */
  async reset(): Promise<void> {
    await this.#request({ type: 'reset' });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.#request({ type: 'close' }).catch(() => {});
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    if (this.#child.exitCode === null) this.#child.kill();
  }
}
