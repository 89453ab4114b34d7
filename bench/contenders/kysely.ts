/** Kysely on the same drivers, written as its users write it (typed tables, the query builder). */
import { type Generated, Kysely, MysqlDialect, SqliteDialect } from 'kysely';
import {
  attachGroups,
  attachUsers,
  type Contender,
  type ContenderFactory,
  countRow,
  distinctOf,
  MIN_GROUP_ORDERS,
  STREAM_BATCH,
  type Streamed,
  userKeys,
} from '../contender.js';
import type { EngineTarget } from '../engines.js';

interface UserTable {
  id: Generated<number>;
  name: string;
  email: string;
  status: string;
  score: number;
  created_at: Generated<Date | string>;
}

interface OrderTable {
  id: Generated<number>;
  user_id: number;
  order_number: string;
  total: number;
  status: string;
  created_at: Generated<Date | string>;
}

interface GroupTable {
  id: Generated<number>;
  name: string;
}

interface GroupUserTable {
  user_id: number;
  group_id: number;
  role: string;
}

interface BenchDatabase {
  users: UserTable;
  orders: OrderTable;
  new_orders: OrderTable;
  groups: GroupTable;
  group_user: GroupUserTable;
}

async function open(target: EngineTarget, database: string, poolSize: number): Promise<Kysely<BenchDatabase>> {
  if (target.id === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(database);
    db.pragma('foreign_keys = ON');
    db.pragma('journal_mode = WAL');
    return new Kysely<BenchDatabase>({ dialect: new SqliteDialect({ database: db }) });
  }
  if (target.id === 'mysql') {
    const { createPool } = await import('mysql2');
    const pool = createPool({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database,
      connectionLimit: poolSize,
      charset: 'UTF8MB4_UNICODE_CI',
      supportBigNumbers: true,
    });
    return new Kysely<BenchDatabase>({ dialect: new MysqlDialect({ pool }) });
  }
  const postgres = (await import('postgres')).default;
  const { PostgresJsDialect } = await import('./kysely-postgres-js.js');
  const sql = postgres({
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database,
    max: poolSize,
    prepare: true,
    onnotice: () => {},
  });
  return new Kysely<BenchDatabase>({ dialect: new PostgresJsDialect(sql) });
}

export const kyselyContender: ContenderFactory = async ({ target, inputs, poolSize }) => {
  const main = await open(target, target.main, poolSize);
  const other = await open(target, target.other, poolSize);
  const returning = target.id === 'pgsql';

  const find = (i: number) => main.selectFrom('users').selectAll().where('id', '=', inputs.id(i)).executeTakeFirst();
  const kysely: Contender = {
    id: 'kysely',
    ops: {
      W1: find,
      W2: find,
      W3: (i) => main.selectFrom('orders').selectAll().where('status', '=', inputs.status(i)).limit(100).execute(),
      W4: async (i) => {
        const insert = main.insertInto('new_orders').values(inputs.newOrder(i));
        if (returning) return (await insert.returning('id').executeTakeFirstOrThrow()).id;
        return (await insert.executeTakeFirstOrThrow()).insertId;
      },
      W5: async () => {
        const orders = await main.selectFrom('orders').selectAll().limit(100).execute();
        const keys = userKeys(orders) as number[];
        const users = await other.selectFrom('users').selectAll().where('id', 'in', keys).execute();
        return attachUsers(orders, users);
      },
      W10: async () => {
        const users = await main.selectFrom('users').selectAll().limit(100).execute();
        const keys = users.map((u) => u.id);
        const pivots = await main.selectFrom('group_user').select(['user_id', 'group_id', 'role']).where('user_id', 'in', keys).execute();
        const groupKeys = distinctOf(pivots, 'group_id') as number[];
        const groups = await other.selectFrom('groups').selectAll().where('id', 'in', groupKeys).execute();
        return attachGroups(users, pivots, groups);
      },
      W6: (i) =>
        main.transaction().execute(async (trx) => {
          await trx.insertInto('new_orders').values(inputs.newOrder(i)).execute();
          await trx.updateTable('users').set({ score: inputs.score(i) }).where('id', '=', inputs.id(i)).execute();
        }),
      // Kysely has no read/write split: the same read on its one pool.
      W7: find,
      W8: (i) => {
        const [first, last] = inputs.userRange(i);
        return main
          .selectFrom('users as u')
          .innerJoin('orders as o', 'o.user_id', 'u.id')
          .select((eb) => ['u.id', 'u.name', 'o.status', eb.fn.countAll().as('order_count'), eb.fn.sum('o.total').as('total')])
          .where('u.id', '>=', first)
          .where('u.id', '<=', last)
          .groupBy(['u.id', 'u.name', 'o.status'])
          .having((eb) => eb.fn.countAll(), '>=', MIN_GROUP_ORDERS)
          .orderBy('total', 'desc')
          .orderBy('u.id')
          .orderBy('o.status')
          .limit(100)
          .execute();
      },
      W9: async () => {
        const streamed: Streamed = { rows: 0, total: 0 };
        for await (const row of main.selectFrom('orders').selectAll().stream(STREAM_BATCH)) countRow(streamed, row);
        return streamed;
      },
      W11: () => main.selectFrom('users').selectAll().execute(),
    },
    userOf: (order) => (order as { user: unknown }).user,
    close: async () => {
      await main.destroy();
      await other.destroy();
    },
  };
  return [kysely];
};
