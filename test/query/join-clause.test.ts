import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachEngine } from '../support/engines.js';
import { refused } from './query-refusal.js';
import { numeric, useShop } from './shop-fixture.js';

describeEachEngine('query builder joins', (engine) => {
  const shop = useShop(engine);

  test('join(table, first, op, second) with aliases and qualified columns; (table, first, second) means =', async () => {
    const rows = await shop.db
      .table('orders as o')
      .join('users as u', 'u.id', '=', 'o.user_id')
      .select('o.id as order_id', 'u.name')
      .where('u.country', 'FR')
      .orderBy('o.id')
      .get();
    assert.deepEqual(numeric(rows), [
      { order_id: 1, name: 'Ada' },
      { order_id: 2, name: 'Ada' },
      { order_id: 4, name: 'Cy' },
    ]);
    const short = await shop.db.table('orders as o').join('users as u', 'u.id', 'o.user_id').orderBy('o.id').pluck('o.id');
    assert.deepEqual(short.map(Number), [1, 2, 3, 4]);
  });

  test('leftJoin keeps rows without a match, rightJoin keeps the joined table’s, crossJoin pairs every row', async () => {
    const noOrders = await shop.db.table('users as u').leftJoin('orders as o', 'o.user_id', '=', 'u.id').whereNull('o.id').pluck('u.name');
    assert.deepEqual(noOrders, ['Dee']);
    // RIGHT JOIN: SQLite has it since 3.39 (better-sqlite3 12 bundles a later one).
    const noUser = await shop.db.table('users as u').rightJoin('orders as o', 'o.user_id', '=', 'u.id').whereNull('u.id').pluck('o.id');
    assert.deepEqual(noUser.map(Number), [5]);
    assert.equal(await shop.db.table('users as u').crossJoin('items as i').count(), 16);
  });

  test('join(table, j => j.on(...).orOn(...).where(...)): several conditions, values bound', async () => {
    const paid = await shop.db
      .table('users as u')
      .join('orders as o', (j) => j.on('o.user_id', '=', 'u.id').where('o.status', 'paid'))
      .select('u.name', 'o.total')
      .orderBy('o.total')
      .get();
    assert.deepEqual(numeric(paid), [
      { name: 'Bob', total: 75 },
      { name: 'Ada', total: 100 },
    ]);
    // u.id = o.user_id OR u.id = o.id: (1,1) (2,1) (2,2) (3,2) (3,3) (4,3) (4,4)
    assert.equal(await shop.db.table('orders as o').join('users as u', (j) => j.on('u.id', '=', 'o.user_id').orOn('u.id', 'o.id')).count(), 7);
    // Grouped: (u.id = o.user_id AND o.total > 90) OR (u.id = o.id AND u.country = 'DE')
    const grouped = await shop.db
      .table('orders as o')
      .join('users as u', (j) =>
        j.on((g) => g.on('u.id', '=', 'o.user_id').where('o.total', '>', 90)).orOn((g) => g.on('u.id', '=', 'o.id').where('u.country', 'DE')),
      )
      .orderBy('o.id')
      .orderBy('u.name') // order 4 matches two users: without a second key the engine picks
      .select('o.id', 'u.name')
      .get();
    assert.deepEqual(numeric(grouped), [
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Ada' },
      { id: 4, name: 'Cy' },
      { id: 4, name: 'Dee' },
    ]);
    const listed = await shop.db
      .table('orders as o')
      .leftJoin('items as i', (j) => j.on('i.order_id', '=', 'o.id').whereIn('i.sku', ['A', 'C']).whereNotNull('i.qty'))
      .whereNotNull('i.id')
      .orderBy('o.id')
      .pluck('o.id');
    assert.deepEqual(listed.map(Number), [1, 3, 4]);
  });

  test('aggregates over joined rows', async () => {
    const french = () => shop.db.table('orders as o').join('users as u', 'u.id', '=', 'o.user_id').where('u.country', 'FR');
    assert.equal(await french().sum('o.total'), 650);
    assert.equal(Number(await french().max('o.total')), 300);
    assert.equal(Number(await french().min('o.total')), 100);
    assert.equal(await french().count(), 3);
    assert.equal(Math.round((await french().avg('o.total')) ?? 0), 217);
  });

  test('a locking read with a join, in a transaction', async () => {
    const rows = await shop.db.transaction(() =>
      shop.db.table('orders as o').join('users as u', 'u.id', '=', 'o.user_id').where('o.id', 2).select('o.id', 'u.name').lockForUpdate().get(),
    );
    assert.deepEqual(numeric(rows), [{ id: 2, name: 'Ada' }]);
    const shared = await shop.db.transaction(() => shop.db.table('orders as o').join('users as u', 'u.id', '=', 'o.user_id').where('o.id', 3).sharedLock().pluck('u.name'));
    assert.deepEqual(shared, ['Bob']);
  });

  test('joins that cannot become SQL are QueryErrors naming the method, and nothing is sent', async () => {
    const orders = () => shop.db.table('orders as o');
    await refused('join', () => orders().join('users as u', (j) => j).get(), /needs at least one condition/);
    await refused('leftJoin', () => orders().leftJoin('users as u', () => undefined as never).get(), /must return the join clause/);
    await refused('join', () => orders().join('users as u', 'u.id', 'between', 'o.user_id').get(), /does not know the operator "between"/);
    await refused('rightJoin', () => orders().rightJoin('users as u', 'u.id', 'is', 'o.user_id').get(), /compares two columns/);
    await refused('join', () => orders().join('users as u', 'u.id' as never).get(), /takes \(first, operator, second\) or \(first, second\)/);
    await refused('join', () => orders().join('users as u', (j) => j.on('u.id', '=', 'o.user_id').where('u.name', undefined)).get(), /undefined/);
    await refused('crossJoin', () => orders().crossJoin('').get(), /table name/);
    await refused('join', () => orders().join(42 as never, 'a', 'b').get(), /takes a table name, got 42/);
    // A write of a joined query would leave the join out and its conditions with it.
    await refused('update', () => orders().join('users as u', 'u.id', 'o.user_id').where('u.name', 'Ada').update({ status: 'x' }), /cannot run on a query with join\(\)/);
    await refused('delete', () => orders().join('users as u', 'u.id', 'o.user_id').delete(), /join\(\)/);
    assert.equal(await shop.db.table('orders').count(), 5);
  });
});
