import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { Connection, DB, DatabaseError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { inNewFlow, latch } from '../support/flows.js';

describeEachEngine('per-connection transactions', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  const names = async () => (await db.select<{ name: string }>('SELECT name FROM items ORDER BY name')).map((r) => r.name);

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: { ...database.options, pool: { max: 4 } } } });
    db = Connection.getInstance('db');
    await db.statement(`CREATE TABLE items (${autoIncrement(engine.driver)}, name VARCHAR(50))`);
  });

  beforeEach(async () => {
    await db.delete('DELETE FROM items');
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('beginTransaction + commit keeps the writes; + rollback discards them', async () => {
    await db.beginTransaction();
    await db.insert('INSERT INTO items (name) VALUES (?)', ['kept']);
    await db.commit();
    await db.beginTransaction();
    await db.insert('INSERT INTO items (name) VALUES (?)', ['dropped']);
    await db.rollback();
    assert.deepEqual(await names(), ['kept']);
    assert.equal(db.inTransaction(), false);
  });

  test('the seed pattern: begin, work, commit, with rollback in catch', async () => {
    const attempt = async (fail: boolean) => {
      try {
        await db.beginTransaction();
        await db.insert('INSERT INTO items (name) VALUES (?)', [fail ? 'failed' : 'ok']);
        if (fail) await db.insert('INSERT INTO no_such_table (x) VALUES (?)', [1]);
        await db.commit();
      } catch (error) {
        await db.rollback();
        return error;
      }
      return undefined;
    };
    assert.equal(await attempt(false), undefined);
    assert.ok((await attempt(true)) instanceof DatabaseError);
    assert.deepEqual(await names(), ['ok']);
  });

  test('transaction(fn) returns the value and commits; a throw rolls back and rethrows', async () => {
    const value = await db.transaction(async () => {
      await db.insert('INSERT INTO items (name) VALUES (?)', ['a']);
      return 42;
    });
    assert.equal(value, 42);
    await assert.rejects(
      db.transaction(async () => {
        await db.insert('INSERT INTO items (name) VALUES (?)', ['b']);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await names(), ['a']);
  });

  test('nested beginTransaction makes a savepoint', async () => {
    const sql: string[] = [];
    const stop = DB.listen((e) => sql.push(e.sql));
    await db.beginTransaction();
    await db.insert('INSERT INTO items (name) VALUES (?)', ['outer']);
    await db.beginTransaction();
    await db.insert('INSERT INTO items (name) VALUES (?)', ['inner']);
    await db.rollback();
    await db.beginTransaction();
    await db.insert('INSERT INTO items (name) VALUES (?)', ['inner2']);
    await db.commit();
    await db.commit();
    stop();
    assert.deepEqual(await names(), ['inner2', 'outer']);
    assert.ok(sql.some((s) => /^SAVEPOINT /.test(s)));
    assert.ok(sql.some((s) => /^ROLLBACK TO SAVEPOINT /.test(s)));
    assert.ok(sql.some((s) => /^RELEASE SAVEPOINT /.test(s)));
  });

  test('nested transaction(fn) rolls back only its own work', async () => {
    await db.transaction(async () => {
      await db.insert('INSERT INTO items (name) VALUES (?)', ['outer']);
      await assert.rejects(
        db.transaction(async () => {
          await db.insert('INSERT INTO items (name) VALUES (?)', ['inner']);
          throw new Error('inner fails');
        }),
      );
    });
    assert.deepEqual(await names(), ['outer']);
  });

  test('commit() without a transaction throws; rollback() without one does nothing', async () => {
    await assert.rejects(db.commit(), (error: unknown) => error instanceof DatabaseError && /commit\(\) without an active transaction/.test(error.message));
    await db.rollback();
  });

  test('a function called after beginTransaction (no callback) runs inside it', async () => {
    const insertElsewhere = async () => db.insert('INSERT INTO items (name) VALUES (?)', ['helper']);
    await inNewFlow(async () => {
      await db.beginTransaction();
      await insertElsewhere();
      assert.equal(db.inTransaction(), true);
      await db.rollback();
    });
    assert.deepEqual(await names(), []);
  });

  test('a concurrent flow never runs inside another flow\'s transaction', async () => {
    const aBegun = latch();
    const bIssued = latch();
    const flowA = inNewFlow(async () => {
      await db.beginTransaction();
      await db.insert('INSERT INTO items (name) VALUES (?)', ['from A']);
      aBegun.signal();
      await bIssued.wait;
      await db.rollback();
    });
    const flowB = inNewFlow(async () => {
      await aBegun.wait;
      assert.equal(db.inTransaction(), false, 'flow B does not see flow A\'s transaction');
      const insert = db.insert('INSERT INTO items (name) VALUES (?)', ['from B']);
      bIssued.signal();
      await insert;
    });
    await Promise.all([flowA, flowB]);
    // A rolled back; B's row, written outside A's transaction, survives (on SQLite B waited for A to finish).
    assert.deepEqual(await names(), ['from B']);
  });

  test('two flows with their own transactions stay apart', async () => {
    // On server engines both transactions are open at once; SQLite has one handle, so they take turns.
    const overlap = engine.driver !== 'sqlite';
    const inserted = [latch(), latch()];
    const run = (name: string, index: number, commit: boolean) =>
      inNewFlow(async () => {
        await db
          .transaction(async () => {
            await db.insert('INSERT INTO items (name) VALUES (?)', [name]);
            inserted[index].signal();
            if (overlap) await inserted[1 - index].wait;
            if (!commit) throw new Error(`${name} rolls back`);
          })
          .catch(() => {});
      });
    await Promise.all([run('one', 0, true), run('two', 1, false)]);
    assert.deepEqual(await names(), ['one']);
  });

  test('beginTransaction reaches what the flow starts afterwards, not what it started before', async () => {
    let seenBefore: boolean | undefined;
    let seenAfter: boolean | undefined;
    await inNewFlow(async () => {
      const startedBefore = latch();
      const before = new Promise<void>((resolve) =>
        setImmediate(async () => {
          await startedBefore.wait;
          seenBefore = db.inTransaction();
          resolve();
        }),
      );
      await db.beginTransaction();
      const after = new Promise<void>((resolve) =>
        setImmediate(() => {
          seenAfter = db.inTransaction();
          resolve();
        }),
      );
      startedBefore.signal();
      await Promise.all([before, after]);
      await db.rollback();
    });
    assert.equal(seenBefore, false);
    assert.equal(seenAfter, true);
  });

  test('after commit the flow is out of the transaction', async () => {
    await db.beginTransaction();
    await db.insert('INSERT INTO items (name) VALUES (?)', ['first']);
    await db.commit();
    await db.insert('INSERT INTO items (name) VALUES (?)', ['second']);
    await db.rollback(); // nothing to roll back: 'second' was autocommitted
    assert.deepEqual(await names(), ['first', 'second']);
  });
});
