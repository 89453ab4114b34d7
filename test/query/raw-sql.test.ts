import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachEngine } from '../support/engines.js';
import { refused } from './query-refusal.js';
import { ids, numeric, useShop } from './shop-fixture.js';

describeEachEngine('query builder raw pieces', (engine) => {
  const shop = useShop(engine);
  const orders = () => shop.db.table('orders');

  test('selectRaw, whereRaw and orWhereRaw bind their ? values, in order with the others', async () => {
    const rows = await orders()
      .select('id')
      .selectRaw('total * ? AS doubled', [2])
      .where('user_id', '<', 9)
      .whereRaw('total > ? AND status <> ?', [90, 'cancelled'])
      .orderBy('id')
      .get();
    assert.deepEqual(numeric(rows), [
      { id: 1, doubled: 200 },
      { id: 2, doubled: 500 },
    ]);
    assert.deepEqual(ids(await orders().where('status', 'cancelled').orWhereRaw('total < ?', [50]).orderBy('id').get()), [4, 5]);
    // A raw condition stays one condition: without its parentheses, order 4 would match too.
    assert.deepEqual(ids(await orders().where('user_id', 1).whereRaw('status = ? OR status = ?', ['paid', 'cancelled']).get()), [1]);
  });

  test('a ? in a string, a quoted name or a comment is text, not a placeholder', async () => {
    assert.deepEqual(ids(await orders().whereRaw("COALESCE(note, '?') = ?", ['?']).orderBy('id').get()), [1, 4, 5]);
    assert.deepEqual(ids(await orders().whereRaw("note = 'what?' OR total = ? /* ? */", [75]).orderBy('id').get()), [2, 3]);
    // A line comment at the end of a piece ends there: what follows it in the statement still runs.
    assert.deepEqual(ids(await orders().whereRaw('total > ? -- more than ?', [200]).orderBy('id').get()), [2, 4]);
  });

  test('orderByRaw, groupByRaw and havingRaw', async () => {
    assert.deepEqual(ids(await orders().orderByRaw('CASE WHEN status = ? THEN 0 ELSE 1 END', ['pending']).orderBy('id').get()), [2, 1, 3, 4, 5]);
    const groups = await orders()
      .selectRaw('LOWER(status) AS s, COUNT(*) AS n')
      .groupByRaw('LOWER(status)')
      .havingRaw('COUNT(*) > ?', [1])
      .get();
    assert.deepEqual(numeric(groups), [{ s: 'paid', n: 3 }]);
    assert.deepEqual(
      numeric(await orders().select('user_id').selectRaw('SUM(total) AS spent').groupBy('user_id').havingRaw('SUM(total) >= ?', [300]).orderBy('user_id').get()),
      [
        { user_id: 1, spent: 350 },
        { user_id: 3, spent: 300 },
      ],
    );
  });

  if (engine.name === 'postgres') {
    test('?? is a literal ? on PostgreSQL (the jsonb operators), as in raw SQL', async () => {
      // Text cast to jsonb (a parameter typed jsonb would be sent as a JSON string).
      assert.equal(await orders().whereRaw("CAST(CAST(? AS text) AS jsonb) ?? 'a'", ['{"a": 1}']).count(), 5);
      assert.equal(await orders().whereRaw("CAST(CAST(? AS text) AS jsonb) ?? 'b'", ['{"a": 1}']).count(), 0);
      const { sql } = orders().whereRaw("CAST(CAST(? AS text) AS jsonb) ?? 'a'", ['{}']).toSql();
      assert.match(sql, /CAST\(CAST\(\$1 AS text\) AS jsonb\) \? 'a'/);
    });
  } else {
    test('?? is refused where ? is the engine’s own placeholder', async () => {
      await refused('whereRaw', () => orders().whereRaw("note ?? 'a'").get(), /"\?\?"/);
    });
  }

  test('raw pieces whose bindings do not fit are QueryErrors naming the method, and nothing is sent', async () => {
    await refused('whereRaw', () => orders().whereRaw('total > ? AND id < ?', [1]).get(), /has 2 placeholders \(\?\) and 1 binding/);
    await refused('selectRaw', () => orders().selectRaw('total', [1]).get(), /has 0 placeholders \(\?\) and 1 binding/);
    await refused('orderByRaw', () => orders().orderByRaw('?', [undefined]).get(), /cannot bind bindings\[0\]: it is undefined/);
    await refused('havingRaw', () => orders().havingRaw('COUNT(*) > ?', 1 as never).get(), /takes its bindings as an array/);
    await refused('groupByRaw', () => orders().groupByRaw('').get(), /takes SQL text/);
    await refused('orWhereRaw', () => orders().orWhereRaw(42 as never).get(), /takes SQL text, got 42/);
    await refused('whereRaw', () => orders().whereRaw('id = ?1', [1]).get(), /numbered placeholder/);
    if (engine.name === 'postgres') await refused('whereRaw', () => orders().whereRaw('id = $1', [1]).get(), /\$1 placeholder/);
  });
});
