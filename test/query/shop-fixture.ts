/**
 * A small shop on one connection for the query builder's suites: users, their orders
 * and the orders' items, the same rows on every engine.
 *
 * users:  1 Ada FR, 2 Bob US, 3 Cy FR (inactive), 4 Dee DE (no orders)
 * orders: id user total status     note     created_day shipped_day
 *          1    1   100  paid      null       1           3
 *          2    1   250  pending   'what?'    2           null
 *          3    2    75  paid      'x'        2           2
 *          4    3   300  cancelled null       3           1
 *          5    9    40  paid      null       4           5      (user 9 does not exist)
 * items:  order 1: qty 2 'A', qty 1 'B'; order 3: qty 5 'A'; order 4: qty 1 'C'
 */
import { after, before } from 'node:test';
import { type Connection, DB } from '../../src/index.js';
import { autoIncrement, type TestEngine, type ThrowawayDatabase } from '../support/engines.js';

export interface Shop {
  /** The connection `db` on the shop's database (set in `before`). */
  readonly db: Connection;
  /** A second connection, `other`, on the same database: a builder of one never takes a query of the other. */
  readonly other: Connection;
  readonly engine: TestEngine;
}

/** Registers before/after hooks that create the shop in a throwaway database and drop it. */
export function useShop(engine: TestEngine): Shop {
  let database: ThrowawayDatabase;
  const shop = { engine } as { db: Connection; other: Connection; engine: TestEngine };
  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options, other: database.options } });
    const db = DB.connection('db');
    shop.db = db;
    shop.other = DB.connection('other');
    const key = autoIncrement(engine.driver);
    await db.statement(`CREATE TABLE users (${key}, name VARCHAR(20), country VARCHAR(2), active INT)`);
    await db.statement(
      `CREATE TABLE orders (${key}, user_id INT, total INT, status VARCHAR(20), note VARCHAR(20), created_day INT, shipped_day INT)`,
    );
    await db.statement(`CREATE TABLE items (${key}, order_id INT, qty INT, sku VARCHAR(10))`);
    await db.table('users').insert([
      { name: 'Ada', country: 'FR', active: 1 },
      { name: 'Bob', country: 'US', active: 1 },
      { name: 'Cy', country: 'FR', active: 0 },
      { name: 'Dee', country: 'DE', active: 1 },
    ]);
    await db.table('orders').insert([
      { user_id: 1, total: 100, status: 'paid', note: null, created_day: 1, shipped_day: 3 },
      { user_id: 1, total: 250, status: 'pending', note: 'what?', created_day: 2, shipped_day: null },
      { user_id: 2, total: 75, status: 'paid', note: 'x', created_day: 2, shipped_day: 2 },
      { user_id: 3, total: 300, status: 'cancelled', note: null, created_day: 3, shipped_day: 1 },
      { user_id: 9, total: 40, status: 'paid', note: null, created_day: 4, shipped_day: 5 },
    ]);
    await db.table('items').insert([
      { order_id: 1, qty: 2, sku: 'A' },
      { order_id: 1, qty: 1, sku: 'B' },
      { order_id: 3, qty: 5, sku: 'A' },
      { order_id: 4, qty: 1, sku: 'C' },
    ]);
  });
  after(async () => {
    await DB.disconnect();
    await database.drop();
  });
  return shop;
}

/** Rows with their values as numbers where they are numeric (drivers return counts and sums as strings or bigints). */
export function numeric(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) ? Number(value) : value])),
  );
}

/** The `id`s of rows, as numbers. */
export function ids(rows: readonly Record<string, unknown>[]): number[] {
  return rows.map((row) => Number(row.id));
}
