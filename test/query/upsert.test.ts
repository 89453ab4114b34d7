import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { type Connection, DB, QueryError, ReadOnlyError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** upsert: insert, or update the row a unique key conflicts with; checked on the rows and the counts. */
describeEachEngine('query builder upsert', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({
      default: 'db',
      connections: { db: database.options, ro: { ...database.options, readOnly: true } },
    });
    db = DB.connection('db');
    await db.statement(
      `CREATE TABLE flights (${autoIncrement(engine.driver)}, code VARCHAR(10) NOT NULL UNIQUE, seats INT, airline VARCHAR(10), note VARCHAR(20))`,
    );
    await db.statement('CREATE TABLE prices (shop VARCHAR(10) NOT NULL, sku VARCHAR(10) NOT NULL, price INT, PRIMARY KEY (shop, sku))');
  });

  beforeEach(async () => {
    await db.table('flights').delete();
    await db.table('prices').delete();
    await db.table('flights').insert([
      { code: 'AF1', seats: 100, airline: 'AF' },
      { code: 'BA3', seats: 50, airline: 'BA' },
    ]);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  const flights = async () =>
    (await db.table('flights').orderBy('code').get()).map((r) => [r.code, r.seats === null ? null : Number(r.seats), r.airline, r.note]);
  const idOf = async (code: string) => Number(await db.table('flights').where('code', code).value('id'));

  async function sent(fn: () => Promise<unknown>): Promise<string[]> {
    const all: string[] = [];
    const stop = DB.listen((event) => all.push(event.sql));
    try {
      await fn();
    } finally {
      stop();
    }
    return all;
  }

  test('inserts new rows and updates conflicting ones (every column but uniqueBy); counts as the engine does', async () => {
    const af1 = await idOf('AF1');
    const affected = await db.table('flights').upsert(
      [
        { code: 'AF1', seats: 120, airline: 'AF' }, // changed
        { code: 'LH2', seats: 90, airline: 'LH' }, // new
        { code: 'BA3', seats: 50, airline: 'BA' }, // the values it already has
      ],
      'code',
    );
    assert.deepEqual(await flights(), [
      ['AF1', 120, 'AF', null],
      ['BA3', 50, 'BA', null],
      ['LH2', 90, 'LH', null],
    ]);
    assert.equal(await idOf('AF1'), af1, 'updated in place, not deleted and inserted');
    // PostgreSQL and SQLite: 1 a row inserted or updated. MySQL/MariaDB: 1 inserted, 2 updated, and
    // 1 for a row that already held the values (mysql2 connects with CLIENT_FOUND_ROWS; without it, 0).
    assert.equal(affected, engine.name === 'mariadb' ? 4 : 3);
  });

  test('the columns to update can be named; the others keep their values', async () => {
    const affected = await db.table('flights').upsert({ code: 'AF1', seats: 130, airline: 'XX' }, ['code'], ['seats']);
    assert.deepEqual((await flights())[0], ['AF1', 130, 'AF', null]);
    assert.equal(affected, engine.name === 'mariadb' ? 2 : 1);
  });

  test('or given values, expressions too: a counter that adds on a conflict', async () => {
    const bump = { seats: sql`flights.seats + 1`, note: 'bumped' };
    assert.equal(await db.table('flights').upsert([{ code: 'AF1', seats: 1 }, { code: 'NEW', seats: 1 }], 'code', bump), engine.name === 'mariadb' ? 3 : 2);
    await db.table('flights').upsert({ code: 'AF1', seats: 1 }, 'code', bump);
    assert.deepEqual(await flights(), [
      ['AF1', 102, 'AF', 'bumped'],
      ['BA3', 50, 'BA', null],
      ['NEW', 1, null, null],
    ]);
  });

  test('no columns to update ([]): a conflicting row is left as it is', async () => {
    const affected = await db.table('flights').upsert(
      [
        { code: 'AF1', seats: 1, airline: 'ZZ' },
        { code: 'QF4', seats: 4, airline: 'QF' },
      ],
      'code',
      [],
    );
    assert.deepEqual(await flights(), [
      ['AF1', 100, 'AF', null],
      ['BA3', 50, 'BA', null],
      ['QF4', 4, 'QF', null],
    ]);
    // MySQL/MariaDB: the kept row counts as found (CLIENT_FOUND_ROWS); PostgreSQL and SQLite count only the insert.
    assert.equal(affected, engine.name === 'mariadb' ? 2 : 1);
  });

  test('a unique key of several columns', async () => {
    await db.table('prices').insert([{ shop: 'a', sku: 'x', price: 1 }]);
    await db.table('prices').upsert(
      [
        { shop: 'a', sku: 'x', price: 2 },
        { shop: 'b', sku: 'x', price: 3 },
      ],
      ['shop', 'sku'],
    );
    const rows = await db.table('prices').orderBy('shop').get();
    assert.deepEqual(rows.map((r) => [r.shop, r.sku, Number(r.price)]), [
      ['a', 'x', 2],
      ['b', 'x', 3],
    ]);
  });

  test('rows past the parameter limit: several statements in one transaction, inserts and updates alike', async () => {
    const MANY = 20_000; // 4 values a row: 80,000, past every engine's limit
    const rows = Array.from({ length: MANY }, (_, i) => ({ code: i === 0 ? 'AF1' : `F${i}`, seats: i, airline: 'M', note: `n${i}` }));
    let affected = 0;
    const all = await sent(async () => {
      affected = await db.table('flights').upsert(rows, 'code');
    });
    assert.equal(all.filter((s) => /^insert/i.test(s)).length, engine.name === 'sqlite' ? 3 : 2);
    assert.match(all[0], /^(BEGIN|START TRANSACTION)/i);
    assert.equal(await db.table('flights').count(), MANY + 1);
    assert.deepEqual((await flights()).find((r) => r[0] === 'AF1'), ['AF1', 0, 'M', 'n0']);
    assert.deepEqual((await flights()).find((r) => r[0] === 'F19999'), ['F19999', 19_999, 'M', 'n19999']);
    assert.equal(affected, MANY + (engine.name === 'mariadb' ? 1 : 0));
  });

  test('two rows with the same unique key in one call: PostgreSQL refuses, the others keep the last', async () => {
    const rows = [
      { code: 'DUP', seats: 1 },
      { code: 'DUP', seats: 2 },
    ];
    if (engine.name === 'postgres') {
      await assert.rejects(db.table('flights').upsert(rows, 'code'), (error: unknown) => {
        assert.ok(error instanceof QueryError);
        assert.match(error.message, /cannot affect row a second time/);
        return true;
      });
      assert.equal(await db.table('flights').where('code', 'DUP').count(), 0);
    } else {
      await db.table('flights').upsert(rows, 'code');
      assert.deepEqual(await db.table('flights').where('code', 'DUP').pluck('seats').then((s) => s.map(Number)), [2]);
    }
  });

  test('uniqueBy must be a unique index on PostgreSQL and SQLite: the server says so', async () => {
    const call = () => db.table('flights').upsert({ code: 'AF1', seats: 1, airline: 'AF' }, 'airline');
    if (engine.name === 'mariadb') {
      // MySQL/MariaDB take the conflict on any unique key, whatever uniqueBy names.
      await call();
      assert.deepEqual((await flights())[0], ['AF1', 1, 'AF', null]);
    } else {
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof QueryError, String(error));
        assert.match(error.message, /no unique or exclusion constraint matching the ON CONFLICT|ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint/);
        return true;
      });
      assert.deepEqual((await flights())[0], ['AF1', 100, 'AF', null]);
    }
  });

  test('the compiled-SQL cache tells the update lists apart', async () => {
    const row = { code: 'AF1', seats: 7, airline: 'A7' };
    await db.table('flights').upsert(row, 'code', ['seats']);
    assert.deepEqual((await flights())[0], ['AF1', 7, 'AF', null]);
    await db.table('flights').upsert({ ...row, seats: 8, airline: 'A8' }, 'code', ['airline']);
    assert.deepEqual((await flights())[0], ['AF1', 7, 'A8', null]);
    await db.table('flights').upsert({ ...row, seats: 9, airline: 'A9' }, 'code', []);
    assert.deepEqual((await flights())[0], ['AF1', 7, 'A8', null]);
    await db.table('flights').upsert({ ...row, seats: 10, airline: 'A10' }, 'code', { note: 'given' });
    assert.deepEqual((await flights())[0], ['AF1', 7, 'A8', 'given']);
    await db.table('flights').upsert({ ...row, seats: 11, airline: 'A11' }, 'code');
    assert.deepEqual((await flights())[0], ['AF1', 11, 'A11', 'given']);
  });

  test('names that need quoting are quoted by Kysely, in the conflict clause too', async () => {
    const q = (name: string) => (engine.name === 'mariadb' ? `\`${name}\`` : `"${name}"`);
    await db.statement(`CREATE TABLE ${q('odd table')} (${q('the key')} VARCHAR(10) PRIMARY KEY, ${q("hit's count")} INT)`);
    const odd = () => db.table('odd table');
    await odd().upsert({ 'the key': 'a', "hit's count": 1 }, 'the key');
    await odd().upsert({ 'the key': 'a', "hit's count": 5 }, 'the key');
    await odd().where('the key', 'a').increment("hit's count", 2);
    assert.deepEqual(await odd().pluck("hit's count").then((v) => v.map(Number)), [7]);
  });

  async function refused(call: () => Promise<unknown>, says: RegExp): Promise<void> {
    const all = await sent(() =>
      assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof QueryError, String(error));
        assert.ok(error.message.startsWith('Connection [db]: upsert() '), error.message);
        assert.match(error.message, says);
        return true;
      }),
    );
    assert.deepEqual(all, [], 'nothing was sent');
  }

  test('input it cannot turn into SQL is refused, nothing sent', async () => {
    const t = () => db.table('flights');
    await refused(() => t().upsert([{ code: 'A', seats: 1 }, { code: 'B' }], 'code'), /same columns: rows\[1\] has no "seats"/);
    await refused(() => t().upsert([{ code: 'A' }, { code: 'B', seats: 1 }], 'code'), /same columns: rows\[1\] has "seats", which rows\[0\] does not/);
    await refused(() => t().upsert({ code: 'A' }, []), /at least one uniqueBy column/);
    await refused(() => t().upsert({ code: 'A' }, 5 as unknown as string), /uniqueBy as a column name or a list of them, got 5/);
    await refused(() => t().upsert({ code: 'A', seats: 1 }, 'code', ['note']), /updates "note", which the rows do not insert/);
    await refused(() => t().upsert({ code: 'A', seats: undefined }, 'code'), /cannot bind the value for "seats": it is undefined/);
    await refused(() => t().upsert({ code: 'A' }, 'code', { seats: () => 1 }), /cannot bind the value for "seats": it is a function/);
    await refused(() => t().upsert([{}], 'code'), /needs at least one column value/);
    assert.equal(await db.table('flights').upsert([], 'code'), 0);
  });

  test('a read-only connection refuses it', async () => {
    await assert.rejects(DB.connection('ro').table('flights').upsert({ code: 'AF1', seats: 1 }, 'code'), ReadOnlyError);
    assert.deepEqual((await flights())[0], ['AF1', 100, 'AF', null]);
  });
});
