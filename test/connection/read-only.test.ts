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
      connections: {
        rw: database.options,
        ro: { ...database.options, readOnly: true },
        // One session: a session that kept a lifted mode would serve the very next query.
        ro1: { ...database.options, readOnly: true, pool: { max: 1 } },
      },
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

  /** Statements sent to the server on `connection` while `fn` runs. */
  async function sentOn(connection: string, fn: () => Promise<void>): Promise<string[]> {
    const sent: string[] = [];
    const stop = DB.listen((event) => {
      if (event.connection === connection) sent.push(event.sql);
    });
    try {
      await fn();
    } finally {
      stop();
    }
    return sent;
  }

  /** Runs `write`, expects ReadOnlyError for `operation`, and that nothing was sent on the read-only connection. */
  async function refusedLocally(operation: string, write: () => Promise<unknown>, reason?: RegExp): Promise<void> {
    const sent = await sentOn('ro', async () => {
      await assert.rejects(write, (error: unknown) => {
        assert.ok(error instanceof ReadOnlyError, `ReadOnlyError, got ${String(error)}`);
        assert.equal(error.connection, 'ro');
        assert.equal(error.operation, operation);
        assert.match(error.message, /\[ro\]/);
        assert.match(error.message, new RegExp(operation));
        if (reason !== undefined) assert.match(error.message, reason);
        return true;
      });
    });
    assert.deepEqual(sent, [], `no statement reached the server for ${operation}`);
  }

  /** A write that the read-only check lets through (it reads like a read), so only the server can refuse it. */
  const hiddenWrite =
    engine.driver === 'mysql'
      ? 'SELECT wipe_accounts() AS wiped' // a stored function that deletes (created below)
      : engine.driver === 'pgsql'
        ? 'WITH gone AS (DELETE FROM accounts RETURNING id) SELECT id FROM gone'
        : 'WITH doomed AS (SELECT 1) DELETE FROM accounts RETURNING id';

  before(async () => {
    if (engine.driver === 'mysql') {
      await rw.statement(
        'CREATE FUNCTION wipe_accounts() RETURNS INT NOT DETERMINISTIC MODIFIES SQL DATA ' +
          'BEGIN DELETE FROM accounts; RETURN ROW_COUNT(); END',
      );
    }
  });

  /** `hiddenWrite` on `connection` is refused by the server: the session is still read-only. */
  async function serverRefusesWrite(connection: Connection): Promise<void> {
    await assert.rejects(connection.select(hiddenWrite), (error: unknown) => {
      assert.ok(error instanceof QueryError, `the server refused the write: got ${String(error)}`);
      if (engine.driver === 'mysql') assert.equal(error.code, 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION');
      else if (engine.driver === 'pgsql') assert.equal(error.sqlState, '25006');
      else assert.match(String(error.code), /^SQLITE_READONLY/);
      return true;
    });
    assert.deepEqual(await names(), ['alice'], 'nothing was written');
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

  test('a write sent through select() is refused before reaching the server', async () => {
    const writes = [
      "INSERT INTO accounts (name) VALUES ('mallory')",
      "UPDATE accounts SET name = 'mallory'",
      'DELETE FROM accounts',
      engine.driver === 'mysql' ? "REPLACE INTO accounts (name) VALUES ('mallory')" : 'DELETE FROM accounts RETURNING id',
    ];
    for (const sql of writes) await refusedLocally('select', () => ro.select(sql), /is not a read/);
    assert.deepEqual(await names(), ['alice']);
  });

  test('a write hidden in a read is refused by the server', async () => {
    await serverRefusesWrite(ro);
  });

  /** Per engine: statements that would change the session or end its read-only transaction, and the reason named. */
  const sessionChanges: [sql: string, reason: RegExp][] =
    engine.driver === 'pgsql'
      ? [
          ['SET default_transaction_read_only = off', /SET is not a read/],
          ['set session characteristics as transaction read write', /SET is not a read/],
          ['SET TRANSACTION READ WRITE', /SET is not a read/],
          [' \n\t/* lift */ SeT default_transaction_read_only TO off', /SET is not a read/],
          ['-- a comment\nSET default_transaction_read_only = off', /SET is not a read/],
          ['/* nested /* comment */ still */ SET default_transaction_read_only = off', /SET is not a read/],
          ['RESET default_transaction_read_only', /RESET is not a read/],
          ['RESET ALL', /RESET is not a read/],
          ['DISCARD ALL', /DISCARD is not a read/],
          ["SELECT set_config('default_transaction_read_only', 'off', false)", /set_config\(\) changes a setting/],
          ["select pg_catalog.SET_CONFIG('default_transaction_read_only', 'off', false)", /set_config\(\)/],
          [`SELECT "set_config"('default_transaction_read_only', 'off', false)`, /set_config\(\)/],
          ["SELECT set_config /* x */ ('default_transaction_read_only', 'off', false)", /set_config\(\)/],
          [`SELECT U&"set\\005fconfig"('default_transaction_read_only', 'off', false)`, /U& escapes/],
          ['SELECT name FROM accounts WHERE name = $1 OR set_config($2, $3, false) IS NULL', /set_config\(\)/],
          ['BEGIN READ WRITE', /BEGIN is not a read/],
          ['START TRANSACTION READ WRITE', /START is not a read/],
          ['COMMIT', /COMMIT is not a read/],
          ['ROLLBACK', /ROLLBACK is not a read/],
          ['END', /END is not a read/],
          ['ABORT', /ABORT is not a read/],
          ['SELECT 1; SET default_transaction_read_only = off', /statement 2 \(SET\) is not a read/],
          ["SELECT 1; COMMIT; INSERT INTO accounts (name) VALUES ('mallory')", /statement 2 \(COMMIT\)/],
          ["(SELECT 1); SELECT set_config('default_transaction_read_only', 'off', false)", /set_config\(\)/],
          ["SELECT 'x'; $$ $$ SET a = 1", /statement 2/],
          ["DO $$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); END $$", /DO is not a read/],
          ['CALL lift()', /CALL is not a read/],
        ]
      : engine.driver === 'mysql'
        ? [
            ['SET SESSION TRANSACTION READ WRITE', /SET is not a read/],
            ['SET TRANSACTION READ WRITE', /SET is not a read/],
            ['set @@session.tx_read_only = 0', /SET is not a read/],
            ["SET STATEMENT tx_read_only = 0 FOR INSERT INTO accounts (name) VALUES ('mallory')", /SET is not a read/],
            ['/*!SET SESSION TRANSACTION READ WRITE*/', /SET is not a read/],
            ['/*!40101 SET SESSION TRANSACTION READ WRITE */', /SET is not a read/],
            ['/*M!100000 SET SESSION TRANSACTION READ WRITE */', /SET is not a read/],
            ['# a comment\nSET SESSION TRANSACTION READ WRITE', /SET is not a read/],
            ['-- a comment\nSET SESSION TRANSACTION READ WRITE', /SET is not a read/],
            [' \n\t/**/ sEt SESSION TRANSACTION READ WRITE', /SET is not a read/],
            ['START TRANSACTION READ WRITE', /START is not a read/],
            ['BEGIN', /BEGIN is not a read/],
            ['COMMIT', /COMMIT is not a read/],
            ['ROLLBACK', /ROLLBACK is not a read/],
            ["XA START 'sodb_x'", /XA is not a read/],
            ['CALL lift()', /CALL is not a read/],
            ['DO 1', /DO is not a read/],
            ["PREPARE s FROM 'SET SESSION TRANSACTION READ WRITE'", /PREPARE is not a read/],
            ['SELECT 1; SET SESSION TRANSACTION READ WRITE', /statement 2 \(SET\) is not a read/],
            // (A path no server can write, should it ever be sent.)
            // A path no server can write to, should it ever be sent.
            ["SELECT name FROM accounts INTO OUTFILE '/nonexistent-sodb-dir/never'", /INTO OUTFILE writes a file/],
          ]
        : [
            ['PRAGMA query_only = 0', /PRAGMA query_only with a value changes a setting/],
            ['PRAGMA query_only(0)', /PRAGMA query_only with a value/],
            ['pragma QUERY_ONLY = false', /PRAGMA query_only with a value/],
            ['PRAGMA main.query_only = OFF', /PRAGMA query_only with a value/],
            ['/**/PRAGMA query_only=0', /PRAGMA query_only with a value/],
            [' \n\t-- c\n PRAGMA "query_only" = 0', /PRAGMA query_only with a value/],
            ['PRAGMA journal_mode = DELETE', /PRAGMA journal_mode with a value/],
            ['BEGIN', /BEGIN is not a read/],
            ['COMMIT', /COMMIT is not a read/],
            ['SAVEPOINT s', /SAVEPOINT is not a read/],
            ["ATTACH DATABASE ':memory:' AS other", /ATTACH is not a read/],
            ['SELECT 1; PRAGMA query_only = 0', /PRAGMA query_only with a value/],
            ["SELECT load_extension('x')", /load_extension\(\) loads code/],
          ];

  test('select() and selectOne() refuse statements that would change the session, sending nothing', async () => {
    for (const [sql, reason] of sessionChanges) {
      await refusedLocally('select', () => ro.select(sql), reason);
      await refusedLocally('select', () => ro.selectOne(sql), reason);
    }
    // The mode held: a write hidden in a read is still refused by the server, on every pooled session.
    await serverRefusesWrite(ro);
    await serverRefusesWrite(DB.connection('ro1'));
  });

  test('the refusal names the keyword, never the SQL text', async () => {
    // Harmless if it were sent (it must not be): SQL text can hold secrets, e.g. SET PASSWORD.
    const secret =
      engine.driver === 'pgsql'
        ? "SET application_name = 'hunter2'"
        : engine.driver === 'mysql'
          ? "SET @token = 'hunter2'"
          : "PRAGMA user_version = 'hunter2'";
    await assert.rejects(ro.select(secret), (error: unknown) => {
      assert.ok(error instanceof ReadOnlyError);
      assert.doesNotMatch(error.message, /hunter2/);
      assert.doesNotMatch(String(error.stack), /hunter2/);
      return true;
    });
  });

  test('reads of every kind still pass: comments, parentheses, CTEs, literals that look like SET, setting reads', async () => {
    const reads: [string, unknown[]][] =
      engine.driver === 'pgsql'
        ? [
            ['SHOW default_transaction_read_only', [{ default_transaction_read_only: 'on' }]],
            ["SELECT current_setting('default_transaction_read_only') AS mode", [{ mode: 'on' }]],
            ['/* c */ (SELECT name FROM accounts)', [{ name: 'alice' }]],
            ['WITH a AS (SELECT name FROM accounts) SELECT name FROM a', [{ name: 'alice' }]],
            ["SELECT 'SET x = 1; COMMIT' AS s", [{ s: 'SET x = 1; COMMIT' }]],
            ['SELECT $$; SET a = 1$$ AS s', [{ s: '; SET a = 1' }]],
            ["SELECT E'\\'; SET a = 1; --' AS s", [{ s: "'; SET a = 1; --" }]],
            ['SELECT 1 AS "set_config"', [{ set_config: 1 }]],
          ]
        : engine.driver === 'mysql'
          ? [
              ['SELECT @@session.tx_read_only AS mode', [{ mode: 1 }]],
              ['# c\nSELECT name FROM accounts', [{ name: 'alice' }]],
              ['(SELECT name FROM accounts)', [{ name: 'alice' }]],
              ['WITH a AS (SELECT name FROM accounts) SELECT name FROM a', [{ name: 'alice' }]],
              ["SELECT 'SET x = 1; COMMIT' AS s", [{ s: 'SET x = 1; COMMIT' }]],
              ["SELECT 'it\\'s; SET x' AS s", [{ s: "it's; SET x" }]],
            ]
          : [
              ['PRAGMA query_only', [{ query_only: 1 }]],
              ["SELECT name FROM pragma_table_info('accounts') ORDER BY cid", [{ name: 'id' }, { name: 'name' }]],
              ['WITH a AS (SELECT name FROM accounts) SELECT name FROM a', [{ name: 'alice' }]],
              ["SELECT 'PRAGMA query_only = 0; SET' AS s", [{ s: 'PRAGMA query_only = 0; SET' }]],
            ];
    for (const [sql, rows] of reads) assert.deepEqual(await ro.select(sql), rows, sql);
    if (engine.driver === 'sqlite') {
      const columns = await ro.select('PRAGMA table_info(accounts)');
      assert.deepEqual(columns.map((c) => c.name), ['id', 'name']);
      assert.equal((await ro.select('PRAGMA main.table_info("accounts")')).length, 2);
    } else if (engine.driver === 'mysql') {
      assert.ok((await ro.select('SHOW TABLES')).length >= 1);
      assert.equal((await ro.select('DESCRIBE accounts')).length, 2);
      assert.ok(Array.isArray(await ro.select('XA RECOVER')));
    }
  });

  test('a read-only transaction can read, and a write hidden inside it is refused by the server', async () => {
    let refused = false;
    const run = ro.transaction(async () => {
      assert.deepEqual(await ro.select('SELECT name FROM accounts'), [{ name: 'alice' }]);
      await assert.rejects(ro.select(hiddenWrite), QueryError);
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

  test('select() inside a read-only transaction cannot end it or lift it', async () => {
    const ending = engine.driver === 'sqlite' ? ['COMMIT', 'PRAGMA query_only = 0'] : ['COMMIT', 'ROLLBACK'];
    await ro.beginTransaction();
    try {
      for (const sql of ending) await refusedLocally('select', () => ro.select(sql));
      await assert.rejects(ro.select(hiddenWrite), QueryError);
    } finally {
      await ro.rollback();
    }
    assert.deepEqual(await names(), ['alice']);
  });
});

/**
 * A lift the read-only check cannot see: a function (or a view over one) that the
 * database already holds switches the session's mode off from inside a SELECT.
 * Such a session must never serve another statement in that mode. SQLite has no
 * such path (only a PRAGMA changes query_only, and the check refuses every setting one).
 */
describeEachEngine(
  'read-only connections: a mode lifted from inside a read',
  (engine) => {
    let database: ThrowawayDatabase;
    let rw: Connection;

    before(async () => {
      database = await engine.createDatabase();
      await DB.configure({
        default: 'rw',
        connections: {
          rw: database.options,
          ro1: { ...database.options, readOnly: true, pool: { max: 1 } },
          ro2: { ...database.options, readOnly: true, pool: { max: 2 } },
        },
      });
      rw = DB.connection('rw');
      await rw.statement(`CREATE TABLE accounts (${autoIncrement(engine.driver)}, name VARCHAR(40))`);
      await rw.insert('INSERT INTO accounts (name) VALUES (?)', ['alice']);
      if (engine.driver === 'pgsql') {
        await rw.statement(
          'CREATE FUNCTION lift() RETURNS text LANGUAGE plpgsql AS ' +
            "$$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); RETURN 'lifted'; END $$",
        );
        await rw.statement('CREATE VIEW lifting AS SELECT lift() AS result');
      } else {
        const fn = (name: string, body: string) =>
          rw.statement(`CREATE FUNCTION ${name}() RETURNS VARCHAR(10) NOT DETERMINISTIC BEGIN ${body}; RETURN 'lifted'; END`);
        await fn('lift', 'SET SESSION TRANSACTION READ WRITE');
        await fn('lift_next', 'SET TRANSACTION READ WRITE');
        await fn('lift_variable', 'SET @@session.tx_read_only = 0');
        await rw.statement('CREATE VIEW lifting AS SELECT lift() AS result');
        await rw.statement(
          'CREATE FUNCTION wipe_accounts() RETURNS INT NOT DETERMINISTIC MODIFIES SQL DATA ' +
            'BEGIN DELETE FROM accounts; RETURN ROW_COUNT(); END',
        );
      }
    });

    after(async () => {
      await DB.disconnect();
      await database.drop();
    });

    const write =
      engine.driver === 'pgsql' ? 'WITH gone AS (DELETE FROM accounts RETURNING id) SELECT id FROM gone' : 'SELECT wipe_accounts() AS wiped';

    async function refusedByServer(connection: Connection): Promise<void> {
      await assert.rejects(connection.select(write), (error: unknown) => {
        assert.ok(error instanceof QueryError, `the server refused the write: got ${String(error)}`);
        assert.equal(engine.driver === 'pgsql' ? error.sqlState : error.code, engine.driver === 'pgsql' ? '25006' : 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION');
        return true;
      });
    }

    async function alice(): Promise<void> {
      assert.deepEqual((await rw.select('SELECT name FROM accounts')).map((r) => r.name), ['alice'], 'nothing was written');
    }

    const lifts = engine.driver === 'pgsql' ? ['SELECT lift()', 'SELECT result FROM lifting'] : ['SELECT lift()', 'SELECT lift_next()', 'SELECT lift_variable()', 'SELECT result FROM lifting'];

    test('the next statements on the same one-session pool still cannot write', async () => {
      const ro1 = DB.connection('ro1');
      for (const lift of lifts) {
        assert.deepEqual(Object.values((await ro1.select(lift))[0]), ['lifted'], lift);
        await refusedByServer(ro1);
        await refusedByServer(ro1);
        await alice();
        // The pool still serves reads.
        assert.deepEqual(await ro1.select('SELECT name FROM accounts'), [{ name: 'alice' }]);
      }
    });

    test('a write queued behind the lifting read on a busy pool cannot write either', async () => {
      for (const name of ['ro1', 'ro2']) {
        const ro = DB.connection(name);
        for (const lift of lifts) {
          const results = await Promise.allSettled([ro.select(lift), ro.select(write), ro.select(lift), ro.select(write), ro.select(write)]);
          for (const [i, result] of results.entries()) {
            if (i === 0 || i === 2) assert.equal(result.status, 'fulfilled', `${lift} itself runs`);
            else {
              assert.equal(result.status, 'rejected', `write ${i} on ${name} after ${lift}`);
              assert.ok((result as PromiseRejectedResult).reason instanceof QueryError);
            }
          }
          await alice();
        }
      }
    });

    test('a mode lifted inside a read-only transaction does not outlive it', async () => {
      const ro1 = DB.connection('ro1');
      for (const end of ['commit', 'rollback'] as const) {
        await ro1.beginTransaction();
        await ro1.select(lifts[0]);
        if (end === 'commit') await ro1.commit();
        else {
          // The transaction itself began read-only and stays so.
          await assert.rejects(ro1.select(write), QueryError);
          await ro1.rollback();
        }
        await refusedByServer(ro1);
        await alice();
      }
    });
  },
  ['mariadb', 'postgres'],
);
