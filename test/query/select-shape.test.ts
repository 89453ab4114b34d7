import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachEngine } from '../support/engines.js';
import { ids, useShop } from './shop-fixture.js';

/**
 * The compiled-SQL cache keys SQL by the query's shape (select-shape.ts): queries that
 * differ only in what they write as SQL text (raw pieces, joins, subqueries), with the same
 * values bound, must each run their own SQL. Each pair below runs twice in alternating
 * order, so a shared key would hand the second query the first one's SQL.
 */
describeEachEngine('compiled SQL cache shapes', (engine) => {
  const shop = useShop(engine);
  const orders = () => shop.db.table('orders').orderBy('id');
  const o = () => shop.db.table('orders as o').orderBy('o.id');
  const numbers = (values: unknown[]) => values.map(Number);

  const pairs: [string, [() => Promise<unknown>, unknown], [() => Promise<unknown>, unknown]][] = [
    ['raw condition text', [async () => ids(await orders().whereRaw('total > ?', [100]).get()), [2, 4]], [async () => ids(await orders().whereRaw('total < ?', [100]).get()), [3, 5]]],
    [
      'raw selection text',
      [async () => Number((await orders().selectRaw('total + ? AS v', [1]).where('id', 1).first())?.v), 101],
      [async () => Number((await orders().selectRaw('total - ? AS v', [1]).where('id', 1).first())?.v), 99],
    ],
    [
      'raw order text',
      [async () => numbers(await shop.db.table('orders').orderByRaw('total').pluck('id')), [5, 3, 1, 2, 4]],
      [async () => numbers(await shop.db.table('orders').orderByRaw('created_day DESC, id').pluck('id')), [5, 4, 2, 3, 1]],
    ],
    ['raw group text', [() => shop.db.table('orders').groupByRaw('status').count(), 3], [() => shop.db.table('orders').groupByRaw('user_id').count(), 4]],
    [
      'raw having text',
      [() => shop.db.table('orders').groupBy('user_id').havingRaw('COUNT(*) > ?', [1]).count(), 1],
      [() => shop.db.table('orders').groupBy('user_id').havingRaw('COUNT(*) = ?', [1]).count(), 3],
    ],
    [
      'join kind',
      [() => shop.db.table('orders as o').join('users as u', 'u.id', '=', 'o.user_id').count(), 4],
      [() => shop.db.table('orders as o').leftJoin('users as u', 'u.id', '=', 'o.user_id').count(), 5],
    ],
    [
      'join columns',
      [() => o().join('users as u', 'u.id', '=', 'o.user_id').pluck('u.name'), ['Ada', 'Ada', 'Bob', 'Cy']],
      [() => o().join('users as u', 'u.id', '=', 'o.id').pluck('u.name'), ['Ada', 'Bob', 'Cy', 'Dee']],
    ],
    [
      'join condition values vs columns',
      [async () => numbers(await o().join('users as u', (j) => j.on('u.id', '=', 'o.user_id').where('u.country', 'FR')).pluck('o.id')), [1, 2, 4]],
      [async () => numbers(await o().join('users as u', (j) => j.on('u.id', '=', 'o.user_id').where('u.name', 'FR')).pluck('o.id')), []],
    ],
    [
      'exists subquery',
      [async () => numbers(await o().whereExists((q) => q.from('items as i').whereColumn('i.order_id', 'o.id').where('i.qty', '>', 1)).pluck('o.id')), [1, 3]],
      [async () => numbers(await o().whereExists((q) => q.from('items as i').whereColumn('i.order_id', 'o.id').where('i.qty', '<', 1)).pluck('o.id')), []],
    ],
    [
      'exists or not',
      [async () => numbers(await o().whereExists((q) => q.from('items as i').whereColumn('i.order_id', 'o.id')).pluck('o.id')), [1, 3, 4]],
      [async () => numbers(await o().whereNotExists((q) => q.from('items as i').whereColumn('i.order_id', 'o.id')).pluck('o.id')), [2, 5]],
    ],
    [
      'in-subquery column',
      [async () => ids(await orders().whereIn('user_id', (q) => q.from('users').select('id').where('country', 'FR')).get()), [1, 2, 4]],
      [async () => ids(await orders().whereIn('id', (q) => q.from('users').select('id').where('country', 'FR')).get()), [1, 3]],
    ],
    ['between or not', [async () => ids(await orders().whereBetween('total', [75, 250]).get()), [1, 2, 3]], [async () => ids(await orders().whereNotBetween('total', [75, 250]).get()), [4, 5]]],
    ['column operator', [async () => ids(await orders().whereColumn('shipped_day', '>', 'created_day').get()), [1, 5]], [async () => ids(await orders().whereColumn('shipped_day', '<', 'created_day').get()), [4]]],
    [
      'aggregate of a grouped query vs of the table',
      [() => shop.db.table('orders').groupBy('user_id').count(), 4],
      [() => shop.db.table('orders').count(), 5],
    ],
  ];

  for (const [what, [first, firstExpected], [second, secondExpected]] of pairs) {
    test(`queries that differ in ${what} keep their own SQL`, async () => {
      for (let round = 0; round < 2; round++) {
        assert.deepEqual(await first(), firstExpected, `${what}: the first query, round ${round + 1}`);
        assert.deepEqual(await second(), secondExpected, `${what}: the second query, round ${round + 1}`);
      }
    });
  }
});
