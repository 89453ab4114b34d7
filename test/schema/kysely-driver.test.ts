import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DB, QueryError, ReadOnlyError } from '../../src/index.js';
import { kyselyFor } from '../../src/schema/connection-kysely.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

// The Kysely instance every migration receives: its statements take Connection.run.
describeEachEngine('Kysely over a Connection (ConnectionDriver)', (engine) => {
  let database: ThrowawayDatabase;
  const db = () => kyselyFor(DB.connection('main'));
  const ids = async () => (await DB.connection('main').select<{ id: number }>('SELECT id FROM items ORDER BY id')).map((r) => r.id);

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'main', connections: { main: database.options, legacy: { ...database.options, readOnly: true } } });
    await DB.connection('main').statement(`CREATE TABLE items (${autoIncrement(engine.driver)}, name VARCHAR(20))`);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('one instance per connection', () => {
    assert.equal(kyselyFor(DB.connection('main')), db());
    assert.notEqual(kyselyFor(DB.connection('legacy')), db());
  });

  test('insert, update, delete report keys and affected rows; select returns rows', async () => {
    const inserted = await db().insertInto('items').values({ name: 'a' }).executeTakeFirst();
    if (engine.driver !== 'pgsql') assert.equal(inserted.insertId, 1n);
    assert.equal(inserted.numInsertedOrUpdatedRows, 1n);
    await db().insertInto('items').values([{ name: 'b' }, { name: 'c' }]).execute();
    const updated = await db().updateTable('items').set({ name: 'B' }).where('name', '=', 'b').executeTakeFirst();
    assert.equal(updated.numUpdatedRows, 1n);
    const deleted = await db().deleteFrom('items').where('name', '=', 'c').executeTakeFirst();
    assert.equal(deleted.numDeletedRows, 1n);
    assert.deepEqual(await db().selectFrom('items').select(['id', 'name']).orderBy('id').execute(), [
      { id: 1, name: 'a' },
      { id: 2, name: 'B' },
    ]);
    const raw = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM items`.execute(db());
    assert.equal(Number(raw.rows[0].n), 2);
  });

  test('a write with RETURNING gives its rows', async (t) => {
    if (engine.driver === 'mysql') {
      t.skip('MySQL has no RETURNING');
      return;
    }
    const rows = await db().insertInto('items').values({ name: 'r' }).returning(['id', 'name']).execute();
    assert.deepEqual(rows, [{ id: 4, name: 'r' }], 'keys are not reused: 3 was deleted');
    const deleted = await db().deleteFrom('items').where('name', '=', 'r').returning('id').execute();
    assert.deepEqual(deleted, [{ id: 4 }]);
  });

  test('db.transaction(): commits, rolls back, and raw calls inside it join it', async () => {
    const main = DB.connection('main');
    await db().transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 10, name: 'kept' }).execute();
      await main.insert('INSERT INTO items (id, name) VALUES (?, ?)', [11, 'raw']);
    });
    await assert.rejects(
      db().transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 12, name: 'undone' }).execute();
        await main.insert('INSERT INTO items (id, name) VALUES (?, ?)', [13, 'undone raw']);
        assert.equal((await main.select('SELECT id FROM items WHERE id IN (12, 13)')).length, 2);
        throw new Error('undo');
      }),
      { message: 'undo' },
    );
    assert.deepEqual(await ids(), [1, 2, 10, 11]);
  });

  test('inside a connection transaction, a Kysely transaction is a savepoint', async () => {
    const main = DB.connection('main');
    await main.transaction(async () => {
      await main.insert('INSERT INTO items (id, name) VALUES (?, ?)', [20, 'outer']);
      await assert.rejects(
        db().transaction().execute(async (trx) => {
          await trx.insertInto('items').values({ id: 21, name: 'inner' }).execute();
          throw new Error('inner only');
        }),
      );
    });
    assert.deepEqual(await ids(), [1, 2, 10, 11, 20]);
  });

  test('startTransaction(): its statements stay in it, savepoints work, the caller is not in it', async () => {
    const trx = await db().startTransaction().execute();
    await trx.insertInto('items').values({ id: 30, name: 'controlled' }).execute();
    const saved = await trx.savepoint('before_31').execute();
    await saved.insertInto('items').values({ id: 31, name: 'discarded' }).execute();
    const back = await saved.rollbackToSavepoint('before_31').execute();
    if (engine.driver !== 'sqlite') {
      // Another session: it does not see the uncommitted row (SQLite has one session only).
      assert.equal((await DB.connection('main').select('SELECT id FROM items WHERE id = 30')).length, 0);
    }
    assert.equal((await back.selectFrom('items').select('id').where('id', '>=', 30).execute()).length, 1);
    await back.commit().execute();
    assert.deepEqual(await ids(), [1, 2, 10, 11, 20, 30]);
  });

  test('two concurrent Kysely transactions do not see each other', async (t) => {
    if (engine.driver === 'sqlite') {
      t.skip('one SQLite session');
      return;
    }
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = db()
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('items').values({ id: 40, name: 'first' }).execute();
        await gate;
        throw new Error('undo first');
      });
    await db()
      .transaction()
      .execute(async (trx) => {
        assert.equal((await trx.selectFrom('items').select('id').where('id', '=', 40).execute()).length, 0);
        await trx.insertInto('items').values({ id: 41, name: 'second' }).execute();
      });
    release();
    await assert.rejects(first, { message: 'undo first' });
    assert.deepEqual(await ids(), [1, 2, 10, 11, 20, 30, 41]);
  });

  test('errors are the library errors: QueryError with the SQL, ReadOnlyError on a read-only connection', async () => {
    await assert.rejects(db().selectFrom('no_such_table').selectAll().execute(), (error) => {
      assert.ok(error instanceof QueryError);
      assert.equal(error.connection, 'main');
      assert.match(error.sql, /no_such_table/);
      return true;
    });
    const legacy = kyselyFor(DB.connection('legacy'));
    assert.equal((await legacy.selectFrom('items').select('id').execute()).length, (await ids()).length, 'reads are allowed');
    await assert.rejects(legacy.insertInto('items').values({ name: 'x' }).execute(), (error) => {
      assert.ok(error instanceof ReadOnlyError);
      assert.equal(error.message, 'Connection [legacy] is read-only: insert refused.');
      return true;
    });
    await assert.rejects(sql`DELETE FROM items`.execute(legacy), { message: 'Connection [legacy] is read-only: delete refused.' });
    await assert.rejects(db().transaction().setIsolationLevel('serializable').execute(async () => {}), /isolation level/);
  });
});
