/** What a contender is, and the inputs every contender's operations share. */
import { ORDER_STATUSES, random } from './data.js';
import type { EngineTarget } from './engines.js';
import type { WorkloadId } from './options.js';

/** One operation of a workload; `i` picks its inputs. May return a promise. */
export type Op = (i: number) => unknown;

export interface Contender {
  /** `raw`, `kysely`, `sodb-select`, `sodb-builder`, `sodb-model`, `raw-2pc`, `sodb-2pc`. */
  id: string;
  ops: Partial<Record<WorkloadId, Op>>;
  /** The user an eager-loaded (W5) order carries. */
  userOf?(order: unknown): unknown;
  /** The groups, each with its `pivot`, an eager-loaded (W10) user carries. */
  groupsOf?(user: unknown): unknown;
  close(): Promise<void>;
}

export interface ContenderContext {
  target: EngineTarget;
  inputs: Inputs;
  /** Pool size of every contender on a server engine. */
  poolSize: number;
  /** Prints a line about the engine (a contender or workload it cannot run, and why). */
  note(line: string): void;
}

/** Builds the contenders of one module for one engine (empty: none applies). */
export type ContenderFactory = (context: ContenderContext) => Promise<Contender[]>;

/** Row values for W4/W6 inserts (a type literal, so it is a `Record<string, unknown>`). */
export type NewOrder = {
  user_id: number;
  order_number: string;
  total: number;
  status: string;
};

/** Shared inputs: the same `i` gives every contender the same key, status and row. */
export class Inputs {
  static readonly SIZE = 1 << 16;
  static readonly MASK = Inputs.SIZE - 1;
  /** User keys in a random order, 1..users. */
  readonly ids: Int32Array;
  readonly statuses: readonly string[] = ORDER_STATUSES;
  readonly users: number;
  /** Rows of `orders`: what W9 streams. */
  readonly orders: number;

  constructor(users: number, orders: number) {
    this.users = users;
    this.orders = orders;
    this.ids = new Int32Array(Inputs.SIZE);
    const next = random(42);
    for (let k = 0; k < Inputs.SIZE; k++) this.ids[k] = 1 + Math.floor(next() * users);
  }

  id(i: number): number {
    return this.ids[i & Inputs.MASK];
  }

  status(i: number): string {
    return this.statuses[i & 3];
  }

  newOrder(i: number): NewOrder {
    return { user_id: this.ids[i & Inputs.MASK], order_number: `N-${i}`, total: 100 + (i % 1000), status: 'pending' };
  }

  /** W8's users: `GROUPED_USERS` consecutive keys from a start that `i` picks. */
  userRange(i: number): [number, number] {
    const span = Math.min(GROUPED_USERS, this.users);
    const start = 1 + (this.ids[i & Inputs.MASK] % (this.users - span + 1));
    return [start, start + span - 1];
  }

  /** A score for W6/2PC updates. */
  score(i: number): number {
    return i % 1000;
  }
}

/** W8 groups the orders of this many users. */
export const GROUPED_USERS = 500;
/** W8's HAVING: groups of at least this many orders. */
export const MIN_GROUP_ORDERS = 2;
/** Rows per batch of every W9 stream (the default of ours, the usual size elsewhere). */
export const STREAM_BATCH = 1000;

/** What a W9 stream gives back: how many rows it saw and a sum over them (each row was read). */
export interface Streamed {
  rows: number;
  total: number;
}

/** W9's loop body over one row. */
export function countRow(into: Streamed, row: unknown): void {
  into.rows++;
  into.total += Number((row as { total: unknown }).total);
}

/** The hand-written W5 match: users by key, set on each order as `user`. */
export function attachUsers<O extends { user_id: unknown }, U extends { id: unknown }>(orders: O[], users: U[]): (O & { user: U | undefined })[] {
  const byId = new Map<unknown, U>();
  for (const user of users) byId.set(user.id, user);
  const out = orders as (O & { user: U | undefined })[];
  for (const order of out) order.user = byId.get(order.user_id);
  return out;
}

/**
 * The hand-written W10 match: groups by key, then per pivot row a copy of its group
 * carrying that row as `pivot`, listed on its user as `groups` (what a belongsToMany gives).
 */
export function attachGroups<U extends { id: unknown }, P extends { user_id: unknown; group_id: unknown }, G extends { id: unknown }>(
  users: U[],
  pivots: P[],
  groups: G[],
): (U & { groups: (G & { pivot: P })[] })[] {
  const byId = new Map<unknown, G>();
  for (const group of groups) byId.set(group.id, group);
  const byUser = new Map<unknown, (G & { pivot: P })[]>();
  for (const pivot of pivots) {
    const group = byId.get(pivot.group_id);
    if (group === undefined) continue;
    const item = { ...group, pivot };
    const list = byUser.get(pivot.user_id);
    if (list === undefined) byUser.set(pivot.user_id, [item]);
    else list.push(item);
  }
  const out = users as (U & { groups: (G & { pivot: P })[] })[];
  for (const user of out) user.groups = byUser.get(user.id) ?? [];
  return out;
}

/** Distinct values of `column` over `rows`, in first-seen order. */
export function distinctOf(rows: readonly Record<string, unknown>[], column: string): unknown[] {
  return [...new Set(rows.map((row) => row[column]))];
}

/** Distinct user keys of the orders, in first-seen order. */
export function userKeys(orders: readonly { user_id: unknown }[]): unknown[] {
  return [...new Set(orders.map((o) => o.user_id))];
}

/** The statements with `$n` placeholders, for postgres.js. */
export function toDollars(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** `?, ?, ?` for n values. */
export function marks(n: number): string {
  return new Array(n).fill('?').join(', ');
}

/** The statements of the workloads, in `?` syntax; raw contenders translate them for their driver. */
export const SQL = {
  findUser: 'SELECT * FROM users WHERE id = ?',
  ordersByStatus: 'SELECT * FROM orders WHERE status = ? LIMIT 100',
  insertOrder: 'INSERT INTO new_orders (user_id, order_number, total, status) VALUES (?, ?, ?, ?)',
  updateScore: 'UPDATE users SET score = ? WHERE id = ?',
  firstOrders: 'SELECT * FROM orders LIMIT 100',
  usersIn: (n: number) => `SELECT * FROM users WHERE id IN (${marks(n)})`,
  firstUsers: 'SELECT * FROM users LIMIT 100',
  groupUserIn: (n: number) => `SELECT user_id, group_id, role FROM group_user WHERE user_id IN (${marks(n)})`,
  groupsIn: (n: number) => `SELECT * FROM groups WHERE id IN (${marks(n)})`,
  /** W8: a join with grouping, aggregates, HAVING, ORDER BY and LIMIT on one connection. */
  groupedOrders:
    'SELECT u.id, u.name, o.status, COUNT(*) AS order_count, SUM(o.total) AS total FROM users u JOIN orders o ON o.user_id = u.id ' +
    'WHERE u.id BETWEEN ? AND ? GROUP BY u.id, u.name, o.status HAVING COUNT(*) >= ? ORDER BY total DESC, u.id, o.status LIMIT 100',
  /** W9: every order, streamed. */
  allOrders: 'SELECT * FROM orders',
  /** W11: every user. */
  allUsers: 'SELECT * FROM users',
} as const;
