import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, ConnectionError, DB, PoolTimeoutError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** Runs `fn` in an async flow of its own, so a transaction it begins is not the caller's. */
function inOwnFlow<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => setImmediate(() => fn().then(resolve, reject)));
}

/** What a statement ended with: 'ran', or the error it failed with. */
function outcome(pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    () => 'ran',
    (error: unknown) => error,
  );
}

/**
 * Opens `count` sessions of `connection` (SQLite: its one handle) by holding them at once, so a
 * test times waiting statements against busy sessions, not against a session still opening: on a
 * loaded machine opening one can take longer than a short acquireTimeoutMs, so that is retried.
 */
async function openSessions(connection: Connection, driver: string, count: number): Promise<void> {
  const sql = driver === 'sqlite' ? 'SELECT 1 AS one' : driver === 'mysql' ? 'SELECT SLEEP(0.05) AS s' : 'SELECT pg_sleep(0.05) AS s';
  for (let attempt = 1; ; attempt++) {
    const outcomes = await Promise.allSettled(Array.from({ length: driver === 'sqlite' ? 1 : count }, () => connection.select(sql)));
    const failed = outcomes.find((result) => result.status === 'rejected');
    if (failed === undefined) return;
    if (!(failed.reason instanceof PoolTimeoutError) || attempt === 5) throw failed.reason;
  }
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
  let busy: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({
      default: 'db',
      connections: {
        db: { ...database.options, pool: { max: 3 } },
        // Wide enough that a loaded machine's timer delays cannot expire two waiters 300 ms apart at once.
        tight: { ...database.options, pool: { max: 1, acquireTimeoutMs: 600 } },
        busy: { ...database.options, pool: { max: 2, acquireTimeoutMs: 300 } },
        // Its statements open sessions within the timeout: a loaded machine can take a few hundred ms per open.
        cold: { ...database.options, pool: { max: 2, acquireTimeoutMs: 1000 } },
      },
    });
    db = DB.connection('db');
    tight = DB.connection('tight');
    busy = DB.connection('busy');
    await db.statement(`CREATE TABLE items (${autoIncrement(engine.driver)}, flow VARCHAR(20))`);
    await db.statement('CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await db.insert('INSERT INTO counters (id, n) VALUES (1, 0)');
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

  const held: (() => Promise<void>)[] = [];

  /** Holds the counter row locked in a transaction of `owner`, in a flow of its own, until `release()`. */
  async function lockCounter(owner: Connection): Promise<{ release(): Promise<void>; releasedBySafety(): boolean }> {
    const holding = signal();
    const finish = signal();
    const holder = inOwnFlow(async () => {
      await owner.beginTransaction();
      await owner.update('UPDATE counters SET n = n + 1 WHERE id = 1');
      holding.fire();
      await finish.promise;
      await owner.commit();
    });
    await holding.promise;
    // A bound, so a statement wrongly queued behind the lock ends the test instead of hanging it.
    let bySafety = false;
    const safety = setTimeout(() => {
      bySafety = true;
      finish.fire();
    }, 8000);
    const release = async () => {
      clearTimeout(safety);
      finish.fire();
      await holder;
    };
    held.push(release); // released by cleanUp when an assertion failed first
    return { release, releasedBySafety: () => bySafety };
  }

  /** Five INSERTs into `items` sent at once on `connection`, and what each ended with. */
  function lateInserts(connection: Connection): Promise<unknown[]> {
    return Promise.all(
      Array.from({ length: 5 }, (_, i) => outcome(connection.insert('INSERT INTO items (flow) VALUES (?)', [`late ${i}`]))),
    );
  }

  async function cleanUp(): Promise<void> {
    await Promise.all(held.splice(0).map((release) => release()));
    await db.delete('DELETE FROM items');
    await db.update('UPDATE counters SET n = 0');
  }

  function assertPoolTimeouts(outcomes: unknown[], name: string): void {
    const timeoutMs = name === 'cold' ? 1000 : 300;
    const poolSize = engine.driver === 'sqlite' ? 1 : 2;
    for (const result of outcomes) {
      assert.ok(result instanceof PoolTimeoutError, `PoolTimeoutError, got ${String(result)}`);
      assert.equal(result.connection, name);
      assert.equal(result.poolSize, poolSize);
      assert.equal(result.timeoutMs, timeoutMs);
      assert.match(result.message, new RegExp(`\\[${name}\\].*within ${timeoutMs} ms \\(pool max ${poolSize}\\)`));
    }
  }

  async function assertNeverRan(connection: Connection): Promise<void> {
    const rows = await db.select("SELECT COUNT(*) AS n FROM items WHERE flow LIKE 'late%'");
    assert.deepEqual(rows, [{ n: 0 }], 'no statement that timed out waiting for a session ran on the server');
    // The pool works again once its sessions are free.
    const counts = await Promise.all(Array.from({ length: 20 }, () => connection.selectOne('SELECT n FROM counters WHERE id = 1')));
    assert.equal(counts.length, 20);
  }

  test('a busy pool: statements that find no free session within acquireTimeoutMs fail with PoolTimeoutError and never run', async (t) => {
    t.after(cleanUp);
    // Warm: the pool's sessions are open (SQLite: its one handle).
    await openSessions(busy, engine.driver, 2);
    // One session held by a transaction of another flow, which locks the counter row ...
    const lock = await lockCounter(busy);
    // ... and on servers the other one busy outside any transaction: a statement waiting for that lock.
    const blocked = engine.driver === 'sqlite' ? undefined : busy.update('UPDATE counters SET n = n + 1 WHERE id = 1');

    const late = await lateInserts(busy);
    assert.equal(lock.releasedBySafety(), false, 'the statements failed while every session was still busy');
    await lock.release();
    assert.equal(await blocked, blocked === undefined ? undefined : 1);
    assertPoolTimeouts(late, 'busy');
    await assertNeverRan(busy);
    assert.deepEqual(await db.select('SELECT n FROM counters'), [{ n: engine.driver === 'sqlite' ? 1 : 2 }]);
  });

  test('a cold pool: statements that find no free session within acquireTimeoutMs fail with PoolTimeoutError and never run', async (t) => {
    t.after(cleanUp);
    const cold = DB.connection('cold');
    let lock: Awaited<ReturnType<typeof lockCounter>>;
    let blocked: Promise<number>[] = [];
    if (engine.driver === 'sqlite') {
      // The one handle: a transaction of another flow takes it while it is still being opened.
      const locking = lockCounter(cold);
      await new Promise((resolve) => setImmediate(resolve));
      const late = lateInserts(cold);
      lock = await locking;
      assertPoolTimeouts(await late, 'cold');
    } else {
      // Another connection holds the lock; both sessions of the cold pool open for statements that wait for it.
      lock = await lockCounter(db);
      blocked = [1, 2].map(() => cold.update('UPDATE counters SET n = n + 1 WHERE id = 1'));
      assertPoolTimeouts(await lateInserts(cold), 'cold');
    }
    assert.equal(lock.releasedBySafety(), false, 'the statements failed while every session was still busy');
    await lock.release();
    assert.deepEqual(await Promise.all(blocked), blocked.map(() => 1));
    await assertNeverRan(cold);
  });

  test('each waiting statement gets its own acquireTimeoutMs, counted from when it asked', async (t) => {
    t.after(cleanUp);
    await openSessions(tight, engine.driver, 1); // the previous test closed it
    const lock = await lockCounter(tight);
    let secondSettled = false;
    const first = outcome(tight.insert('INSERT INTO items (flow) VALUES (?)', ['late first']));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = outcome(tight.insert('INSERT INTO items (flow) VALUES (?)', ['late second'])).finally(() => {
      secondSettled = true;
    });
    const firstOutcome = await first;
    assert.ok(firstOutcome instanceof PoolTimeoutError, `PoolTimeoutError, got ${String(firstOutcome)}`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(secondSettled, false, 'the later statement still waits when the earlier one gives up');
    const secondOutcome = await second;
    assert.ok(secondOutcome instanceof PoolTimeoutError, `PoolTimeoutError, got ${String(secondOutcome)}`);
    assert.equal(lock.releasedBySafety(), false);
    await lock.release();
    await assertNeverRan(tight);
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
