import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB, QueryError, ReadOnlyError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine('read-only connections', (engine) => {
  let database: ThrowawayDatabase;
  let ro: Connection;
  let rw: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({
      default: 'rw',
      connections: { rw: database.options, ro: { ...database.options, readOnly: true } },
    });
    rw = DB.connection('rw');
    ro = DB.connection('ro');
    await rw.statement(`CREATE TABLE accounts (${autoIncrement(engine.driver)}, name VARCHAR(40))`);
    await rw.insert('INSERT INTO accounts (name) VALUES (?)', ['alice']);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  async function names(): Promise<unknown[]> {
    return (await rw.select('SELECT name FROM accounts ORDER BY id')).map((row) => row.name);
  }

  /** Runs `write`, expects ReadOnlyError for `operation`, and that nothing was sent on the read-only connection. */
  async function refusedLocally(operation: string, write: () => Promise<unknown>): Promise<void> {
    const sent: string[] = [];
    const stop = DB.listen((event) => {
      if (event.connection === 'ro') sent.push(event.sql);
    });
    try {
      await assert.rejects(write, (error: unknown) => {
        assert.ok(error instanceof ReadOnlyError, `ReadOnlyError, got ${String(error)}`);
        assert.equal(error.connection, 'ro');
        assert.equal(error.operation, operation);
        assert.match(error.message, /\[ro\]/);
        assert.match(error.message, new RegExp(operation));
        return true;
      });
    } finally {
      stop();
    }
    assert.deepEqual(sent, [], `no statement reached the server for ${operation}`);
  }

  test('the flag is visible', () => {
    assert.equal(ro.readOnly, true);
    assert.equal(rw.readOnly, false);
  });

  test('reads work, through raw SQL and the query builder', async () => {
    assert.deepEqual(await ro.select('SELECT name FROM accounts WHERE name = ?', ['alice']), [{ name: 'alice' }]);
    assert.deepEqual(await ro.table('accounts').where('name', 'alice').pluck('name'), ['alice']);
    assert.equal(await ro.table('accounts').count(), 1);
  });

  test('raw writes throw ReadOnlyError before reaching the server', async () => {
    await refusedLocally('insert', () => ro.insert('INSERT INTO accounts (name) VALUES (?)', ['mallory']));
    await refusedLocally('update', () => ro.update('UPDATE accounts SET name = ?', ['mallory']));
    await refusedLocally('delete', () => ro.delete('DELETE FROM accounts'));
    await refusedLocally('statement', () => ro.statement('DROP TABLE accounts'));
    assert.deepEqual(await names(), ['alice']);
  });

  test('query builder writes throw ReadOnlyError before reaching the server', async () => {
    await refusedLocally('insert', () => ro.table('accounts').insert({ name: 'mallory' }));
    await refusedLocally('update', () => ro.table('accounts').where('name', 'alice').update({ name: 'mallory' }));
    await refusedLocally('delete', () => ro.table('accounts').delete());
    assert.deepEqual(await names(), ['alice']);
  });

  test('a write smuggled through select() is refused by the server', async () => {
    const smuggled =
      engine.driver === 'mysql'
        ? [
            ['INSERT INTO accounts (name) VALUES (?)', ['mallory']],
            ['UPDATE accounts SET name = ? WHERE name = ?', ['mallory', 'alice']],
            ['DELETE FROM accounts WHERE name = ?', ['alice']],
          ]
        : [
            ['INSERT INTO accounts (name) VALUES (?) RETURNING id', ['mallory']],
            ['UPDATE accounts SET name = ? WHERE name = ? RETURNING id', ['mallory', 'alice']],
            ['DELETE FROM accounts WHERE name = ? RETURNING id', ['alice']],
          ];
    for (const [sql, bindings] of smuggled as [string, unknown[]][]) {
      await assert.rejects(ro.select(sql, bindings), (error: unknown) => {
        assert.ok(error instanceof QueryError, `the server refused ${sql}: got ${String(error)}`);
        assert.equal(error.connection, 'ro');
        assert.equal(error.sql.includes('accounts'), true);
        if (engine.driver === 'mysql') {
          assert.equal(error.code, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION');
          assert.match(error.message, /READ ONLY transaction/i);
        } else if (engine.driver === 'pgsql') {
          assert.equal(error.sqlState, '25006');
          assert.match(error.message, /read-only transaction/);
        } else {
          assert.match(String(error.code), /^SQLITE_READONLY/);
          assert.match(error.message, /readonly/);
        }
        return true;
      });
    }
    assert.deepEqual(await names(), ['alice'], 'nothing was written');
  });

  test('a read-only transaction can read, and a smuggled write inside it is refused too', async () => {
    let refused = false;
    const run = ro.transaction(async () => {
      assert.deepEqual(await ro.select('SELECT name FROM accounts'), [{ name: 'alice' }]);
      const write = engine.driver === 'mysql' ? 'DELETE FROM accounts' : 'DELETE FROM accounts RETURNING id';
      await assert.rejects(ro.select(write), QueryError);
      refused = true;
      return 'done';
    });
    if (engine.driver === 'pgsql') {
      // The refused statement aborted PostgreSQL's transaction: its COMMIT says so rather than seem to work.
      await assert.rejects(run, (error: unknown) => error instanceof QueryError && error.sqlState === '25P02');
    } else {
      assert.equal(await run, 'done');
    }
    assert.equal(refused, true);
    assert.deepEqual(await names(), ['alice']);
  });
});
