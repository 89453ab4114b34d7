/**
 * `topology: 'galera'` on a real 3-node MariaDB Galera cluster (test/support/clusters.ts): health from
 * wsrep status, read-your-writes on another node through wsrep_sync_wait, write conflicts from two
 * nodes resolved by `retries`, and DB.transaction([...])
 * with a Galera connection as its last resource (Galera refuses XA). The cluster starts once for
 * the file (about 35 s on 2 busy cores).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DB, type QueryEvent, TwoPhaseCommitError } from '../../src/index.js';
import { type GaleraCluster, galeraMissing, startGalera, waitUntil } from '../support/clusters.js';
import { engine, type ThrowawayDatabase } from '../support/engines.js';
import { inNewFlow, latch } from '../support/flows.js';
import { stopAll } from '../support/test-servers.js';

const requireServers = process.env.SO_DB_REQUIRE_SERVERS === '1';
const missing = galeraMissing() ?? engine('mariadb').skipReason;
const skip = missing !== undefined && !requireServers ? missing : false;

async function listened<T>(fn: () => Promise<T>): Promise<{ result: T; events: QueryEvent[] }> {
  const events: QueryEvent[] = [];
  const stop = DB.listen((e) => events.push(e));
  try {
    return { result: await fn(), events };
  } finally {
    stop();
  }
}

describe('Galera topology on a real cluster', { skip }, () => {
  let cluster: GaleraCluster;
  const database = `sodb_t_galera_${process.pid}_${Date.now().toString(36)}`;
  const databases: ThrowawayDatabase[] = [];

  before(async () => {
    if (missing !== undefined) throw new Error(`${missing} (SO_DB_REQUIRE_SERVERS=1: servers are required)`);
    cluster = await startGalera();
    const [n1, n2, n3] = cluster.nodes.map((n) => ({ host: n.host, port: n.port }));
    await cluster.query(cluster.nodes[0], `CREATE DATABASE ${database}`);
    const [maria, lite] = await Promise.all([engine('mariadb').createDatabase(), engine('sqlite').createDatabase()]);
    databases.push(maria, lite);
    const galera = { driver: 'mysql', topology: 'galera', username: 'root', database } as const;
    await DB.configure({
      connections: {
        // Writes on node 1, reads on nodes 2 and 3.
        cluster: { ...galera, write: n1, read: [n2, n3] },
        other: { ...galera, ...n2 },
        maria: maria.options,
        lite: lite.options,
      },
      transactions: { prefix: `sodbg${process.pid}` },
    });
    await DB.connection('cluster').statement('CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL)');
    await DB.connection('maria').statement('CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL)');
    await DB.connection('lite').statement('CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL)');
  });

  after(async () => {
    await DB.disconnect();
    await Promise.all(databases.map((d) => d.drop()));
    await stopAll();
  });

  test('reads without a write of their own go to the read nodes as sent, round robin', async () => {
    const ports = new Set<number>();
    const { events } = await listened(async () => {
      for (let i = 0; i < 4; i++) ports.add(Number((await DB.connection('cluster').selectOne<{ p: number }>('SELECT @@port AS p'))?.p));
    });
    assert.deepEqual([...ports].sort(), [cluster.nodes[1].port, cluster.nodes[2].port].sort());
    const reads = events.filter((e) => e.sql.includes('@@port'));
    assert.equal(reads.length, 4);
    for (const e of reads) {
      assert.equal(e.role, 'read');
      assert.equal(e.sql, 'SELECT @@port AS p');
    }
  });

  test('read-your-writes on another node: each read after a write sees it (wsrep_sync_wait per statement)', async () => {
    const conn = DB.connection('cluster');
    const rounds = 150;
    const { events, result: seen } = await listened(() =>
      inNewFlow(async () => {
        const counts: number[] = [];
        for (let i = 1; i <= rounds; i++) {
          await conn.insert('INSERT INTO items (id, v) VALUES (?, ?)', [1000 + i, i]);
          counts.push(Number((await conn.selectOne<{ n: number }>('SELECT COUNT(*) AS n FROM items WHERE id > 1000'))?.n));
        }
        return counts;
      }),
    );
    // Every read saw every write before it (a stale node would answer less).
    assert.deepEqual(
      seen,
      Array.from({ length: rounds }, (_, i) => i + 1),
    );
    const reads = events.filter((e) => e.sql.includes('COUNT(*)'));
    assert.equal(reads.length, rounds);
    for (const e of reads) {
      assert.equal(e.role, 'read', 'served by nodes 2 and 3, not by the writer');
      assert.equal(e.sql, 'SET STATEMENT wsrep_sync_wait = 1 FOR SELECT COUNT(*) AS n FROM items WHERE id > 1000');
    }
    // The session's own setting is untouched: the per-statement form leaves no state behind.
    assert.equal(Number((await DB.connection('cluster').selectOne<{ w: number }>('SELECT @@SESSION.wsrep_sync_wait AS w'))?.w), 0);
  });

  test('a node that is not Synced leaves the rotation and comes back (wsrep_local_state_comment)', async () => {
    const conn = DB.connection('cluster');
    const node3 = cluster.nodes[2];
    const changes: NonNullable<QueryEvent['health']>[] = [];
    const stop = DB.listen((e) => {
      if (e.health !== undefined) changes.push(e.health);
    });
    try {
      await conn.select('SELECT 1'); // the router and its state checks start
      await cluster.query(node3, 'SET GLOBAL wsrep_desync = ON');
      await waitUntil('node 3 reported out', async () => changes.some((c) => c.replica === 1 && c.state === 'lagging'), 30_000);
      for (let i = 0; i < 6; i++) {
        assert.equal(Number((await conn.selectOne<{ p: number }>('SELECT @@port AS p'))?.p), cluster.nodes[1].port);
      }
      await cluster.query(node3, 'SET GLOBAL wsrep_desync = OFF');
      await waitUntil('node 3 back', async () => changes.some((c) => c.replica === 1 && c.state === 'healthy'), 30_000);
      const ports = new Set<number>();
      for (let i = 0; i < 4; i++) ports.add(Number((await conn.selectOne<{ p: number }>('SELECT @@port AS p'))?.p));
      assert.ok(ports.has(node3.port), 'node 3 serves reads again');
    } finally {
      stop();
      await cluster.query(node3, 'SET GLOBAL wsrep_desync = OFF');
    }
    const out = changes.find((c) => c.replica === 1 && c.state === 'lagging');
    assert.equal(out?.server, `127.0.0.1:${node3.port}`);
    assert.equal(out?.lagSeconds, null);
  });

  test('write conflicts from two nodes are resolved by retries', async () => {
    await DB.connection('cluster').insert('INSERT INTO items (id, v) VALUES (4, 0)');
    const attempts = { cluster: 0, other: 0 };
    // Both first attempts change the row before either commits: one of them fails certification.
    let arrived = 0;
    const bothChanged = latch();
    const bump = (name: 'cluster' | 'other') =>
      DB.connection(name).transaction(
        async () => {
          const attempt = ++attempts[name];
          const conn = DB.connection(name);
          const v = Number((await conn.selectOne<{ v: number }>('SELECT v FROM items WHERE id = 4'))?.v);
          await conn.update('UPDATE items SET v = ? WHERE id = 4', [v + 1]);
          if (attempt === 1) {
            if (++arrived === 2) bothChanged.signal();
            await bothChanged.wait;
          }
        },
        { retries: 8 },
      );
    await Promise.all([bump('cluster'), bump('other')]);
    assert.ok(attempts.cluster + attempts.other >= 3, `a conflict was retried: ${JSON.stringify(attempts)}`);
    // Both increments are in, on every node (read with the cluster's causality check).
    for (const node of cluster.nodes) {
      const rows = (await cluster.query(node, `SET STATEMENT wsrep_sync_wait = 1 FOR SELECT v FROM ${database}.items WHERE id = 4`)) as { v: number }[];
      assert.equal(Number(rows[0]?.v), 2, `port ${node.port}`);
    }
  });

  describe('DB.transaction([...]) with a Galera participant', () => {
    test('Galera is the last resource: no XA on it, both commit', async () => {
      const { events } = await listened(() =>
        DB.transaction(['cluster', 'maria'], async ({ cluster: g, maria }) => {
          await g.insert('INSERT INTO items (id, v) VALUES (1, 10)');
          await maria.insert('INSERT INTO items (id, v) VALUES (1, 10)');
        }),
      );
      assert.equal(Number((await DB.connection('cluster').selectOne<{ v: number }>('SELECT v FROM items WHERE id = 1'))?.v), 10);
      assert.equal(Number((await DB.connection('maria').selectOne<{ v: number }>('SELECT v FROM items WHERE id = 1'))?.v), 10);
      const galeraSql = events.filter((e) => e.connection === 'cluster').map((e) => e.sql);
      assert.ok(!galeraSql.some((s) => /^XA /i.test(s)), `no XA on Galera: ${galeraSql.join('; ')}`);
      assert.ok(galeraSql.includes('COMMIT'));
      const mariaSql = events.filter((e) => e.connection === 'maria').map((e) => e.sql);
      assert.ok(mariaSql.some((s) => /^XA PREPARE/.test(s)) && mariaSql.some((s) => /^XA COMMIT/.test(s)), mariaSql.join('; '));
    });

    test('a throw rolls both back', async () => {
      await assert.rejects(
        DB.transaction(['cluster', 'maria'], async ({ cluster: g, maria }) => {
          await g.insert('INSERT INTO items (id, v) VALUES (2, 20)');
          await maria.insert('INSERT INTO items (id, v) VALUES (2, 20)');
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal(await DB.connection('cluster').selectOne('SELECT v FROM items WHERE id = 2'), null);
      assert.equal(await DB.connection('maria').selectOne('SELECT v FROM items WHERE id = 2'), null);
    });

    test('a Galera certification failure at the decision rolls the prepared participant back', async () => {
      await DB.connection('cluster').insert('INSERT INTO items (id, v) VALUES (3, 0)');
      await assert.rejects(
        DB.transaction(['cluster', 'maria'], async ({ cluster: g, maria }) => {
          await g.update('UPDATE items SET v = v + 1 WHERE id = 3');
          await maria.insert('INSERT INTO items (id, v) VALUES (3, 1)');
          // Another node commits a write to the same row first: node 1's transaction cannot certify.
          await DB.connection('other').update('UPDATE items SET v = v + 100 WHERE id = 3');
        }),
        (error: Error) => /deadlock|certification|1213|40001/i.test(`${error.message} ${(error as { code?: string }).code}`),
      );
      assert.equal(Number((await DB.connection('other').selectOne<{ v: number }>('SELECT v FROM items WHERE id = 3'))?.v), 100);
      assert.equal(await DB.connection('maria').selectOne('SELECT v FROM items WHERE id = 3'), null, 'the prepared branch was rolled back');
    });

    test('with another participant without two-phase commit it is refused before anything begins, naming XA', async () => {
      let called = false;
      const { events } = await listened(() =>
        assert.rejects(
          DB.transaction(['cluster', 'lite'], () => {
            called = true;
          }),
          (error) => {
            assert.ok(error instanceof TwoPhaseCommitError);
            assert.equal(error.phase, 'begin');
            assert.match(
              error.message,
              /\[cluster\] \(Galera: XA transactions are not supported with Galera replication\), \[lite\] \(sqlite\) have no two-phase commit; at most one such participant/,
            );
            return true;
          },
        ),
      );
      assert.equal(called, false);
      assert.deepEqual(events, [], 'nothing was sent');
      await assert.rejects(DB.transaction(['cluster', 'other'], () => {}), /\[cluster\] \(Galera: XA .*\), \[other\] \(Galera: XA .*\) have no two-phase commit/);
    });
  });
});
