import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, ConnectionError, DB, PoolTimeoutError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** Runs `fn` in an async flow of its own, so a transaction it begins is not the caller's. */
function inOwnFlow<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => setImmediate(() => fn().then(resolve, reject)));
}

function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

describeEachEngine('session pool', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  let tight: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({
      default: 'db',
      connections: {
        db: { ...database.options, pool: { max: 3 } },
        tight: { ...database.options, pool: { max: 1, acquireTimeoutMs: 200 } },
      },
    });
    db = DB.connection('db');
    tight = DB.connection('tight');
    await db.statement(`CREATE TABLE items (${autoIncrement(engine.driver)}, flow VARCHAR(20))`);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('pool.max bounds the server sessions of 30 concurrent queries', { skip: engine.driver === 'sqlite' && 'SQLite has one handle' }, async () => {
    const sql =
      engine.driver === 'mysql'
        ? 'SELECT CONNECTION_ID() AS id, SLEEP(0.02) AS s'
        : 'SELECT pg_backend_pid() AS id, pg_sleep(0.02) AS s';
    const rows = await Promise.all(Array.from({ length: 30 }, () => db.selectOne<{ id: number }>(sql)));
    const ids = new Set(rows.map((row) => row?.id));
    assert.equal(rows.length, 30);
    assert.ok(ids.size <= 3, `at most pool.max (3) sessions, saw ${ids.size}: ${[...ids].join(', ')}`);
    assert.ok(ids.size > 1, `the queries ran concurrently on more than one session, saw ${ids.size}`);
  });

  test('a query waits while a transaction holds the only session, then throws PoolTimeoutError', async () => {
    const holding = signal();
    const finish = signal();
    const holder = inOwnFlow(async () => {
      await tight.beginTransaction();
      await tight.insert('INSERT INTO items (flow) VALUES (?)', ['holder']);
      holding.fire();
      await finish.promise;
      await tight.commit();
    });
    await holding.promise;

    const seen: string[] = [];
    const stop = DB.listen((event) => {
      if (event.connection === 'tight') seen.push(event.sql);
    });
    try {
      await assert.rejects(tight.select('SELECT flow FROM items'), (error: unknown) => {
        assert.ok(error instanceof PoolTimeoutError, `PoolTimeoutError, got ${String(error)}`);
        assert.equal(error.connection, 'tight');
        assert.equal(error.poolSize, 1);
        assert.match(error.message, /\[tight\]/);
        assert.match(error.message, /pool max 1/);
        return true;
      });
    } finally {
      stop();
    }
    assert.deepEqual(seen, ['SELECT flow FROM items'], 'the waiting query was never sent (only its timeout was reported)');

    finish.fire();
    await holder;
    // The session went back to the pool: queries work again, and the holder's row was committed.
    assert.deepEqual(await tight.select('SELECT flow FROM items WHERE flow = ?', ['holder']), [{ flow: 'holder' }]);
    await tight.delete('DELETE FROM items');
  });

  test('close() while a query waits for a session: the query fails with ConnectionError, later ones reconnect', async () => {
    const holding = signal();
    const finish = signal();
    const holder = inOwnFlow(async () => {
      await tight.beginTransaction();
      await tight.select('SELECT flow FROM items');
      holding.fire();
      await finish.promise;
      await tight.rollback();
    });
    await holding.promise;
    const waiting = tight.select('SELECT flow FROM items');
    await new Promise((resolve) => setImmediate(resolve));
    const closing = tight.close();
    await assert.rejects(waiting, (error: unknown) => {
      assert.ok(error instanceof ConnectionError, `ConnectionError, got ${String(error)}`);
      assert.equal(error.connection, 'tight');
      assert.match(error.message, /\[tight\] was closed/);
      return true;
    });
    finish.fire();
    await holder;
    await closing;
    assert.deepEqual(await tight.select('SELECT COUNT(*) AS n FROM items'), [{ n: 0 }]);
  });

  test("another flow's write never runs inside this flow's transaction", async () => {
    const holding = signal();
    const rollBack = signal();
    let otherDone = false;
    let seenInside: unknown[] = [];

    const first = inOwnFlow(async () => {
      await db.beginTransaction();
      await db.insert('INSERT INTO items (flow) VALUES (?)', ['first']);
      holding.fire();
      await rollBack.promise;
      seenInside = (await db.select('SELECT flow FROM items ORDER BY id')).map((row) => row.flow);
      await db.rollback();
    });
    await holding.promise;

    const second = inOwnFlow(async () => {
      await db.insert('INSERT INTO items (flow) VALUES (?)', ['second']);
      otherDone = true;
    });

    if (engine.driver === 'sqlite') {
      // One handle: the second flow must wait for the first flow's transaction to end.
      await new Promise((resolve) => setTimeout(resolve, 50)); // room for the second flow to run, if it could
      assert.equal(otherDone, false, 'the second flow waited while the transaction was open');
      rollBack.fire();
      await first;
      assert.deepEqual(seenInside, ['first'], "the second flow's row was not written inside the first flow's transaction");
    } else {
      // Other engines: the second flow runs on another session, without waiting for the transaction.
      await second;
      rollBack.fire();
      await first;
    }
    await second;
    assert.equal(otherDone, true);
    // Rolling back the first flow's transaction left the second flow's row in place.
    assert.deepEqual(
      (await db.select('SELECT flow FROM items ORDER BY id')).map((row) => row.flow),
      ['second'],
    );
    await db.delete('DELETE FROM items');
  });
});
