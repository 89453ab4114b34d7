/**
 * Two copies of the library in one process, the model workloads W5, W10 and W11 (and the
 * builder's W5, `W5-builder`) on the bench data of a kept run (`--engine sqlite|mysql|pgsql`), in alternating blocks:
 * the median per-op CPU of each, and the median of the paired ratios. One process, so both
 * copies pay the same promise hooks and the same machine noise, block by block; on a busy
 * machine it tells a 3 % change where the bench's rounds cannot (an A/A run gives 0.99-1.01).
 *
 *   node --import tsx bench/model-ab.ts src/index.ts /path/to/old/src/index.ts --workload W5 --blocks 30
 *   node --import tsx bench/model-ab.ts src/index.ts src/index.ts --workload W5 --against W5-builder
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConnectionOptions } from '../src/index.js';
import type { Library } from './contenders/sodb-setup.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workload: { type: 'string', default: 'W5' },
    against: { type: 'string' },
    blocks: { type: 'string', default: '30' },
    prefix: { type: 'string', default: 'sodb_bench' },
    engine: { type: 'string', default: 'sqlite' },
  },
});
const [pathA, pathB] = positionals;
if (pathA === undefined || pathB === undefined) throw new Error('usage: model-ab.ts <index.ts A> <index.ts B> [--workload W5] [--against W5-builder] [--blocks 30]');
const folder = join(tmpdir(), 'sodb-bench');

/** The bench databases of a kept run (`npm run bench -- --keep`), on the bench's default servers. */
function optionsOf(name: string): ConnectionOptions {
  const database = `${values.prefix}_${name}`;
  if (values.engine === 'mysql') return { driver: 'mysql', host: '127.0.0.1', port: 3306, username: 'root', database };
  if (values.engine === 'pgsql') return { driver: 'pgsql', host: '127.0.0.1', port: 5432, username: 'postgres', database };
  return { driver: 'sqlite', database: join(folder, `${database}.sqlite`) };
}

async function workloadOf(path: string, workload: string): Promise<() => Promise<unknown>> {
  const lib = (await import(pathToFileURL(resolve(path)).href)) as Library;
  await lib.DB.configure({ default: 'main', connections: { main: optionsOf('main'), other: optionsOf('other') } });
  const { Model } = lib;
  class Customer extends Model {
    static table = 'users';
    static connection = 'other';
  }
  class Order extends Model {
    static table = 'orders';
    static connection = 'main';
    user() {
      return this.belongsTo(Customer, 'user_id', 'id');
    }
  }
  class Group extends Model {
    static table = 'groups';
    static connection = 'other';
  }
  class Member extends Model {
    static table = 'users';
    static connection = 'main';
    groups() {
      return this.belongsToMany(Group, 'group_user', 'user_id', 'group_id').withPivot('role');
    }
  }
  const builderW5 = async () => {
    const orders = (await lib.DB.connection('main').table('orders').limit(100).get()) as { user_id: unknown }[];
    return lib.DB.connection('other').table('users').whereIn('id', [...new Set(orders.map((o) => o.user_id))]).get();
  };
  const workloads: Record<string, () => Promise<unknown>> = {
    W5: () => Order.query().limit(100).with('user').get(),
    'W5-builder': builderW5,
    W10: () => Member.query().limit(100).with('groups').get(),
    W11: () => Member.all(),
  };
  const run = workloads[workload];
  if (run === undefined) throw new Error(`unknown workload ${workload}: ${Object.keys(workloads).join(', ')}`);
  return run;
}

const a = await workloadOf(pathA, values.workload);
const b = await workloadOf(pathB, values.against ?? values.workload);
const perBlock = values.workload === 'W11' ? 5 : 150;

async function block(run: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < perBlock; i++) await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / perBlock;
}

const median = (list: number[]) => [...list].sort((x, y) => x - y)[list.length >> 1];
for (let i = 0; i < 5; i++) {
  await block(a);
  await block(b);
}
const timesA: number[] = [];
const timesB: number[] = [];
for (let i = 0; i < Number(values.blocks); i++) {
  if (i % 2 === 0) {
    timesA.push(await block(a));
    timesB.push(await block(b));
  } else {
    timesB.push(await block(b));
    timesA.push(await block(a));
  }
}
const ratio = median(timesA.map((t, i) => t / timesB[i]));
console.log(`${values.workload}${values.against ? ` against ${values.against}` : ''}: A ${median(timesA).toFixed(1)} µs/op CPU, B ${median(timesB).toFixed(1)}, A/B ${ratio.toFixed(3)} (median of ${timesA.length} paired blocks of ${perBlock})`);
process.exit(0);
