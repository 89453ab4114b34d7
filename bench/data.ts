/**
 * The bench data: `users` and `orders` (plus an empty `new_orders` for the
 * writes) in the main database, a copy of `users` in the other one. Values
 * come from a seeded generator, so every run and every engine holds the same rows.
 */
import {
  type AdminClient,
  adminClient,
  createDatabases,
  databasesExist,
  type EngineTarget,
} from './engines.js';

/** Bumped whenever the schema or the generated rows change, so old kept data is rebuilt. */
const SCHEMA_VERSION = 3;

export const USER_STATUSES = ['active', 'inactive', 'banned'] as const;
export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'cancelled'] as const;

/** W10: `groups` in the other database, `group_user` (the pivot) in the main one, this many groups per user. */
export const GROUPS = 200;
export const GROUPS_PER_USER = 3;
const GROUP_ROLES = ['member', 'owner'] as const;

export interface DataSize {
  users: number;
  orders: number;
}

/** Small deterministic generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ddl(target: EngineTarget): {
  users: string;
  orders: (table: string) => string;
  groups: string;
  groupUser: string;
  meta: string;
  indexes: string[];
} {
  const id =
    target.id === 'mysql' ? 'id INT AUTO_INCREMENT PRIMARY KEY' : target.id === 'pgsql' ? 'id SERIAL PRIMARY KEY' : 'id INTEGER PRIMARY KEY';
  const text = (n: number) => (target.id === 'sqlite' ? 'TEXT' : `VARCHAR(${n})`);
  const time = target.id === 'mysql' ? 'DATETIME' : target.id === 'pgsql' ? 'TIMESTAMP' : 'TEXT';
  const engine = target.id === 'mysql' ? ' ENGINE=InnoDB' : '';
  return {
    users: `CREATE TABLE users (${id}, name ${text(100)} NOT NULL, email ${text(190)} NOT NULL, status ${text(20)} NOT NULL, score INT NOT NULL, created_at ${time} NOT NULL DEFAULT CURRENT_TIMESTAMP)${engine}`,
    orders: (table) =>
      `CREATE TABLE ${table} (${id}, user_id INT NOT NULL, order_number ${text(32)} NOT NULL, total INT NOT NULL, status ${text(20)} NOT NULL, created_at ${time} NOT NULL DEFAULT CURRENT_TIMESTAMP)${engine}`,
    groups: `CREATE TABLE groups (${id}, name ${text(100)} NOT NULL)${engine}`,
    groupUser: `CREATE TABLE group_user (user_id INT NOT NULL, group_id INT NOT NULL, role ${text(20)} NOT NULL, PRIMARY KEY (user_id, group_id))${engine}`,
    meta: `CREATE TABLE bench_meta (version INT NOT NULL, users INT NOT NULL, orders INT NOT NULL)${engine}`,
    indexes: ['CREATE INDEX orders_status ON orders (status)', 'CREATE INDEX orders_user_id ON orders (user_id)'],
  };
}

/**
 * `bench_million`: rows 0..999,999 made on the fly by the server (a cross join of ten digits, portable
 * to every engine), which the streaming memory measure reads without storing a million rows.
 */
export const MILLION_VIEW = 'bench_million';
const DIGITS = Array.from({ length: 10 }, (_, n) => `SELECT ${n} AS n`).join(' UNION ALL ');
const MILLION_SQL =
  `CREATE VIEW ${MILLION_VIEW} AS WITH d AS (${DIGITS}) ` +
  'SELECT a.n + 10 * b.n + 100 * c.n + 1000 * e.n + 10000 * f.n + 100000 * g.n AS id, a.n AS total, ' +
  "'a generated row' AS label FROM d a CROSS JOIN d b CROSS JOIN d c CROSS JOIN d e CROSS JOIN d f CROSS JOIN d g";

function timestamp(i: number): string {
  // A fixed start plus i minutes: the same rows on every engine.
  return new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Multi-row INSERTs of `rows`, `batch` rows per statement, in one transaction. */
async function insertRows(
  client: AdminClient,
  target: EngineTarget,
  table: string,
  columns: string[],
  count: number,
  row: (i: number) => unknown[],
): Promise<void> {
  const batch = 1000;
  await client.run(target.id === 'mysql' ? 'START TRANSACTION' : 'BEGIN');
  for (let start = 1; start <= count; start += batch) {
    const end = Math.min(count, start + batch - 1);
    const params: unknown[] = [];
    const tuples: string[] = [];
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    for (let i = start; i <= end; i++) {
      params.push(...row(i));
      tuples.push(tuple);
    }
    await client.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
  await client.run('COMMIT');
}

function userRow(i: number): unknown[] {
  return [`User ${i}`, `user${i}@example.com`, USER_STATUSES[i % USER_STATUSES.length], i % 1000, timestamp(i)];
}

async function seedUsers(client: AdminClient, target: EngineTarget, size: DataSize): Promise<void> {
  await insertRows(client, target, 'users', ['name', 'email', 'status', 'score', 'created_at'], size.users, userRow);
}

async function seedOrders(client: AdminClient, target: EngineTarget, size: DataSize): Promise<void> {
  const next = random(7);
  await insertRows(
    client,
    target,
    'orders',
    ['user_id', 'order_number', 'total', 'status', 'created_at'],
    size.orders,
    (i) => [
      1 + Math.floor(next() * size.users),
      `ORD-${String(i).padStart(8, '0')}`,
      100 + Math.floor(next() * 100_000),
      ORDER_STATUSES[Math.floor(next() * ORDER_STATUSES.length)],
      timestamp(i),
    ],
  );
}

/** Group i of user u: three distinct groups per user, spread over all of them. */
function groupOf(user: number, i: number): number {
  return ((user + i * 67) % GROUPS) + 1;
}

async function seedGroupUser(client: AdminClient, target: EngineTarget, size: DataSize): Promise<void> {
  await insertRows(client, target, 'group_user', ['user_id', 'group_id', 'role'], size.users * GROUPS_PER_USER, (k) => {
    const user = Math.ceil(k / GROUPS_PER_USER);
    const i = (k - 1) % GROUPS_PER_USER;
    return [user, groupOf(user, i), GROUP_ROLES[(user + i) % GROUP_ROLES.length]];
  });
}

async function build(target: EngineTarget, size: DataSize): Promise<void> {
  await createDatabases(target);
  const sql = ddl(target);
  const main = await adminClient(target, target.main);
  try {
    if (target.id === 'sqlite') await main.run('PRAGMA journal_mode = WAL');
    await main.run(sql.users);
    await main.run(sql.orders('orders'));
    await main.run(sql.orders('new_orders'));
    await main.run(sql.meta);
    await seedUsers(main, target, size);
    await seedOrders(main, target, size);
    await main.run(sql.groupUser);
    await seedGroupUser(main, target, size);
    for (const index of sql.indexes) await main.run(index);
    await main.run(MILLION_SQL);
    await main.run('INSERT INTO bench_meta (version, users, orders) VALUES (?, ?, ?)', [SCHEMA_VERSION, size.users, size.orders]);
    if (target.id !== 'mysql') await main.run('ANALYZE');
  } finally {
    await main.close();
  }
  const other = await adminClient(target, target.other);
  try {
    if (target.id === 'sqlite') await other.run('PRAGMA journal_mode = WAL');
    await other.run(sql.users);
    await other.run(sql.meta);
    await seedUsers(other, target, size);
    await other.run(sql.groups);
    await insertRows(other, target, 'groups', ['name'], GROUPS, (i) => [`Group ${i}`]);
    await other.run('INSERT INTO bench_meta (version, users, orders) VALUES (?, ?, ?)', [SCHEMA_VERSION, size.users, 0]);
    if (target.id !== 'mysql') await other.run('ANALYZE');
  } finally {
    await other.close();
  }
}

/** True when kept databases hold exactly the rows this run wants. */
async function reusable(target: EngineTarget, size: DataSize): Promise<boolean> {
  if (!(await databasesExist(target))) return false;
  try {
    for (const [database, orders] of [
      [target.main, size.orders],
      [target.other, 0],
    ] as const) {
      const client = await adminClient(target, database);
      try {
        const [meta] = await client.rows('SELECT version, users, orders FROM bench_meta');
        if (meta === undefined || Number(meta.version) !== SCHEMA_VERSION) return false;
        if (Number(meta.users) !== size.users || Number(meta.orders) !== orders) return false;
        const [users] = await client.rows('SELECT COUNT(*) AS n, MAX(id) AS top FROM users');
        if (Number(users?.n) !== size.users || Number(users?.top) !== size.users) return false;
        if (orders > 0) {
          const [o] = await client.rows('SELECT COUNT(*) AS n FROM orders');
          if (Number(o?.n) !== orders) return false;
        }
      } finally {
        await client.close();
      }
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure both databases hold the bench data: reuses kept ones with the
 * right counts, else builds them. Empties `new_orders` either way.
 */
export async function prepareData(target: EngineTarget, size: DataSize): Promise<'reused' | 'created'> {
  const reuse = await reusable(target, size);
  if (!reuse) await build(target, size);
  const main = await adminClient(target, target.main);
  try {
    await main.run(target.id === 'sqlite' ? 'DELETE FROM new_orders' : 'TRUNCATE TABLE new_orders');
  } finally {
    await main.close();
  }
  return reuse ? 'reused' : 'created';
}
