import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionError, DB, type QueryEvent } from '../../src/index.js';
import { inNewFlow, replicatedEngines, serverOptions, signal, splitOptions, waitFor } from '../support/replicated-engines.js';
import { freePort, stopAll, type TestServer } from '../support/test-servers.js';

after(stopAll);

for (const engine of replicatedEngines) {
  describe(`read/write splitting on a real replica [${engine.name}]`, () => {
    let primary: TestServer;
    let replica: TestServer;
    const events: QueryEvent[] = [];
    let stopListening = () => {};
    const portOf = (row: Record<string, unknown> | null) => Number(row?.port);
    const whoami = `SELECT ${engine.port} AS port`;

    before(async () => {
      ({ primary, replicas: [replica] } = await engine.start(1));
      const deadPort = await freePort(); // nothing listens there
      await DB.configure({
        connections: {
          setup: serverOptions(engine, primary, ''),
          primary: serverOptions(engine, primary),
          replica: serverOptions(engine, replica),
          rw: splitOptions(engine, primary, [replica]),
          sticky: splitOptions(engine, primary, [replica], { sticky: true }),
          position: splitOptions(engine, primary, [replica], { readYourWrites: 'position' }),
          deadReplica: splitOptions(engine, primary, [], { read: [{ port: deadPort }] }),
          strict: splitOptions(engine, primary, [], { read: [{ port: deadPort }], fallbackToWriter: false }),
        },
      });
      if (engine.name === 'mariadb') await DB.connection('setup').statement(`CREATE DATABASE ${engine.database}`);
      await DB.connection('primary').statement(engine.createItems);
      await waitFor('the table on the replica', async () => (await DB.connection('replica').select('SELECT COUNT(*) AS n FROM items')).length === 1);
      stopListening = DB.listen((event) => events.push(event));
    });

    after(async () => {
      stopListening();
      await DB.disconnect();
      await Promise.all([primary?.stop(), replica?.stop()]);
    });

    it('sends reads to the replica and writes to the primary, with the role on every event', async () => {
      const rw = DB.connection('rw');
      events.length = 0;
      assert.equal(portOf(await rw.selectOne(whoami)), replica.port);
      const read = events.find((e) => e.sql === whoami);
      assert.equal(read?.role, 'read');

      await rw.insert(`INSERT INTO items (name, port) VALUES (?, ${engine.port})`, ['routed write']);
      const row = await DB.connection('primary').selectOne<{ port: number }>('SELECT port FROM items WHERE name = ?', ['routed write']);
      assert.equal(Number(row?.port), primary.port);
      assert.equal(events.find((e) => e.sql.startsWith('INSERT'))?.role, 'write');
      assert.equal(await rw.update(`UPDATE items SET port = ${engine.port} WHERE name = ?`, ['routed write']), 1);
      assert.equal(await rw.statement(`DELETE FROM items WHERE name = ? AND port = ${engine.port}`, ['routed write']), true);
      assert.equal(await DB.connection('primary').selectOne('SELECT id FROM items WHERE name = ?', ['routed write']), null);

      // An unsplit connection's events carry no role.
      events.length = 0;
      await DB.connection('primary').select(whoami);
      assert.equal(events.length, 1);
      assert.equal('role' in (events[0] as QueryEvent), false);
    });

    it('runs everything inside a transaction on the primary', async () => {
      const rw = DB.connection('rw');
      events.length = 0;
      const seen = await rw.transaction(async (tx) => {
        const port = portOf(await tx.selectOne(whoami));
        await tx.insert('INSERT INTO items (name) VALUES (?)', ['in transaction']);
        const own = await tx.selectOne('SELECT name FROM items WHERE name = ?', ['in transaction']);
        return { port, own };
      });
      assert.equal(seen.port, primary.port);
      assert.deepEqual(seen.own, { name: 'in transaction' });
      assert.ok(events.length >= 4);
      assert.ok(events.every((e) => e.role === 'write'), 'BEGIN, the statements and COMMIT all on the writer');
      // Outside it again: the replica.
      assert.equal(portOf(await rw.selectOne(whoami)), replica.port);
    });

    it('sends locking reads and useWriter() to the primary', async () => {
      const rw = DB.connection('rw');
      await DB.connection('primary').insert('INSERT INTO items (name) VALUES (?)', ['lockable']);
      await waitFor('the row on the replica', async () => (await DB.connection('replica').selectOne('SELECT id FROM items WHERE name = ?', ['lockable'])) !== null);
      const lockClause = engine.name === 'mariadb' ? 'LOCK IN SHARE MODE' : 'FOR SHARE';
      for (const lock of ['FOR UPDATE', lockClause, 'for update']) {
        const rows = await rw.transaction(async () => {
          // Inside a transaction anyway; outside, the lock alone must pick the writer.
          return rw.select(`SELECT id, ${engine.port} AS port FROM items WHERE name = ? ${lock}`, ['lockable']);
        });
        assert.equal(portOf(rows[0] ?? null), primary.port);
        const outside = await rw.select(`SELECT id, ${engine.port} AS port FROM items WHERE name = ? ${lock}`, ['lockable']);
        assert.equal(portOf(outside[0] ?? null), primary.port, `${lock} outside a transaction`);
      }

      events.length = 0;
      assert.equal((await rw.table('items').where('name', 'lockable').useWriter().first())?.name, 'lockable');
      assert.equal((await rw.table('items').where('name', 'lockable').lockForUpdate().first())?.name, 'lockable');
      assert.equal((await rw.table('items').where('name', 'lockable').first())?.name, 'lockable');
      assert.deepEqual(
        events.filter((e) => e.sql.includes('items')).map((e) => e.role),
        ['write', 'write', 'read'],
      );
    });

    it('sticky: a flow that wrote reads its write from the primary; a concurrent flow that did not reads from the replica', async () => {
      const sticky = DB.connection('sticky');
      const written = signal();
      const [writer, reader] = await Promise.all([
        inNewFlow(async () => {
          const before = portOf(await sticky.selectOne(whoami));
          await sticky.insert('INSERT INTO items (name) VALUES (?)', ['sticky write']);
          written.fire();
          const row = await sticky.selectOne<{ name: string; port: number }>(`SELECT name, ${engine.port} AS port FROM items WHERE name = ?`, ['sticky write']);
          // Flows it starts afterwards inherit its stickiness.
          const child = await inNewFlow(async () => portOf(await sticky.selectOne(whoami)));
          return { before, row, child };
        }),
        inNewFlow(async () => {
          await written.promise;
          return portOf(await sticky.selectOne(whoami));
        }),
      ]);
      assert.equal(writer.before, replica.port);
      assert.equal(writer.row?.name, 'sticky write');
      assert.equal(Number(writer.row?.port), primary.port);
      assert.equal(writer.child, primary.port);
      assert.equal(reader, replica.port, 'the write of another flow does not make this one sticky');
      // Nor the test's own flow, which started both.
      assert.equal(portOf(await sticky.selectOne(whoami)), replica.port);
      // Without sticky, the same flow reads from the replica after writing.
      const plain = await inNewFlow(async () => {
        await DB.connection('rw').insert('INSERT INTO items (name) VALUES (?)', ['plain write']);
        return portOf(await DB.connection('rw').selectOne(whoami));
      });
      assert.equal(plain, replica.port);
    });

    it('a write inside a transaction makes the flow sticky after it', async () => {
      const sticky = DB.connection('sticky');
      const port = await inNewFlow(async () => {
        await sticky.transaction(async (tx) => {
          await tx.insert('INSERT INTO items (name) VALUES (?)', ['sticky tx']);
        });
        return portOf(await sticky.selectOne(`SELECT name, ${engine.port} AS port FROM items WHERE name = ?`, ['sticky tx']));
      });
      assert.equal(port, primary.port);
      const manual = await inNewFlow(async () => {
        await sticky.beginTransaction();
        await sticky.insert('INSERT INTO items (name) VALUES (?)', ['sticky manual tx']);
        await sticky.commit();
        return portOf(await sticky.selectOne(`SELECT name, ${engine.port} AS port FROM items WHERE name = ?`, ['sticky manual tx']));
      });
      assert.equal(manual, primary.port);
      // A flow whose transaction only read is not sticky.
      const readOnly = await inNewFlow(async () => {
        await sticky.transaction(async (tx) => tx.select(whoami));
        return portOf(await sticky.selectOne(whoami));
      });
      assert.equal(readOnly, replica.port);
    });

    it('position: a flow reads its write on the primary until the replica has replayed it, then on the replica', async () => {
      const conn = DB.connection('position');
      await DB.connection('replica').statement(engine.pauseReplay);
      let paused = true;
      try {
        const written = signal();
        const freshRead = signal();
        const resumed = signal();
        const sql = `SELECT name, ${engine.port} AS port FROM items WHERE name = ?`;
        const writerFlow = inNewFlow(async () => {
          await conn.insert('INSERT INTO items (name) VALUES (?)', ['position write']);
          written.fire();
          const fresh = await conn.selectOne<{ name: string }>(sql, ['position write']);
          freshRead.fire();
          await resumed.promise;
          // Once the replica has replayed the write, this flow's reads go back to it.
          let later: Record<string, unknown> | null = null;
          await waitFor('the replica to serve the flow again', async () => {
            later = await conn.selectOne(sql, ['position write']);
            return portOf(later) === replica.port;
          });
          return { fresh, later: later as Record<string, unknown> | null };
        });
        const readerFlow = inNewFlow(async () => {
          await written.promise;
          return portOf(await conn.selectOne(whoami));
        });
        await freshRead.promise;
        const reader = await readerFlow;
        await DB.connection('replica').statement(engine.resumeReplay);
        paused = false;
        resumed.fire();
        const writer = await writerFlow;
        assert.equal(writer.fresh?.name, 'position write');
        assert.equal(portOf(writer.fresh), primary.port, 'the paused replica has not replayed it: the writer serves');
        assert.equal(reader, replica.port, 'a flow that did not write reads from the replica');
        assert.equal(writer.later?.name, 'position write', 'the replica serves it once it has the row');
      } finally {
        if (paused) await DB.connection('replica').statement(engine.resumeReplay);
      }
    });

    it('with an unreachable replica, reads go to the writer and the failure is reported', async () => {
      events.length = 0;
      const conn = DB.connection('deadReplica');
      assert.equal(portOf(await conn.selectOne(whoami)), primary.port);
      assert.equal(portOf(await conn.selectOne(whoami)), primary.port);
      const failed = events.find((e) => e.error !== undefined && e.health === undefined);
      assert.ok(failed?.error instanceof ConnectionError, 'the failed read is an event with its error');
      assert.equal(failed?.role, 'read');
      const down = events.find((e) => e.health?.state === 'down');
      assert.equal(down?.health?.replica, 0);
      assert.equal(down?.sql, '');
      assert.ok(down?.error instanceof ConnectionError);
      assert.ok((down?.health?.retryInMs ?? 0) > 0);
    });

    it('with fallbackToWriter: false and no replica left, a read fails with a clear error', async () => {
      const conn = DB.connection('strict');
      await assert.rejects(conn.select(whoami), (error: Error) => {
        assert.ok(error instanceof ConnectionError);
        assert.match(error.message, /^Connection \[strict\]: no healthy read replica \(read\[0\] 127\.0\.0\.1:\d+ down\) and fallbackToWriter is false\.$/);
        return true;
      });
      // Writes still work.
      await conn.insert('INSERT INTO items (name) VALUES (?)', ['strict write']);
    });
  });
}
