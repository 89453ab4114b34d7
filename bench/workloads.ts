/** What each workload is, its targets, and how a result is checked. */
import type { Contender, Inputs } from './contender.js';
import { GROUPS_PER_USER } from './data.js';
import type { EngineId, WorkloadId } from './options.js';

export const DESCRIPTIONS: Record<WorkloadId, string> = {
  W1: 'find by primary key, one at a time',
  W2: `find by primary key, 32 in flight on a pool of 10`,
  W3: 'select 100 rows WHERE status = ? LIMIT 100',
  W4: 'insert one row, one at a time',
  W5: 'cross-database eager load: 100 orders and their users from the other connection',
  W6: 'a transaction of two statements (insert + update)',
  W7: 'find by primary key through a read/write split connection (replica = same server)',
  W10: 'belongsToMany eager load across databases: 100 users, their group_user rows (same database), their groups (the other)',
  '2PC': 'insert on one database + update on the other: two-phase commit vs two plain commits',
};

/** Which contenders a target applies to. */
export const OUR_LEVELS = ['sodb-select', 'sodb-builder', 'sodb-model', 'alt-select', 'alt-builder', 'alt-model'] as const;

/** The ceiling on `contender` time per operation / raw driver's, or undefined when none is set. */
export function target(engine: EngineId, workload: WorkloadId, contender: string): number | undefined {
  if (workload === '2PC') return contender === 'sodb-2pc' || contender === 'alt-2pc' ? 2.5 : undefined;
  if (!(OUR_LEVELS as readonly string[]).includes(contender)) return undefined;
  switch (workload) {
    case 'W1':
    case 'W2':
    case 'W3':
    case 'W4':
      return engine === 'sqlite' ? 2.5 : 1.1;
    case 'W5':
    case 'W10':
      return 1.15;
    case 'W6':
      return 1.1;
    case 'W7':
      // W7 is W1's read on a split connection; on SQLite the per-call floor of W1 applies.
      return engine === 'sqlite' ? 2.5 : 1.1;
  }
}

/** Extra RSS (MiB) our contenders may take on W2 over the raw driver's. */
export const RSS_BUDGET_MIB = 15;

function fail(contender: Contender, message: string): never {
  throw new Error(`${contender.id}: wrong result: ${message}`);
}

function field(row: unknown, name: string): unknown {
  return typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[name] : undefined;
}

/** Throws when `result` is not what operation `i` of `workload` must give. */
export function checkResult(workload: WorkloadId, contender: Contender, result: unknown, i: number, inputs: Inputs): void {
  switch (workload) {
    case 'W1':
    case 'W2':
    case 'W7': {
      const id = inputs.id(i);
      if (Number(field(result, 'id')) !== id) fail(contender, `expected user ${id}, got ${JSON.stringify(result)}`);
      if (field(result, 'email') !== `user${id}@example.com`) fail(contender, `user ${id} has the wrong email`);
      if (field(result, 'created_at') === undefined) fail(contender, `user ${id} has no created_at`);
      return;
    }
    case 'W3': {
      const status = inputs.status(i);
      if (!Array.isArray(result) || result.length !== 100) fail(contender, `expected 100 rows, got ${(result as unknown[])?.length}`);
      for (const row of result) if (field(row, 'status') !== status) fail(contender, `a row is not ${status}`);
      return;
    }
    case 'W4': {
      const key = typeof result === 'object' && result !== null ? field(result, 'id') : result;
      if (!(Number(key) > 0)) fail(contender, `expected the new key, got ${String(key)}`);
      return;
    }
    case 'W5': {
      if (!Array.isArray(result) || result.length !== 100) fail(contender, `expected 100 orders, got ${(result as unknown[])?.length}`);
      const userOf = contender.userOf ?? ((order: unknown) => field(order, 'user'));
      for (const order of result) {
        const user = userOf(order);
        if (Number(field(user, 'id')) !== Number(field(order, 'user_id'))) {
          fail(contender, `order ${String(field(order, 'id'))} carries user ${String(field(user, 'id'))}, not ${String(field(order, 'user_id'))}`);
        }
      }
      return;
    }
    case 'W10': {
      if (!Array.isArray(result) || result.length !== 100) fail(contender, `expected 100 users, got ${(result as unknown[])?.length}`);
      const groupsOf = contender.groupsOf ?? ((user: unknown) => field(user, 'groups'));
      for (const user of result) {
        const groups = groupsOf(user);
        if (!Array.isArray(groups) || groups.length !== GROUPS_PER_USER) fail(contender, `user ${String(field(user, 'id'))} has ${(groups as unknown[])?.length} groups, not ${GROUPS_PER_USER}`);
        for (const group of groups) {
          const pivot = field(group, 'pivot');
          if (Number(field(pivot, 'user_id')) !== Number(field(user, 'id')) || Number(field(pivot, 'group_id')) !== Number(field(group, 'id'))) {
            fail(contender, `user ${String(field(user, 'id'))} carries group ${String(field(group, 'id'))} with the pivot ${JSON.stringify(pivot)}`);
          }
          if (field(group, 'name') !== `Group ${String(field(group, 'id'))}`) fail(contender, `group ${String(field(group, 'id'))} has the wrong name`);
        }
      }
      return;
    }
    case 'W6':
    case '2PC':
      return;
  }
}
