import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConnectionError, type ConnectionOptions, DB, type QueryEvent } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { replicatedEngines, serverOptions, waitFor } from '../support/replicated-engines.js';
import { freePort, stopAll, type TestServer } from '../support/test-servers.js';

after(stopAll);

/** `host: [...]`: several hosts per server entry, tried in order for the session `targetSessionAttrs` asks for. */
describeEachEngine(
  'a host list',
  (engine) => {
    let database: ThrowawayDatabase;
    let options: ConnectionOptions & { host: string; port: number };
    let dead: number;
    const events: QueryEvent[] = [];
    let stop = () => {};

    before(async () => {
      database = await engine.createDatabase();
      options = database.options as typeof options;
      dead = await freePort(); // nothing listens there
      await DB.configure({
        connections: {
          db: { ...options, host: [`127.0.0.1:${dead}`, `${options.host}:${options.port}`] },
          none: { ...options, host: [`127.0.0.1:${dead}`, `localhost:${dead}`], password: 's3cret-pw' },
        },
      });
      stop = DB.listen((event) => events.push(event));
    });

    after(async () => {
      stop();
      await DB.disconnect();
      await database.drop();
    });

    test('a dead host first in the list is passed over: the next one serves, and rows are written there', async () => {
      const db = DB.connection('db');
      await db.statement('CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(20))');
      await db.insert("INSERT INTO notes (id, body) VALUES (1, 'via list')");
      assert.deepEqual(await db.select('SELECT body FROM notes'), [{ body: 'via list' }]);
      assert.ok(
        events.some((e) => /AS standby/.test(e.sql) && e.error === undefined),
        'the standby check of the live host is observed',
      );
    });

    test('no host reachable: a ConnectionError naming the connection and every host, never the password', async () => {
      const error = await DB.connection('none')
        .select('SELECT 1')
        .catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, /Connection \[none\]/);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${dead}.*localhost:${dead}`));
      assert.doesNotMatch(`${error.message} ${String(error.cause)}`, /s3cret-pw/);
    });
  },
  ['mariadb', 'postgres'],
);

for (const engine of replicatedEngines) {
  describe(`a host list over a primary and its replica [${engine.name}]`, () => {
    let primary: TestServer;
    let replica: TestServer;
    const whoami = `SELECT ${engine.port} AS port`;
    const list = (...servers: TestServer[]) => servers.map((s) => `${s.host}:${s.port}`);

    before(async () => {
      ({ primary, replicas: [replica] } = await engine.start(1));
      const base = { ...serverOptions(engine, primary), port: undefined };
      await DB.configure({
        connections: {
          setup: serverOptions(engine, primary, ''),
          replica: serverOptions(engine, replica, ''),
          // The standby first: writes must still reach the primary.
          writes: { ...base, host: list(replica, primary) },
          // Reads from the replica, whichever comes first; the primary when no standby answers.
          reads: { ...base, host: list(primary, replica), targetSessionAttrs: 'prefer-standby' },
          standbyOnly: { ...base, host: list(primary), targetSessionAttrs: 'standby' },
          // One session, which the failover below takes away.
          failover: { ...base, host: list(primary, replica), pool: { max: 1 } },
        },
      });
      if (engine.name === 'mariadb') {
        await DB.connection('setup').statement(`CREATE DATABASE ${engine.database}`);
        // A MariaDB replica takes writes unless it is read_only (what the standby check reads).
        await DB.connection('replica').statement('SET GLOBAL read_only = 1');
      }
      await DB.connection('setup').statement(`CREATE TABLE ${engine.name === 'mariadb' ? `${engine.database}.` : ''}items (id INT PRIMARY KEY, name VARCHAR(50))`);
    });

    after(async () => {
      await DB.disconnect();
      await Promise.all([primary?.stop(), replica?.stop()]);
    });

    test('standby first in the list: the primary is chosen for writes; prefer-standby reads on the standby', async () => {
      const writes = DB.connection('writes');
      assert.equal(Number((await writes.selectOne(whoami))?.port), primary.port);
      await writes.insert('INSERT INTO items (id, name) VALUES (?, ?)', [1, 'to the primary']);
      const reads = DB.connection('reads');
      assert.equal(Number((await reads.selectOne(whoami))?.port), replica.port);
      await waitFor('the row on the replica', async () => (await reads.select('SELECT name FROM items WHERE id = 1')).length === 1);
      assert.deepEqual(await reads.select('SELECT name FROM items'), [{ name: 'to the primary' }]);
      await assert.rejects(DB.connection('standbyOnly').select('SELECT 1'), (e: unknown) => e instanceof ConnectionError && /a primary \(takes writes\)/.test(String(e)));
    });

    test('after a failover, a read outside a transaction is sent again on a fresh session, which finds the new primary', async () => {
      const conn = DB.connection('failover');
      assert.equal(Number((await conn.selectOne(whoami))?.port), primary.port);
      await primary.stop();
      // Promote the replica: it takes writes from now on.
      const promoted = DB.connection('replica');
      if (engine.name === 'mariadb') {
        await promoted.statement('STOP SLAVE');
        await promoted.statement('SET GLOBAL read_only = 0');
      } else {
        await promoted.select('SELECT pg_promote(true, 30)');
      }
      // The pooled session died with the old primary: the read is not lost, and lands on the new one.
      assert.equal(Number((await conn.selectOne(whoami))?.port), replica.port);
      await conn.insert('INSERT INTO items (id, name) VALUES (?, ?)', [2, 'after failover']);
      assert.deepEqual(await promoted.select(`SELECT name FROM ${engine.name === 'mariadb' ? `${engine.database}.` : ''}items ORDER BY id`), [
        { name: 'to the primary' },
        { name: 'after failover' },
      ]);
    });
  });
}
