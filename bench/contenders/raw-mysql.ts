/** mysql2 as its users write it: a promise pool and `execute` (prepared statements, cached per session). */
import type { Connection as CoreConnection } from 'mysql2';
import mysql from 'mysql2/promise';
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

type Row = Record<string, unknown> & { id: number; user_id: number };
type PivotRow = Record<string, unknown> & { user_id: number; group_id: number };
type Header = { insertId: number; affectedRows: number };

export const rawMysql: ContenderFactory = async ({ target, inputs, poolSize }) => {
  const pool = (database: string) =>
    mysql.createPool({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database,
      connectionLimit: poolSize,
      charset: 'UTF8MB4_UNICODE_CI',
      supportBigNumbers: true,
    });
  const main = pool(target.main);
  const other = pool(target.other);

  const find = async (i: number) => {
    const [rows] = await main.execute(SQL.findUser, [inputs.id(i)]);
    return (rows as Row[])[0];
  };
  const insertValues = (i: number): (string | number)[] => {
    const o = inputs.newOrder(i);
    return [o.user_id, o.order_number, o.total, o.status];
  };
  /** BEGIN; one statement; COMMIT on one pool's session. */
  const commitOne = async (on: mysql.Pool, sql: string, params: (string | number)[]) => {
    const conn = await on.getConnection();
    try {
      await conn.beginTransaction();
      await conn.execute(sql, params);
      await conn.commit();
    } finally {
      conn.release();
    }
  };
  let xid = 0;

  const raw: Contender = {
    id: 'raw',
    ops: {
      W1: find,
      W2: find,
      W3: async (i) => (await main.execute(SQL.ordersByStatus, [inputs.status(i)]))[0],
      W4: async (i) => ((await main.execute(SQL.insertOrder, insertValues(i)))[0] as Header).insertId,
      W5: async () => {
        const [orders] = await main.execute(SQL.firstOrders);
        const keys = userKeys(orders as Row[]);
        const [users] = await other.execute(SQL.usersIn(keys.length), keys as number[]);
        return attachUsers(orders as Row[], users as Row[]);
      },
      W10: async () => {
        const [users] = await main.execute(SQL.firstUsers);
        const keys = (users as Row[]).map((u) => u.id);
        const [pivots] = await main.execute(SQL.groupUserIn(keys.length), keys);
        const groupKeys = distinctOf(pivots as PivotRow[], 'group_id');
        const [groups] = await other.execute(SQL.groupsIn(groupKeys.length), groupKeys as number[]);
        return attachGroups(users as Row[], pivots as PivotRow[], groups as Row[]);
      },
      W6: async (i) => {
        const conn = await main.getConnection();
        try {
          await conn.beginTransaction();
          await conn.execute(SQL.insertOrder, insertValues(i));
          await conn.execute(SQL.updateScore, [inputs.score(i), inputs.id(i)]);
          await conn.commit();
        } finally {
          conn.release();
        }
      },
      W7: find,
      W8: async (i) => {
        const [first, last] = inputs.userRange(i);
        return (await main.execute(SQL.groupedOrders, [first, last, MIN_GROUP_ORDERS]))[0];
      },
      // mysql2's own streaming: `query(...).stream()` on a pooled session's connection.
      W9: async () => {
        const streamed: Streamed = { rows: 0, total: 0 };
        const conn = await main.getConnection();
        try {
          // The promise wrapper's `connection` is the callback one (its typings say otherwise).
          const core = conn.connection as unknown as CoreConnection;
          for await (const row of core.query(SQL.allOrders).stream({ highWaterMark: STREAM_BATCH })) countRow(streamed, row);
        } finally {
          conn.release();
        }
        return streamed;
      },
      W11: async () => (await main.execute(SQL.allUsers))[0],
      // Two plain commits, one per database: the baseline of a cross-connection transaction.
      '2PC': async (i) => {
        await commitOne(main, SQL.insertOrder, insertValues(i));
        await commitOne(other, SQL.updateScore, [inputs.score(i), inputs.id(i)]);
      },
    },
    userOf: (order) => (order as { user: unknown }).user,
    close: async () => {
      await main.end();
      await other.end();
    },
  };

  // Hand-written XA: the floor of what two-phase commit costs on this server.
  const xa: Contender = {
    id: 'raw-2pc',
    ops: {
      '2PC': async (i) => {
        // Each participant needs its own xid: both databases live on one server.
        const n = ++xid;
        const idA = `'sodb_bench_${process.pid}_${n}_a'`;
        const idB = `'sodb_bench_${process.pid}_${n}_b'`;
        const a = await main.getConnection();
        const b = await other.getConnection();
        try {
          await a.query(`XA START ${idA}`);
          await a.execute(SQL.insertOrder, insertValues(i));
          await a.query(`XA END ${idA}`);
          await a.query(`XA PREPARE ${idA}`);
          await b.query(`XA START ${idB}`);
          await b.execute(SQL.updateScore, [inputs.score(i), inputs.id(i)]);
          await b.query(`XA END ${idB}`);
          await b.query(`XA PREPARE ${idB}`);
          await a.query(`XA COMMIT ${idA}`);
          await b.query(`XA COMMIT ${idB}`);
        } finally {
          a.release();
          b.release();
        }
      },
    },
    close: async () => {},
  };
  return [raw, xa];
};
