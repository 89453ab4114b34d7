import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DB } from '../../src/index.js';
import { describeEachEngine } from '../support/engines.js';
import { ITEMS, range, usePieces } from './pieces-fixture.js';
import { refused } from './query-refusal.js';
import { ids, numeric } from './shop-fixture.js';

describeEachEngine('query builder paginate', (engine) => {
  const pieces = usePieces(engine);
  const items = () => pieces.db.table('items');

  test('a page of rows with the total, the page size, the page and the last page: two queries', async () => {
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    let page: Awaited<ReturnType<ReturnType<typeof items>['paginate']>>;
    try {
      page = await items().orderBy('id').paginate(100, 3);
    } finally {
      stop();
    }
    assert.deepEqual(ids(page.data), range(201, 300));
    assert.deepEqual({ ...page, data: undefined }, { data: undefined, total: ITEMS, perPage: 100, currentPage: 3, lastPage: 25 });
    assert.equal(sent.length, 2);
    const first = await items().orderBy('id').paginate();
    assert.deepEqual(ids(first.data), range(1, 15), 'default: 15 rows, page 1');
    assert.equal(first.lastPage, Math.ceil(ITEMS / 15));
  });

  test('with conditions: the count is of the matching rows; the last page is short; past it no rows', async () => {
    const paid = () => items().where('grp', 2).orderByDesc('id');
    const expected = range(1, ITEMS).filter((id) => id % 7 === 2).reverse();
    const last = await paid().paginate(50, 8);
    assert.equal(last.total, expected.length);
    assert.equal(last.lastPage, Math.ceil(expected.length / 50));
    assert.deepEqual(ids(last.data), expected.slice(350, 400));
    const past = await paid().paginate(50, 9);
    assert.deepEqual(past.data, []);
    assert.equal(past.total, expected.length);
    assert.equal(past.currentPage, 9);
  });

  test('the count ignores the order, limit and offset; the page replaces limit and offset', async () => {
    const page = await items().orderBy('id').limit(3).offset(7).paginate(10, 2);
    assert.equal(page.total, ITEMS);
    assert.deepEqual(ids(page.data), range(11, 20));
  });

  test('no rows: total 0, lastPage 1, and only the count runs', async () => {
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    let page: Awaited<ReturnType<ReturnType<typeof items>['paginate']>>;
    try {
      page = await items().where('grp', 99).paginate(10);
    } finally {
      stop();
    }
    assert.deepEqual(page, { data: [], total: 0, perPage: 10, currentPage: 1, lastPage: 1 });
    assert.equal(sent.length, 1);
  });

  test('a grouped query counts its groups; a DISTINCT one its distinct rows', async () => {
    const grouped = await pieces.db.table('items').select('grp').selectRaw('COUNT(*) AS n').groupBy('grp').orderBy('grp').paginate(3, 2);
    assert.equal(grouped.total, 7);
    assert.equal(grouped.lastPage, 3);
    assert.deepEqual(numeric(grouped.data), [
      { grp: 3, n: 357 },
      { grp: 4, n: 357 },
      { grp: 5, n: 357 },
    ]);
    const having = await pieces.db.table('items').select('grp').groupBy('grp').havingRaw('COUNT(*) > ?', [357]).orderBy('grp').paginate(2);
    assert.equal(having.total, 1, 'grp 1 alone has 358 rows');
    assert.deepEqual(numeric(having.data), [{ grp: 1 }]);
    const distinct = await pieces.db.table('items').distinct().select('grp').orderBy('grp').paginate(4, 2);
    assert.equal(distinct.total, 7);
    assert.deepEqual(numeric(distinct.data), [{ grp: 4 }, { grp: 5 }, { grp: 6 }]);
  });

  test('page sizes and page numbers that are not whole numbers of 1 or more are a QueryError naming paginate(); nothing is sent', async () => {
    for (const bad of [0, -2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2', null]) {
      await refused('paginate', () => items().paginate(bad as number), /the rows per page as a whole number \(1 or more\)/);
      await refused('paginate', () => items().paginate(10, bad as number), /the page number as a whole number \(1 or more\)/);
    }
  });
});
