import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB, type QueryEvent } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/**
 * readYourWrites: 'position' where the writer reports no position it could compare: the shared
 * MariaDB runs without a binary log (`@@gtid_binlog_pos` is ''), and as its own "replica" answers
 * MASTER_GTID_WAIT('', 0) with 0; the shared PostgreSQL is not in recovery (pg_last_wal_replay_lsn()
 * is NULL). Either way no replica counts as caught up: the flow's reads after its write go to the writer.
 */
describeEachEngine(
  'read-your-writes without a replication position',
  (engine) => {
    let database: ThrowawayDatabase;
    let db: Connection;
    const events: QueryEvent[] = [];
    let stop = () => {};

    before(async () => {
      database = await engine.createDatabase();
      const { host, port } = database.options as { host: string; port: number };
      await DB.configure({
        connections: {
          db: { ...database.options, read: [{ host, port }], write: { host, port }, readYourWrites: 'position' },
        },
      });
      db = DB.connection('db');
      await db.statement('CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(20))');
      stop = DB.listen((event) => events.push(event));
    });

    after(async () => {
      stop();
      await DB.disconnect();
      await database.drop();
    });

    test('a server without a position never counts as caught up: the flow reads its write on the writer', async () => {
      const roleOf = (sql: string) => events.filter((e) => e.sql === sql).map((e) => e.role);
      const read = 'SELECT body FROM notes WHERE id = 1';
      await db.select(read);
      assert.deepEqual(roleOf(read), ['read'], 'before any write, the replica serves');
      events.length = 0;
      await db.insert("INSERT INTO notes (id, body) VALUES (1, 'mine')");
      assert.deepEqual(await db.select(read), [{ body: 'mine' }]);
      assert.deepEqual(await db.select(read), [{ body: 'mine' }]);
      assert.deepEqual(roleOf(read), ['write', 'write'], events.map((e) => `${e.role} ${e.sql}`).join('\n'));
    });
  },
  ['mariadb', 'postgres'],
);
