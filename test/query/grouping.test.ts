import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachEngine } from '../support/engines.js';
import { refused } from './query-refusal.js';
import { numeric, useShop } from './shop-fixture.js';

describeEachEngine('query builder grouping', (engine) => {
  const shop = useShop(engine);
  const orders = () => shop.db.table('orders');

  test('groupBy with having and orHaving', async () => {
    const spent = () => orders().select('user_id').selectRaw('SUM(total) AS spent').groupBy('user_id').orderBy('user_id');
    assert.deepEqual(numeric(await spent().having('user_id', '<', 9).get()), [
      { user_id: 1, spent: 350 },
      { user_id: 2, spent: 75 },
      { user_id: 3, spent: 300 },
    ]);
    assert.deepEqual(numeric(await spent().having('user_id', 1).orHaving('user_id', '=', 3).get()), [
      { user_id: 1, spent: 350 },
      { user_id: 3, spent: 300 },
    ]);
    // Several columns, qualified, with a join.
    const byCountry = await shop.db
      .table('orders as o')
      .join('users as u', 'u.id', '=', 'o.user_id')
      .select('u.country', 'o.status')
      .selectRaw('COUNT(*) AS n')
      .groupBy('u.country', 'o.status')
      .orderBy('u.country')
      .orderBy('o.status')
      .get();
    assert.deepEqual(numeric(byCountry), [
      { country: 'FR', status: 'cancelled', n: 1 },
      { country: 'FR', status: 'paid', n: 1 },
      { country: 'FR', status: 'pending', n: 1 },
      { country: 'US', status: 'paid', n: 1 },
    ]);
  });

  test('an aggregate of a grouped or distinct query reads its rows: count() is the number of rows get() returns', async () => {
    const perUser = () => orders().groupBy('user_id');
    assert.equal(await perUser().count(), 4);
    assert.equal((await perUser().select('user_id').get()).length, 4);
    assert.equal(await perUser().havingRaw('COUNT(*) > ?', [1]).count(), 1);
    const spent = () => orders().select('user_id').selectRaw('SUM(total) AS spent').groupBy('user_id');
    assert.equal(Number(await spent().max('spent')), 350);
    assert.equal(Number(await spent().min('spent')), 40);
    assert.equal(await spent().sum('spent'), 765);
    assert.equal(await spent().avg('spent'), 765 / 4);
    assert.equal(await orders().distinct().select('user_id').count(), 4);
    assert.deepEqual(await orders().distinct().select('status').orderBy('status').pluck('status'), ['cancelled', 'paid', 'pending']);
    assert.equal(await orders().distinct().select('status').count(), 3);
    // Without grouping the aggregate reads the table, as before.
    assert.equal(await orders().count(), 5);
    assert.equal(await orders().where('status', 'paid').sum('total'), 215);
  });

  test('exists() of a grouped query', async () => {
    assert.equal(await orders().groupBy('user_id').havingRaw('COUNT(*) > ?', [1]).exists(), true);
    assert.equal(await orders().groupBy('user_id').havingRaw('COUNT(*) > ?', [2]).exists(), false);
    assert.equal(await orders().distinct().select('status').where('status', 'refunded').exists(), false);
  });

  test('grouping input that cannot become SQL is a QueryError naming the method', async () => {
    await refused('groupBy', () => orders().groupBy(42 as never).get(), /takes a column name, got 42/);
    await refused('having', () => orders().groupBy('user_id').having('user_id', '>', null).get(), /cannot compare "user_id" > null/);
    await refused('having', () => orders().having((() => 1) as never, 1).get(), /takes a column name, got a function/);
    await refused('orHaving', () => orders().orHaving('user_id', 'between', 1).get(), /does not know the operator/);
    await refused('update', () => orders().groupBy('user_id').update({ status: 'x' }), /groupBy\(\)/);
  });
});
