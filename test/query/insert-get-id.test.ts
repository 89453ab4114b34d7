/**
 * `insertGetId(values, keyColumn = 'id')` on a table whose key is not `id`.
 * PostgreSQL reads the key back with `RETURNING <keyColumn>`, so it needs the
 * column's name; MySQL/MariaDB (auto-increment) and SQLite (rowid) report the
 * generated key whatever the column is called.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Connection, DB, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine('insertGetId with a key column other than id', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = Connection.getInstance('db');
    await db.statement(`CREATE TABLE accounts (${autoIncrement(engine.driver, 'uid')}, name VARCHAR(50))`);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test("insertGetId(values, 'uid') returns the generated key of each new row", async () => {
    const first = await db.table('accounts').insertGetId({ name: 'ada' }, 'uid');
    const second = await db.table('accounts').insertGetId({ name: 'grace' }, 'uid');
    assert.equal(typeof first, 'number');
    assert.equal(second, Number(first) + 1);
    assert.deepEqual(await db.table('accounts').where('uid', second).first(), { uid: second, name: 'grace' });
    assert.deepEqual(await db.table('accounts').orderBy('uid').pluck('name'), ['ada', 'grace']);
  });

  test('without keyColumn: PostgreSQL refuses the insert naming column "id"; the others return the key', async () => {
    const before = await db.table('accounts').count();
    const insert = db.table('accounts').insertGetId({ name: 'linus' });
    if (engine.driver === 'pgsql') {
      await assert.rejects(insert, (error: unknown) => {
        assert.ok(error instanceof QueryError, String(error));
        assert.match(error.message, /column "id" does not exist/);
        assert.match(error.sql ?? '', /returning "id"/i);
        assert.equal(error.connection, 'db');
        return true;
      });
      // The statement failed as a whole: nothing was inserted.
      assert.equal(await db.table('accounts').count(), before);
    } else {
      const id = await insert;
      assert.equal(await db.table('accounts').where('uid', id).value('name'), 'linus');
      assert.equal(await db.table('accounts').count(), before + 1);
    }
  });

  test('a key the application sets: PostgreSQL returns it through keyColumn, MySQL/MariaDB null, SQLite the rowid', async () => {
    await db.statement('CREATE TABLE currencies (code VARCHAR(3) PRIMARY KEY, name VARCHAR(50))');
    const got = await db.table('currencies').insertGetId({ code: 'EUR', name: 'euro' }, 'code');
    const expected = { pgsql: 'EUR', mysql: null, sqlite: 1 }[engine.driver];
    assert.equal(got, expected);
    assert.equal(await db.table('currencies').where('code', 'EUR').value('name'), 'euro');
  });
});
