import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionError, DB, type QueryEvent } from '../../src/index.js';
import { replicatedEngines, serverOptions, splitOptions, waitFor } from '../support/replicated-engines.js';
import { stopAll, type TestServer } from '../support/test-servers.js';

after(stopAll);

for (const engine of replicatedEngines) {
  describe(`replica health on real replicas [${engine.name}]`, () => {
    let primary: TestServer;
    let replicas: TestServer[];
    const events: QueryEvent[] = [];
    let stopListening = () => {};
    const whoami = `SELECT ${engine.port} AS port`;
    const portsOf = async (connection: string, reads: number): Promise<Set<number>> => {
      const ports = new Set<number>();
      for (let i = 0; i < reads; i++) ports.add(Number((await DB.connection(connection).selectOne(whoami))?.port));
      return ports;
    };

    before(async () => {
      ({ primary, replicas } = await engine.start(2));
      await DB.configure({
        connections: {
          setup: serverOptions(engine, primary, ''),
          primary: serverOptions(engine, primary),
          replica0: serverOptions(engine, replicas[0] as TestServer),
          replica1: serverOptions(engine, replicas[1] as TestServer),
          lagBound: splitOptions(engine, primary, replicas, { maxReplicationLag: 1 }),
          ha: splitOptions(engine, primary, replicas),
        },
      });
      if (engine.name === 'mariadb') await DB.connection('setup').statement(`CREATE DATABASE ${engine.database}`);
      await DB.connection('primary').statement(engine.createItems);
      for (const name of ['replica0', 'replica1']) {
        await waitFor(`the table on ${name}`, async () => (await DB.connection(name).select('SELECT COUNT(*) AS n FROM items')).length === 1);
      }
      stopListening = DB.listen((event) => events.push(event));
    });

    after(async () => {
      stopListening();
      await DB.disconnect();
      await Promise.all([primary, ...replicas].map((server) => server?.stop()));
    });

    it('takes a replica over maxReplicationLag out of rotation and back once it caught up', async () => {
      const [r0, r1] = replicas as [TestServer, TestServer];
      // Both replicas serve while they keep up (the lag checks run in the background meanwhile).
      assert.deepEqual(await portsOf('lagBound', 4), new Set([r0.port, r1.port]));

      events.length = 0;
      await DB.connection('replica1').statement(engine.pauseReplay);
      let paused = true;
      try {
        // Writes keep coming while replica 1 does not apply them: its lag grows.
        await waitFor('replica 1 to leave the rotation', async () => {
          await DB.connection('primary').insert('INSERT INTO items (name) VALUES (?)', ['while paused']);
          return events.some((e) => e.health?.replica === 1 && e.health.state === 'lagging');
        });
        const lagging = events.find((e) => e.health?.state === 'lagging');
        assert.equal(lagging?.connection, 'lagBound');
        assert.equal(lagging?.role, 'read');
        assert.equal(lagging?.health?.server, `127.0.0.1:${r1.port}`);
        const lag = lagging?.health?.lagSeconds;
        assert.ok(lag === null || (typeof lag === 'number' && lag > 1), `reported lag ${lag}`);
        assert.deepEqual(await portsOf('lagBound', 6), new Set([r0.port]), 'only replica 0 serves reads');
        // The connection without a lag bound still uses it.
        assert.deepEqual(await portsOf('ha', 4), new Set([r0.port, r1.port]));

        await DB.connection('replica1').statement(engine.resumeReplay);
        paused = false;
        await waitFor('replica 1 to rejoin', () => events.some((e) => e.connection === 'lagBound' && e.health?.replica === 1 && e.health.state === 'healthy'));
        assert.deepEqual(await portsOf('lagBound', 4), new Set([r0.port, r1.port]));
      } finally {
        if (paused) await DB.connection('replica1').statement(engine.resumeReplay);
      }
    });

    it('loses no read when a replica is killed, reports it, and uses it again once it is back', async () => {
      const [r0, r1] = replicas as [TestServer, TestServer];
      const ha = DB.connection('ha');
      assert.deepEqual(await portsOf('ha', 4), new Set([r0.port, r1.port]));
      events.length = 0;

      // Reads in flight on both replicas when replica 0 dies. (All of them running, so no session is still
      // logging in: postgres.js 3.4 drops the promise of its log-in type query, porsager/postgres#1192.)
      const inFlight = Array.from({ length: 6 }, () => ha.selectOne(engine.slowRead(1)));
      const running = async (name: string) => Number((await DB.connection(name).selectOne(engine.slowReadsRunning))?.n);
      await waitFor('the slow reads running on the replicas', async () => (await running('replica0')) + (await running('replica1')) === 6);
      assert.ok((await running('replica0')) > 0);
      await r0.kill();
      const answered = await Promise.all(inFlight);
      assert.equal(answered.length, 6);
      for (const row of answered) assert.notEqual(Number(row?.port), r0.port);

      // And later reads: none fails, none reaches the dead replica.
      const after = await Promise.all(Array.from({ length: 10 }, () => ha.selectOne(whoami)));
      for (const row of after) assert.ok([r1.port, primary.port].includes(Number(row?.port)));
      assert.ok(after.some((row) => Number(row?.port) === r1.port), 'the other replica takes the reads');

      const down = events.find((e) => e.connection === 'ha' && e.health?.state === 'down');
      assert.equal(down?.health?.replica, 0);
      assert.equal(down?.connection, 'ha');
      assert.ok(down?.error instanceof ConnectionError, 'the down event carries the connection error');
      assert.ok(events.some((e) => e.error !== undefined && e.health === undefined && e.role === 'read'), 'the failed read itself is an event');

      await r0.start();
      await waitFor('replica 0 to rejoin', () => events.some((e) => e.connection === 'ha' && e.health?.replica === 0 && e.health.state === 'healthy'), 45_000);
      assert.ok((await portsOf('ha', 4)).has(r0.port));
    });
  });
}
