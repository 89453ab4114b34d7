import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB, QueryError, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine('DB.listen', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  const events: QueryEvent[] = [];
  let stopAll: () => void;

  before(async () => {
    database = await engine.createDatabase();
    // Listening before the first query, so the session set-up is seen too.
    stopAll = DB.listen((event) => events.push(event));
    await DB.configure({
      default: 'db',
      connections: { db: database.options, ro: { ...database.options, readOnly: true } },
    });
    db = DB.connection('db');
  });

  after(async () => {
    stopAll();
    await DB.disconnect();
    await database.drop();
  });

  function take(): QueryEvent[] {
    return events.splice(0);
  }

  test('the session set-up statements are reported', async () => {
    take();
    await db.statement(`CREATE TABLE logs (${autoIncrement(engine.driver)}, line VARCHAR(40))`);
    await DB.connection('ro').select('SELECT line FROM logs');
    const seen = take().map((event) => `${event.connection}: ${event.sql}`);
    if (engine.driver === 'sqlite') {
      assert.ok(seen.includes('db: PRAGMA foreign_keys = ON'), seen.join('\n'));
      assert.ok(seen.includes('db: PRAGMA journal_mode = WAL'), seen.join('\n'));
      assert.ok(seen.includes('ro: PRAGMA query_only = ON'), seen.join('\n'));
    } else if (engine.driver === 'mysql') {
      assert.ok(seen.includes('ro: SET SESSION TRANSACTION READ ONLY'), seen.join('\n'));
    }
    // Set-up comes before the statement that needed the session.
    const ro = seen.filter((line) => line.startsWith('ro: '));
    assert.equal(ro.at(-1), 'ro: SELECT line FROM logs');
  });

  test('every statement: connection, sql, bindings and duration', async () => {
    take();
    await db.insert('INSERT INTO logs (line) VALUES (?)', ['one']);
    await db.select('SELECT line FROM logs WHERE line = ?', ['one']);
    await db.table('logs').where('line', 'one').update({ line: 'two' });
    const seen = take();
    assert.equal(seen.length, 3);
    const [insert, select, update] = seen;
    assert.equal(insert.connection, 'db');
    // PostgreSQL's statements are reported as sent, with $n placeholders.
    assert.match(insert.sql, /^INSERT INTO logs \(line\) VALUES \((\?|\$1)\)$/);
    assert.deepEqual(insert.bindings, ['one']);
    assert.deepEqual(select.bindings, ['one']);
    assert.match(update.sql, /^update "?`?logs/i);
    assert.deepEqual(update.bindings, ['two', 'one']);
    for (const event of seen) {
      assert.equal(typeof event.durationMs, 'number');
      assert.ok(event.durationMs >= 0 && Number.isFinite(event.durationMs));
      assert.equal(event.error, undefined);
    }
  });

  test('transaction control and savepoints are reported, in order', async () => {
    take();
    await db.transaction(async () => {
      await db.insert('INSERT INTO logs (line) VALUES (?)', ['outer']);
      await db.beginTransaction();
      await db.insert('INSERT INTO logs (line) VALUES (?)', ['inner']);
      await db.rollback();
    });
    await db.beginTransaction();
    await db.commit();
    const sql = take().map((event) => event.sql.replace(/\$1/, '?'));
    assert.deepEqual(sql, [
      db.dialect.transactionSql.begin,
      'INSERT INTO logs (line) VALUES (?)',
      'SAVEPOINT so_savepoint_1',
      'INSERT INTO logs (line) VALUES (?)',
      'ROLLBACK TO SAVEPOINT so_savepoint_1',
      'COMMIT',
      db.dialect.transactionSql.begin,
      'COMMIT',
    ]);
    assert.deepEqual(
      (await db.select('SELECT line FROM logs WHERE line IN (?, ?)', ['outer', 'inner'])).map((row) => row.line),
      ['outer'],
    );
  });

  test('a failed statement is reported with its error', async () => {
    take();
    await assert.rejects(db.select('SELECT nope FROM logs WHERE id = ?', [7]), QueryError);
    const [event] = take();
    assert.ok(event.error instanceof QueryError, 'the event carries the QueryError');
    assert.match(event.sql, /nope/);
    assert.deepEqual(event.bindings, [7]);
    assert.equal(event.connection, 'db');
  });

  test('the returned function stops listening', async () => {
    const mine: string[] = [];
    const stop = DB.listen((event) => mine.push(event.sql));
    await db.select('SELECT 1 AS one');
    stop();
    await db.select('SELECT 2 AS two');
    assert.deepEqual(mine, ['SELECT 1 AS one']);
    assert.equal(take().length, 2, 'the other listener still hears both');
  });

  test('a throwing listener does not break the query, nor the other listeners', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const stop = DB.listen(() => {
      throw new Error('listener bug');
    });
    try {
      take();
      assert.deepEqual(await db.select('SELECT ? AS v', ['still works']), [{ v: 'still works' }]);
      assert.equal(take().length, 1, 'the other listener was still called');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      stop();
      process.off('warning', onWarning);
    }
    assert.ok(warnings.some((message) => message.includes('listener bug')), 'the failure is reported as a warning');
  });
});
