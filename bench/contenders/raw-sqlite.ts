/** better-sqlite3 as its users write it: statements prepared once and reused, synchronous calls. */
import Database from 'better-sqlite3';
import {
  attachGroups,
  attachUsers,
  type Contender,
  type ContenderFactory,
  countRow,
  distinctOf,
  MIN_GROUP_ORDERS,
  SQL,
  type Streamed,
  userKeys,
} from '../contender.js';

type Row = Record<string, unknown> & { id: number; user_id: number };
type PivotRow = Record<string, unknown> & { user_id: number; group_id: number };

export const rawSqlite: ContenderFactory = async ({ target, inputs }) => {
  const main = new Database(target.main);
  const other = new Database(target.other);
  // The same pragmas our SQLite sessions set.
  for (const db of [main, other]) {
    db.pragma('foreign_keys = ON');
    db.pragma('journal_mode = WAL');
  }
  const findUser = main.prepare(SQL.findUser);
  const byStatus = main.prepare(SQL.ordersByStatus);
  const insertOrder = main.prepare(SQL.insertOrder);
  const updateScore = main.prepare(SQL.updateScore);
  const firstOrders = main.prepare(SQL.firstOrders);
  const usersIn = new Map<number, Database.Statement>();
  const firstUsers = main.prepare(SQL.firstUsers);
  const groupedOrders = main.prepare(SQL.groupedOrders);
  const allOrders = main.prepare(SQL.allOrders);
  const allUsers = main.prepare(SQL.allUsers);
  /** Statements of the IN lists, prepared once per length. */
  const prepared = new Map<string, Database.Statement>();
  const statementOf = (db: Database.Database, sql: string) => {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  };
  const twoStatements = main.transaction((i: number) => {
    const o = inputs.newOrder(i);
    insertOrder.run(o.user_id, o.order_number, o.total, o.status);
    updateScore.run(inputs.score(i), inputs.id(i));
  });

  const find = (i: number) => findUser.get(inputs.id(i));
  const raw: Contender = {
    id: 'raw',
    ops: {
      W1: find,
      W2: find,
      W3: (i) => byStatus.all(inputs.status(i)),
      W4: (i) => {
        const o = inputs.newOrder(i);
        return insertOrder.run(o.user_id, o.order_number, o.total, o.status).lastInsertRowid;
      },
      W5: () => {
        const orders = firstOrders.all() as Row[];
        const keys = userKeys(orders);
        let statement = usersIn.get(keys.length);
        if (statement === undefined) {
          statement = other.prepare(SQL.usersIn(keys.length));
          usersIn.set(keys.length, statement);
        }
        return attachUsers(orders, statement.all(...keys) as Row[]);
      },
      W10: () => {
        const users = firstUsers.all() as Row[];
        const keys = users.map((u) => u.id);
        const pivots = statementOf(main, SQL.groupUserIn(keys.length)).all(...keys) as PivotRow[];
        const groupKeys = distinctOf(pivots, 'group_id');
        return attachGroups(users, pivots, statementOf(other, SQL.groupsIn(groupKeys.length)).all(...groupKeys) as Row[]);
      },
      W8: (i) => {
        const [first, last] = inputs.userRange(i);
        return groupedOrders.all(first, last, MIN_GROUP_ORDERS);
      },
      // better-sqlite3's own streaming: one row per step, nothing buffered.
      W9: () => {
        const streamed: Streamed = { rows: 0, total: 0 };
        for (const row of allOrders.iterate()) countRow(streamed, row);
        return streamed;
      },
      W11: () => allUsers.all(),
      // BEGIN IMMEDIATE, as our SQLite transactions begin.
      W6: (i) => twoStatements.immediate(i),
      W7: find,
    },
    userOf: (order) => (order as { user: unknown }).user,
    close: async () => {
      main.close();
      other.close();
    },
  };
  return [raw];
};
