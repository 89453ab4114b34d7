import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Model, type ModelQuery, type QueryBuilder } from '../../src/index.js';
import { refused } from '../query/query-refusal.js';
import { useShop } from '../query/shop-fixture.js';
import { describeEachEngine } from '../support/engines.js';

/** The query builder's where/join/group vocabulary on model queries and model statics (Eloquent forwards them too). */
describeEachEngine('model query clauses', (engine) => {
  const shop = useShop(engine);

  class User extends Model {
    static table = 'users';
    static connection = 'db';
    declare id: number;
    declare name: string;
    orders() {
      return this.hasMany(Order, 'user_id', 'id');
    }
  }
  class Order extends Model {
    static table = 'orders';
    static connection = 'db';
    static casts = { total: 'number' } as const;
    declare id: number;
    declare user_id: number;
    declare total: number;
    declare status: string;
  }
  /** The same table through the connection `other`. */
  class OtherUser extends Model {
    static table = 'users';
    static connection = 'other';
    declare id: number;
  }

  const ids = (models: readonly { id: number }[]) => models.map((m) => Number(m.id));

  test('whereBetween, whereColumn and whereRaw, as statics and on queries, give models', async () => {
    const between: Order[] = await Order.whereBetween('total', [75, 250]).orderBy('id').get();
    assert.deepEqual(ids(between), [1, 2, 3]);
    assert.ok(between.every((order) => order instanceof Order));
    assert.deepEqual(ids(await Order.whereNotBetween('total', [75, 250]).orderBy('id').get()), [4, 5]);
    assert.deepEqual(ids(await Order.where('status', 'cancelled').orWhereBetween('total', [40, 75]).orderBy('id').get()), [3, 4, 5]);
    assert.deepEqual(ids(await Order.whereColumn('shipped_day', '>', 'created_day').orderBy('id').get()), [1, 5]);
    assert.deepEqual(ids(await Order.whereColumn('shipped_day', 'created_day').get()), [3]);
    assert.deepEqual(ids(await Order.where('id', 4).orWhereColumn('shipped_day', 'created_day').orderBy('id').get()), [3, 4]);
    assert.deepEqual(ids(await Order.whereRaw('total > ?', [200]).orderBy('id').get()), [2, 4]);
    assert.deepEqual(ids(await Order.where('id', 1).orWhereRaw('total < ?', [50]).orderBy('id').get()), [1, 5]);
  });

  test('whereExists and whereIn with a subquery of the same connection: a builder, a callback or a model query', async () => {
    const paidOrder = (q: QueryBuilder) =>
      q.from('orders').whereColumn('orders.user_id', 'users.id').where('orders.status', 'paid');
    assert.deepEqual(ids(await User.whereExists(paidOrder).orderBy('id').get()), [1, 2]);
    assert.deepEqual(ids(await User.whereNotExists(paidOrder).orderBy('id').get()), [3, 4]);
    assert.deepEqual(ids(await User.where('id', 4).orWhereExists(paidOrder).orderBy('id').get()), [1, 2, 4]);
    const french = User.select('id').where('country', 'FR');
    assert.deepEqual(ids(await Order.whereIn('user_id', french).orderBy('id').get()), [1, 2, 4]);
    assert.deepEqual(ids(await Order.whereNotIn('user_id', User.select('id')).get()), [5]);
    assert.deepEqual(ids(await Order.whereIn('user_id', shop.db.table('users').select('id').where('name', 'Bob')).get()), [3]);
    assert.deepEqual(ids(await Order.query().whereIn('user_id', (q) => q.from('users').select('id').where('active', 0)).get()), [4]);
    assert.deepEqual(ids(await Order.where('id', 5).orWhereIn('user_id', User.select('id').where('name', 'Bob')).orderBy('id').get()), [3, 5]);
    // A model query in a subquery keeps its own conditions' values in order with the outer ones.
    const sandwiched = Order.where('total', '>', 50).whereIn('user_id', User.select('id').where('country', 'FR')).where('status', '<>', 'cancelled');
    assert.deepEqual(sandwiched.toSql().bindings, [50, 'FR', 'cancelled']);
    assert.deepEqual(ids(await sandwiched.orderBy('id').get()), [1, 2]);
  });

  test('when(condition, q => ..., otherwise?) on model queries and as a static', async () => {
    const byStatus = (status: string | undefined): ModelQuery<Order> => Order.when(status, (q, s) => q.where('status', s)).orderBy('id');
    assert.deepEqual(ids(await byStatus('paid').get()), [1, 3, 5]);
    assert.deepEqual(ids(await byStatus(undefined).get()), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids(await Order.query().when(false, (q) => q.where('id', 1), (q) => q.where('id', 2)).get()), [2]);
  });

  test('joins, grouping and raw pieces on a model query stay on its connection', async () => {
    const withNames = await Order.query()
      .join('users as u', 'u.id', '=', 'orders.user_id')
      .select('orders.*', 'u.name as user_name')
      .where('u.country', 'FR')
      .orderBy('orders.id')
      .get();
    assert.deepEqual(
      withNames.map((order) => [order.id, order.total, (order as Order & { user_name: string }).user_name]),
      [
        [1, 100, 'Ada'],
        [2, 250, 'Ada'],
        [4, 300, 'Cy'],
      ],
    );
    assert.equal(await Order.query().leftJoin('users as u', 'u.id', '=', 'orders.user_id').whereNull('u.id').count(), 1);
    assert.equal(await Order.query().groupBy('status').count(), 3);
    const spent = await Order.query().select('user_id').selectRaw('SUM(total) AS spent').groupBy('user_id').havingRaw('SUM(total) > ?', [100]).orderByRaw('SUM(total) DESC').get();
    assert.deepEqual(
      spent.map((row) => [Number(row.user_id), Number((row as Order & { spent: unknown }).spent)]),
      [
        [1, 350],
        [3, 300],
      ],
    );
    assert.deepEqual(ids(await Order.query().groupBy('id', 'user_id').having('user_id', '>', 2).orderBy('id').select('id').get()), [4, 5]);
  });

  test('a subquery of another connection, or one with pending relation filters, is a QueryError', async () => {
    await refused('whereIn', () => Order.whereIn('user_id', OtherUser.select('id')).get(), /never crosses connections \(between models, use whereHas\(\)\)/);
    await refused('whereExists', () => User.whereExists(shop.other.table('orders')).get(), /never crosses connections/);
    await refused('whereNotIn', () => Order.whereNotIn('user_id', User.whereHas('orders').select('id')).get(), /whereHas\/whereDoesntHave as a subquery/);
    await refused('when', () => Order.when(true, () => undefined as never).get(), /must return the query it was given/);
    await refused('whereBetween', () => Order.whereBetween('total', [1, null]).get(), /BETWEEN null/);
    await refused('join', () => Order.query().join('users as u', (j) => j).get(), /needs at least one condition/);
  });
});
