/** Our raw level (`conn.select(...)`), our query builder, and our cross-connection transaction. */
import * as ours from '../../src/index.js';
import type { Connection } from '../../src/index.js';
import {
  attachGroups,
  attachUsers,
  type Contender,
  type ContenderFactory,
  countRow,
  distinctOf,
  MIN_GROUP_ORDERS,
  SQL,
  STREAM_BATCH,
  type Streamed,
  userKeys,
} from '../contender.js';
import { configureSodb, insertSql, type Library } from './sodb-setup.js';

type Row = Record<string, unknown> & { id: number; user_id: number };
type PivotRow = Record<string, unknown> & { user_id: number; group_id: number };

/** `DB.transaction([...], fn)` of issue 8, when it exists. */
type CrossTransaction = (names: string[], fn: (connections: Record<string, Connection>) => Promise<unknown>) => Promise<unknown>;

/** Our levels on `lib`, with ids `<prefix>-select`, `<prefix>-builder`, `<prefix>-2pc`. */
export const levelsOf = (lib: Library, prefix: string): ContenderFactory => async ({ target, inputs, poolSize, note }) => {
  const { DB } = lib;
  await configureSodb(lib, target, poolSize);
  const main = DB.connection('main');
  const other = DB.connection('other');
  const split = DB.connection('split');
  const insertReturning = insertSql(target, SQL.insertOrder);
  const usersIn = new Map<number, string>();
  const usersInSql = (n: number) => {
    let text = usersIn.get(n);
    if (text === undefined) {
      text = SQL.usersIn(n);
      usersIn.set(n, text);
    }
    return text;
  };
  /** IN-list statements, written once per length (as the raw contenders prepare them once). */
  const texts = new Map<string, string>();
  const textOf = (key: string, make: () => string) => {
    let text = texts.get(key);
    if (text === undefined) {
      text = make();
      texts.set(key, text);
    }
    return text;
  };
  const insertValues = (i: number) => {
    const o = inputs.newOrder(i);
    return [o.user_id, o.order_number, o.total, o.status];
  };
  const close = () => DB.disconnect();
  const userOf = (order: unknown) => (order as { user: unknown }).user;

  const find = (i: number) => main.selectOne(SQL.findUser, [inputs.id(i)]);
  const select: Contender = {
    id: `${prefix}-select`,
    ops: {
      W1: find,
      W2: find,
      W3: (i) => main.select(SQL.ordersByStatus, [inputs.status(i)]),
      W4: async (i) => (await main.insert(insertReturning, insertValues(i))).insertId,
      W5: async () => {
        const orders = await main.select<Row>(SQL.firstOrders);
        const keys = userKeys(orders);
        return attachUsers(orders, await other.select<Row>(usersInSql(keys.length), keys));
      },
      W10: async () => {
        const users = await main.select<Row>(SQL.firstUsers);
        const keys = users.map((u) => u.id);
        const pivots = await main.select<PivotRow>(textOf(`p${keys.length}`, () => SQL.groupUserIn(keys.length)), keys);
        const groupKeys = distinctOf(pivots, 'group_id');
        const groups = await other.select<Row>(textOf(`g${groupKeys.length}`, () => SQL.groupsIn(groupKeys.length)), groupKeys);
        return attachGroups(users, pivots, groups);
      },
      W6: (i) =>
        main.transaction(async () => {
          await main.insert(SQL.insertOrder, insertValues(i));
          await main.update(SQL.updateScore, [inputs.score(i), inputs.id(i)]);
        }),
      W7: (i) => split.selectOne(SQL.findUser, [inputs.id(i)]),
      W8: (i) => main.select(SQL.groupedOrders, [...inputs.userRange(i), MIN_GROUP_ORDERS]),
      W9: async () => {
        const streamed: Streamed = { rows: 0, total: 0 };
        for await (const row of main.cursor(SQL.allOrders, [], { batchSize: STREAM_BATCH })) countRow(streamed, row);
        return streamed;
      },
      W11: () => main.select(SQL.allUsers),
      // Two plain commits through our per-connection transactions.
      '2PC': async (i) => {
        await main.transaction(() => main.insert(SQL.insertOrder, insertValues(i)));
        await other.transaction(() => other.update(SQL.updateScore, [inputs.score(i), inputs.id(i)]));
      },
    },
    userOf,
    close,
  };

  const first = (i: number) => main.table('users').where('id', inputs.id(i)).first();
  const builder: Contender = {
    id: `${prefix}-builder`,
    ops: {
      W1: first,
      W2: first,
      W3: (i) => main.table('orders').where('status', inputs.status(i)).limit(100).get(),
      W4: (i) => main.table('new_orders').insertGetId(inputs.newOrder(i)),
      W5: async () => {
        const orders = (await main.table('orders').limit(100).get()) as Row[];
        const users = (await other.table('users').whereIn('id', userKeys(orders)).get()) as Row[];
        return attachUsers(orders, users);
      },
      W10: async () => {
        const users = (await main.table('users').limit(100).get()) as Row[];
        const keys = users.map((u) => u.id);
        const pivots = (await main.table('group_user').select('user_id', 'group_id', 'role').whereIn('user_id', keys).get()) as PivotRow[];
        const groups = (await other.table('groups').whereIn('id', distinctOf(pivots, 'group_id')).get()) as Row[];
        return attachGroups(users, pivots, groups);
      },
      W6: (i) =>
        main.transaction(async () => {
          await main.table('new_orders').insert(inputs.newOrder(i));
          await main.table('users').where('id', inputs.id(i)).update({ score: inputs.score(i) });
        }),
      W7: (i) => split.table('users').where('id', inputs.id(i)).first(),
      W8: (i) =>
        main
          .table('users as u')
          .join('orders as o', 'o.user_id', '=', 'u.id')
          .select('u.id', 'u.name', 'o.status')
          .selectRaw('COUNT(*) AS order_count, SUM(o.total) AS total')
          .whereBetween('u.id', inputs.userRange(i))
          .groupBy('u.id', 'u.name', 'o.status')
          .havingRaw('COUNT(*) >= ?', [MIN_GROUP_ORDERS])
          .orderByDesc('total')
          .orderBy('u.id')
          .orderBy('o.status')
          .limit(100)
          .get(),
      // The builder's cursor(): lazy(1000).
      W9: async () => {
        const streamed: Streamed = { rows: 0, total: 0 };
        for await (const row of main.table('orders').cursor()) countRow(streamed, row);
        return streamed;
      },
      W11: () => main.table('users').get(),
    },
    userOf,
    close,
  };

  const contenders = [select, builder];
  const cross = (DB as unknown as { transaction?: CrossTransaction }).transaction;
  if (typeof cross !== 'function') note(`${prefix}-2pc: skipped, DB.transaction([...]) does not exist yet (issue 8).`);
  else if (target.id === 'pgsql' && Number((await main.selectOne<Row>('SHOW max_prepared_transactions'))?.max_prepared_transactions) === 0) {
    note(`${prefix}-2pc: skipped, the server has max_prepared_transactions = 0 (DB.transaction([...]) refuses it).`);
  } else if (target.id !== 'sqlite') {
    contenders.push({
      id: `${prefix}-2pc`,
      ops: {
        '2PC': (i) =>
          cross.call(DB, ['main', 'other'], async (c) => {
            await c.main.insert(SQL.insertOrder, insertValues(i));
            await c.other.update(SQL.updateScore, [inputs.score(i), inputs.id(i)]);
          }),
      },
      close,
    });
  }
  return contenders;
};

export const sodbContenders = levelsOf(ours, 'sodb');
