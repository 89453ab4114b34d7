import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Connection, DB, DatabaseError, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine('query builder', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = Connection.getInstance('db');
    await db.statement(
      `CREATE TABLE orders (${autoIncrement(engine.driver)}, user_id INT, total INT, status VARCHAR(20), note VARCHAR(50))`,
    );
    await db.table('orders').insert([
      { user_id: 1, total: 100, status: 'pending', note: null },
      { user_id: 1, total: 250, status: 'paid', note: "it's" },
      { user_id: 2, total: 75, status: 'pending', note: 'x' },
      { user_id: 3, total: 300, status: 'cancelled', note: null },
    ]);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  const totals = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.total));

  test('where in its forms, orWhere grouping, orderBy, limit and offset', async () => {
    const orders = db.table('orders');
    assert.deepEqual(totals(await orders.where('status', 'pending').orderBy('total').get()), [75, 100]);
    assert.deepEqual(totals(await orders.where('total', '>', 99).orderBy('total', 'desc').get()), [300, 250, 100]);
    assert.deepEqual(totals(await orders.where({ user_id: 1, status: 'paid' }).get()), [250]);
    // (user_id = 1 AND status = 'pending') OR total = 300
    assert.deepEqual(
      totals(await orders.where('user_id', 1).where('status', 'pending').orWhere('total', 300).orderBy('id').get()),
      [100, 300],
    );
    // user_id = 2 AND (status = 'paid' OR total < 80)
    assert.deepEqual(
      totals(await orders.where('user_id', 2).where((q) => q.where('status', 'paid').orWhere('total', '<', 80)).get()),
      [75],
    );
    assert.deepEqual(totals(await orders.orderBy('id').limit(2).offset(1).get()), [250, 75]);
    assert.deepEqual(totals(await orders.orderBy('id').offset(3).get()), [300]);
  });

  test('whereIn, whereNotIn (empty lists too), whereNull, whereNotNull', async () => {
    const orders = db.table('orders').orderBy('id');
    assert.deepEqual(totals(await orders.whereIn('user_id', [2, 3]).get()), [75, 300]);
    assert.deepEqual(totals(await orders.whereNotIn('user_id', [1]).get()), [75, 300]);
    assert.deepEqual(await orders.whereIn('user_id', []).get(), []);
    assert.equal((await orders.whereNotIn('user_id', []).get()).length, 4);
    assert.deepEqual(totals(await orders.whereNull('note').get()), [100, 300]);
    assert.deepEqual(totals(await orders.whereNotNull('note').get()), [250, 75]);
    assert.deepEqual(totals(await orders.where('note', null).get()), [100, 300]);
  });

  test('first, find, value, pluck, count, exists and aggregates', async () => {
    const orders = db.table('orders');
    const first = await orders.orderBy('total', 'desc').first();
    assert.equal(Number(first?.total), 300);
    assert.equal(await orders.where('status', 'nope').first(), null);
    assert.equal(Number((await orders.find(2))?.total), 250);
    assert.equal(await orders.where('id', 3).value('status'), 'pending');
    assert.deepEqual(await orders.orderBy('id').pluck('status'), ['pending', 'paid', 'pending', 'cancelled']);
    assert.equal(await orders.count(), 4);
    assert.equal(await orders.where('status', 'pending').count(), 2);
    assert.equal(await orders.where('status', 'paid').exists(), true);
    assert.equal(await orders.where('status', 'refunded').exists(), false);
    assert.equal(await orders.sum('total'), 725);
    assert.equal(Number(await orders.min('total')), 75);
    assert.equal(Number(await orders.max('total')), 300);
    assert.equal(await orders.where('user_id', 1).avg('total'), 175);
  });

  test('select chooses columns, with aliases', async () => {
    const row = await db.table('orders').select('status', 'total as amount').where('id', 1).first();
    assert.deepEqual({ ...row, amount: Number(row?.amount) }, { status: 'pending', amount: 100 });
  });

  test('insert, insertGetId, update and delete', async () => {
    const id = await db.table('orders').insertGetId({ user_id: 9, total: 5, status: 'new' });
    assert.ok(Number(id) > 4);
    assert.equal(await db.table('orders').where('id', id).update({ status: 'paid', total: 6 }), 1);
    assert.deepEqual(await db.table('orders').where('id', id).first(), {
      id: Number(id),
      user_id: 9,
      total: 6,
      status: 'paid',
      note: null,
    });
    assert.equal(await db.table('orders').where('user_id', 9).delete(), 1);
    assert.equal(await db.table('orders').where('user_id', 9).exists(), false);
  });

  test('builders are immutable: a derived query leaves its base untouched', async () => {
    const base = db.table('orders').where('user_id', 1);
    const narrowed = base.where('status', 'paid');
    assert.equal((await base.get()).length, 2);
    assert.equal((await narrowed.get()).length, 1);
    assert.equal((await base.get()).length, 2);
  });

  test('awaiting a builder runs get()', async () => {
    const rows = await db.table('orders').where('status', 'cancelled');
    assert.deepEqual(totals(rows), [300]);
  });

  test('values are bound and identifiers quoted: nothing is spliced into SQL', async () => {
    const evil = "x' OR '1'='1";
    assert.deepEqual(await db.table('orders').where('status', evil).get(), []);
    const { sql, bindings } = db.table('orders').where('status', evil).toSQL();
    assert.ok(!sql.includes(evil));
    assert.deepEqual(bindings, [evil]);
    // A column name is an identifier: a quote in it cannot end the identifier.
    await assert.rejects(db.table('orders').where('status" = status OR "1', 1).get(), QueryError);
    assert.throws(() => db.table('orders').where('id', '; DROP TABLE orders; --', 1), DatabaseError);
    assert.equal(await db.table('orders').count(), 4);
  });

  test('toSql() shows the SQL and bindings on the builder\'s engine, and runs nothing (toSQL() is the same)', async () => {
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    const query = db.table('orders').where('status', 'paid').whereRaw('total > ?', [100]).orderBy('id').limit(5);
    const shown = query.toSql();
    stop();
    assert.deepEqual(sent, []);
    assert.deepEqual(shown.bindings, ['paid', 100]);
    const q = engine.driver === 'mysql' ? '`' : '"';
    const [first, second] = engine.driver === 'pgsql' ? ['$1', '$2'] : ['?', '?'];
    assert.equal(shown.sql, `select * from ${q}orders${q} where (${q}status${q} = ${first} and (total > ${second})) order by ${q}id${q} asc limit 5`);
    assert.deepEqual(query.toSQL(), shown);
    // What it shows is what get() runs.
    const ran: { sql: string; bindings: readonly unknown[] }[] = [];
    const again = DB.listen((event) => ran.push({ sql: event.sql, bindings: event.bindings }));
    assert.deepEqual(totals(await query.get()), [250]);
    again();
    assert.deepEqual(ran, [shown]);
  });

  test('the same query shape with new values gives new results (compiled SQL is cached per shape)', async () => {
    for (const [user, expected] of [[1, 2], [2, 1], [3, 1], [4, 0]] as const) {
      assert.equal((await db.table('orders').where('user_id', user).get()).length, expected);
    }
  });
});
