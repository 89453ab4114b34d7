/** postgres.js as its users write it: one pooled instance per database, prepared statements. */
import postgres from 'postgres';
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
  toDollars,
  userKeys,
} from '../contender.js';

type Row = Record<string, unknown> & { id: number; user_id: number };
type PivotRow = Record<string, unknown> & { user_id: number; group_id: number };

const PREPARED = { prepare: true } as const;
const Q = {
  findUser: toDollars(SQL.findUser),
  ordersByStatus: toDollars(SQL.ordersByStatus),
  insertOrder: toDollars(SQL.insertOrder),
  insertOrderReturning: `${toDollars(SQL.insertOrder)} RETURNING id`,
  updateScore: toDollars(SQL.updateScore),
  firstOrders: SQL.firstOrders,
  firstUsers: SQL.firstUsers,
  groupedOrders: toDollars(SQL.groupedOrders),
  allOrders: SQL.allOrders,
  allUsers: SQL.allUsers,
};

export const rawPostgres: ContenderFactory = async ({ target, inputs, poolSize, note }) => {
  const instance = (database: string) =>
    postgres({
      host: target.host,
      port: target.port,
      username: target.user,
      password: target.password,
      database,
      max: poolSize,
      prepare: true,
      onnotice: () => {},
    });
  const main = instance(target.main);
  const other = instance(target.other);
  const usersIn = new Map<number, string>();
  /** `$n` texts of the IN lists, made once per length. */
  const dollars = new Map<string, string>();
  const dollarsOf = (sql: string) => {
    let text = dollars.get(sql);
    if (text === undefined) {
      text = toDollars(sql);
      dollars.set(sql, text);
    }
    return text;
  };

  const find = async (i: number) => (await main.unsafe(Q.findUser, [inputs.id(i)], PREPARED))[0];
  const insertValues = (i: number) => {
    const o = inputs.newOrder(i);
    return [o.user_id, o.order_number, o.total, o.status];
  };
  let xid = 0;

  const raw: Contender = {
    id: 'raw',
    ops: {
      W1: find,
      W2: find,
      W3: (i) => main.unsafe(Q.ordersByStatus, [inputs.status(i)], PREPARED),
      W4: async (i) => (await main.unsafe(Q.insertOrderReturning, insertValues(i), PREPARED))[0].id,
      W5: async () => {
        const orders = (await main.unsafe(Q.firstOrders, [], PREPARED)) as unknown as Row[];
        const keys = userKeys(orders);
        let text = usersIn.get(keys.length);
        if (text === undefined) {
          text = toDollars(SQL.usersIn(keys.length));
          usersIn.set(keys.length, text);
        }
        const users = (await other.unsafe(text, keys as never[], PREPARED)) as unknown as Row[];
        return attachUsers(orders, users);
      },
      W10: async () => {
        const users = (await main.unsafe(Q.firstUsers, [], PREPARED)) as unknown as Row[];
        const keys = users.map((u) => u.id);
        const pivots = (await main.unsafe(dollarsOf(SQL.groupUserIn(keys.length)), keys, PREPARED)) as unknown as PivotRow[];
        const groupKeys = distinctOf(pivots, 'group_id');
        const groups = (await other.unsafe(dollarsOf(SQL.groupsIn(groupKeys.length)), groupKeys as never[], PREPARED)) as unknown as Row[];
        return attachGroups(users, pivots, groups);
      },
      W6: (i) =>
        main.begin(async (tx) => {
          await tx.unsafe(Q.insertOrder, insertValues(i), PREPARED);
          await tx.unsafe(Q.updateScore, [inputs.score(i), inputs.id(i)], PREPARED);
        }),
      W7: find,
      W8: (i) => {
        const [first, last] = inputs.userRange(i);
        return main.unsafe(Q.groupedOrders, [first, last, MIN_GROUP_ORDERS], PREPARED);
      },
      // postgres.js's own streaming: a cursor fetching STREAM_BATCH rows per round trip.
      W9: async () => {
        const streamed: Streamed = { rows: 0, total: 0 };
        for await (const batch of main.unsafe(Q.allOrders, [], PREPARED).cursor(STREAM_BATCH)) {
          for (const row of batch) countRow(streamed, row);
        }
        return streamed;
      },
      W11: () => main.unsafe(Q.allUsers, [], PREPARED),
      // Two plain commits, one per database: the baseline of a cross-connection transaction.
      '2PC': async (i) => {
        await main.begin((tx) => tx.unsafe(Q.insertOrder, insertValues(i), PREPARED));
        await other.begin((tx) => tx.unsafe(Q.updateScore, [inputs.score(i), inputs.id(i)], PREPARED));
      },
    },
    userOf: (order) => (order as { user: unknown }).user,
    close: async () => {
      await main.end({ timeout: 1 });
      await other.end({ timeout: 1 });
    },
  };

  const [setting] = await main.unsafe('SHOW max_prepared_transactions');
  if (Number(setting?.max_prepared_transactions) === 0) {
    note('raw-2pc: skipped, the server has max_prepared_transactions = 0 (PREPARE TRANSACTION is refused).');
    return [raw];
  }
  // Hand-written PREPARE TRANSACTION / COMMIT PREPARED: the floor of two-phase commit here.
  const twoPhase: Contender = {
    id: 'raw-2pc',
    ops: {
      '2PC': async (i) => {
        const n = ++xid;
        const idA = `sodb_bench_${process.pid}_${n}_a`;
        const idB = `sodb_bench_${process.pid}_${n}_b`;
        await main.begin(async (tx) => {
          await tx.unsafe(Q.insertOrder, insertValues(i), PREPARED);
          await tx.prepare(idA);
        });
        await other.begin(async (tx) => {
          await tx.unsafe(Q.updateScore, [inputs.score(i), inputs.id(i)], PREPARED);
          await tx.prepare(idB);
        });
        await main.unsafe(`COMMIT PREPARED '${idA}'`);
        await other.unsafe(`COMMIT PREPARED '${idB}'`);
      },
    },
    close: async () => {},
  };
  return [raw, twoPhase];
};
