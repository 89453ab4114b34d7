import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachEngine } from '../support/engines.js';
import { refused } from './query-refusal.js';
import { ids, useShop } from './shop-fixture.js';

describeEachEngine('query builder conditions', (engine) => {
  const shop = useShop(engine);
  const orders = () => shop.db.table('orders').orderBy('id');

  test('whereBetween, whereNotBetween and their or- forms (both ends included)', async () => {
    assert.deepEqual(ids(await orders().whereBetween('total', [75, 250]).get()), [1, 2, 3]);
    assert.deepEqual(ids(await orders().whereNotBetween('total', [75, 250]).get()), [4, 5]);
    assert.deepEqual(ids(await orders().where('status', 'cancelled').orWhereBetween('total', [40, 75]).get()), [3, 4, 5]);
    assert.deepEqual(ids(await orders().where('id', 1).orWhereNotBetween('total', [50, 400]).get()), [1, 5]);
    // NOT BETWEEN stays one condition next to an OR.
    assert.deepEqual(ids(await orders().where('status', 'paid').whereNotBetween('total', [50, 400]).orWhere('id', 2).get()), [2, 5]);
  });

  test('whereColumn and orWhereColumn compare two columns', async () => {
    assert.deepEqual(ids(await orders().whereColumn('shipped_day', '>', 'created_day').get()), [1, 5]);
    assert.deepEqual(ids(await orders().whereColumn('shipped_day', 'created_day').get()), [3]);
    assert.deepEqual(ids(await orders().where('id', 4).orWhereColumn('shipped_day', '=', 'created_day').get()), [3, 4]);
    const joined = await shop.db.table('orders as o').join('users as u', 'u.id', '=', 'o.user_id').whereColumn('o.user_id', '<', 'o.created_day').orderBy('o.id').pluck('o.id');
    assert.deepEqual(joined.map(Number), [2]);
  });

  test('whereExists / whereNotExists with a subquery on the same connection, as a callback or a builder', async () => {
    const bigItem = (q: ReturnType<typeof shop.db.table>) => q.from('items as i').whereColumn('i.order_id', 'o.id').where('i.qty', '>', 1);
    const o = () => shop.db.table('orders as o').orderBy('o.id');
    assert.deepEqual((await o().whereExists(bigItem).pluck('o.id')).map(Number), [1, 3]);
    assert.deepEqual((await o().whereNotExists((q) => q.from('items as i').whereColumn('i.order_id', 'o.id')).pluck('o.id')).map(Number), [2, 5]);
    const items = shop.db.table('items as i').whereColumn('i.order_id', 'o.id');
    assert.deepEqual((await o().whereExists(items).pluck('o.id')).map(Number), [1, 3, 4]);
    assert.deepEqual((await o().where('o.id', 2).orWhereExists(bigItem).pluck('o.id')).map(Number), [1, 2, 3]);
    assert.deepEqual((await o().where('o.id', 1).orWhereNotExists(items).pluck('o.id')).map(Number), [1, 2, 5]);
  });

  test('whereIn / whereNotIn with a subquery: values bound in order with the rest of the query', async () => {
    const french = shop.db.table('users').select('id').where('country', 'FR');
    assert.deepEqual(ids(await orders().whereIn('user_id', french).get()), [1, 2, 4]);
    assert.deepEqual(ids(await orders().whereNotIn('user_id', (q) => q.from('users').select('id')).get()), [5]);
    assert.deepEqual(ids(await orders().where('id', 5).orWhereIn('user_id', (q) => q.from('users').select('id').where('name', 'Bob')).get()), [3, 5]);
    assert.deepEqual(ids(await orders().where('id', 3).orWhereNotIn('user_id', (q) => q.from('users').select('id')).get()), [3, 5]);
    const sandwiched = orders()
      .where('total', '>', 50)
      .whereIn('user_id', (q) => q.from('users').select('id').where('country', 'FR').where('active', 1))
      .where('status', '<>', 'cancelled');
    assert.deepEqual(ids(await sandwiched.get()), [1, 2]);
    assert.deepEqual(sandwiched.toSql().bindings, [50, 'FR', 1, 'cancelled']);
  });

  test('when(condition, q => ..., otherwise?) applies one callback or none', async () => {
    const byStatus = (status: string) => orders().when(status, (q, s) => q.where('status', s));
    assert.deepEqual(ids(await byStatus('paid').get()), [1, 3, 5]);
    assert.deepEqual(ids(await byStatus('').get()), [1, 2, 3, 4, 5]);
    assert.deepEqual(
      ids(await orders().when(false, (q) => q.where('id', 1), (q) => q.where('id', 2)).get()),
      [2],
    );
    assert.deepEqual(ids(await orders().when(0, (q) => q.where('id', 1)).get()), [1, 2, 3, 4, 5]);
  });

  test('a subquery of another connection is refused, even on the same database: a query never crosses connections', async () => {
    const elsewhere = shop.other.table('users').select('id');
    await refused('whereIn', () => orders().whereIn('user_id', elsewhere).get(), /that one is on \[other\]: a query never crosses connections/);
    await refused('whereExists', () => orders().whereExists(shop.other.table('items')).get(), /never crosses connections/);
    await refused('whereNotIn', () => orders().whereNotIn('user_id', () => elsewhere).get(), /never crosses connections/);
    await refused('when', () => orders().when(true, () => shop.other.table('orders')).get(), /must return the query it was given/);
    await refused('where', () => orders().where(() => shop.other.table('orders').where('id', 1)).get(), /must return the query it was given/);
  });

  test('conditions that cannot become SQL are QueryErrors naming the method, and nothing is sent', async () => {
    await refused('whereBetween', () => orders().whereBetween('total', [1] as never).get(), /takes the range as \[low, high\], got an array/);
    await refused('whereBetween', () => orders().whereBetween('total', [null, 5]).get(), /BETWEEN null matches no row/);
    await refused('whereNotBetween', () => orders().whereNotBetween('total', [1, undefined]).get(), /the high end of the range: it is undefined/);
    await refused('orWhereBetween', () => orders().orWhereBetween('total', 5 as never).get(), /\[low, high\]/);
    await refused('whereColumn', () => orders().whereColumn('a', 'is', 'b').get(), /compares two columns/);
    await refused('whereColumn', () => orders().whereColumn('a', '; drop', 'b').get(), /does not know the operator/);
    await refused('orWhereColumn', () => (orders().orWhereColumn as (a: string) => ReturnType<typeof orders>)('a').get(), /takes \(first, operator, second\)/);
    await refused('whereIn', () => orders().whereIn('user_id', (q) => q.from('users')).get(), /selects one column.*it selects 0/);
    await refused('whereIn', () => orders().whereIn('user_id', (q) => q.select('id')).get(), /subquery names no table/);
    await refused('whereExists', () => orders().whereExists(() => 'users' as never).get(), /takes a query or a callback that returns one/);
    await refused('whereIn', () => orders().whereIn('user_id', 7 as never).get(), /takes an array of values, got 7/);
    await refused('when', () => orders().when(true, () => undefined as never).get(), /must return the query it was given/);
    await refused('when', () => orders().when(false, (q) => q, 'x' as never).get(), /takes callbacks/);
  });
});
