import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DB, type QueryEvent, ReadOnlyError, Schema } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine('Schema.connection(name)', (engine) => {
  let database: ThrowawayDatabase;
  let other: ThrowawayDatabase;

  async function tableExists(connection: string, name: string): Promise<boolean> {
    const sql =
      engine.driver === 'sqlite'
        ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`
        : engine.driver === 'mysql'
          ? 'SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?'
          : `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ?`;
    return (await DB.connection(connection).select(sql, [name])).length === 1;
  }

  before(async () => {
    database = await engine.createDatabase();
    other = await engine.createDatabase();
    await DB.configure({
      default: 'main',
      connections: { main: database.options, essentials: other.options, legacy: { ...other.options, readOnly: true } },
    });
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
    await other.drop();
  });

  test('creates, alters and drops tables and indexes on the named connection only', async () => {
    const schema = Schema.connection('essentials');
    await schema
      .createTable('users')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('email', 'varchar(255)', (col) => col.notNull())
      .execute();
    await schema.createIndex('users_email').on('users').column('email').unique().execute();
    await schema.alterTable('users').addColumn('nickname', 'varchar(50)').execute();
    assert.ok(await tableExists('essentials', 'users'));
    assert.equal(await tableExists('main', 'users'), false);
    await DB.connection('essentials').insert('INSERT INTO users (id, email, nickname) VALUES (?, ?, ?)', [1, 'a@x', 'ada']);
    await assert.rejects(DB.connection('essentials').insert('INSERT INTO users (id, email) VALUES (?, ?)', [2, 'a@x']), {
      name: 'QueryError',
    });
    await schema.dropTable('users').execute();
    assert.equal(await tableExists('essentials', 'users'), false);
  });

  test('without a name, the default connection', async () => {
    await Schema.connection().createTable('defaults').addColumn('id', 'integer').execute();
    assert.ok(await tableExists('main', 'defaults'));
  });

  test('statements are observed by DB.listen like any other', async () => {
    const seen: QueryEvent[] = [];
    const stop = DB.listen((event) => seen.push(event));
    try {
      await Schema.connection('main').createTable('observed').addColumn('id', 'integer').execute();
    } finally {
      stop();
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0].connection, 'main');
    assert.match(seen[0].sql, /^create table ["`]observed["`]/);
  });

  test('a read-only connection refuses with ReadOnlyError naming it', async () => {
    await assert.rejects(Schema.connection('legacy').createTable('nope').addColumn('id', 'integer').execute(), (error) => {
      assert.ok(error instanceof ReadOnlyError);
      assert.equal(error.connection, 'legacy');
      assert.equal(error.message, 'Connection [legacy] is read-only: create table refused.');
      return true;
    });
    await assert.rejects(Schema.connection('legacy').dropTable('anything').execute(), {
      message: 'Connection [legacy] is read-only: drop table refused.',
    });
    assert.equal(await tableExists('legacy', 'nope'), false);
  });

  test('joins the connection transaction of the current async flow', async () => {
    const main = DB.connection('main');
    await Schema.connection('main').createTable('ledger').addColumn('id', 'integer').execute();
    await assert.rejects(
      main.transaction(async () => {
        await main.insert('INSERT INTO ledger (id) VALUES (?)', [1]);
        await Schema.connection('main').createTable('in_transaction').addColumn('id', 'integer').execute();
        assert.ok(await tableExists('main', 'in_transaction'), 'visible inside the transaction');
        throw new Error('undo');
      }),
      { message: 'undo' },
    );
    if (engine.driver === 'mysql') {
      // MySQL commits DDL at once (an implicit commit, which also committed the insert before it).
      assert.ok(await tableExists('main', 'in_transaction'));
      assert.deepEqual(await main.select('SELECT id FROM ledger'), [{ id: 1 }]);
    } else {
      assert.equal(await tableExists('main', 'in_transaction'), false, 'rolled back with the transaction');
      assert.deepEqual(await main.select('SELECT id FROM ledger'), []);
    }
  });

  test('concurrent flows each keep their own transaction', async (t) => {
    if (engine.driver === 'sqlite') {
      t.skip('one SQLite session: transactions run one after the other');
      return;
    }
    const main = DB.connection('main');
    await Schema.connection('main').createTable('flows').addColumn('id', 'integer').execute();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = main.transaction(async () => {
      await main.insert('INSERT INTO flows (id) VALUES (?)', [1]);
      await held;
      throw new Error('undo');
    });
    // Another flow's transaction, meanwhile, on its own session: it commits while the first is open.
    await main.transaction(async () => {
      await Schema.connection('main').createTable('flows_other').addColumn('id', 'integer').execute();
      await main.insert('INSERT INTO flows_other (id) VALUES (?)', [2]);
    });
    release();
    await assert.rejects(slow, { message: 'undo' });
    assert.deepEqual(await main.select('SELECT id FROM flows_other'), [{ id: 2 }]);
    assert.deepEqual(await main.select('SELECT id FROM flows'), []);
  });
});
