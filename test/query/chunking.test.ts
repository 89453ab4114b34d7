import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DB, type Row } from '../../src/index.js';
import { describeEachEngine } from '../support/engines.js';
import { collect, ITEMS, range, usePieces } from './pieces-fixture.js';
import { refused } from './query-refusal.js';
import { ids } from './shop-fixture.js';

describeEachEngine('query builder chunk, chunkById, lazyById', (engine) => {
  const pieces = usePieces(engine);
  const items = () => pieces.db.table('items');

  test('chunk(1000) hands every row once, in order, in pages of 1000; one query per page', async () => {
    const pages: number[][] = [];
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    let completed: boolean;
    try {
      completed = await items().orderBy('id').chunk(1000, (rows, page) => {
        assert.equal(page, pages.length + 1);
        pages.push(ids(rows));
      });
    } finally {
      stop();
    }
    assert.equal(completed, true);
    assert.deepEqual(pages.map((p) => p.length), [1000, 1000, 500]);
    assert.deepEqual(pages.flat(), range(1, ITEMS));
    assert.equal(sent.length, 3, 'the short last page ends it without another query');
  });

  test('chunk keeps the conditions and the order, and a full last page reads one empty page', async () => {
    const seen: Row[] = [];
    // grp 3: 357 rows; in pages of 7, the last one full.
    assert.equal(await items().where('grp', 3).orderByDesc('id').chunk(7, (rows) => void seen.push(...rows)), true);
    const expected = range(1, ITEMS).filter((id) => id % 7 === 3).reverse();
    assert.equal(expected.length % 7, 0);
    assert.deepEqual(ids(seen), expected);
    assert.ok(seen.every((row) => Number(row.grp) === 3 && row.name === `item ${row.id}`));
  });

  test('chunk: the callback returning false stops it, and it resolves to false; an async callback is awaited', async () => {
    const pages: number[] = [];
    const stopped = await items()
      .orderBy('id')
      .chunk(100, async (_rows, page) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        pages.push(page);
        return page < 3;
      });
    assert.equal(stopped, false);
    assert.deepEqual(pages, [1, 2, 3]);
  });

  test('chunk honours the query limit and offset', async () => {
    const seen: number[] = [];
    await items().orderBy('id').offset(10).limit(250).chunk(100, (rows) => void seen.push(...ids(rows)));
    assert.deepEqual(seen, range(11, 260));
  });

  test('chunk without an order is a QueryError naming the connection and chunk(); nothing is sent', async () => {
    await refused('chunk', () => items().chunk(100, () => {}), /orderBy/);
  });

  test('chunkById reads by key: rows updated and deleted by the callback neither repeat nor go missing', async () => {
    try {
      const seen: number[] = [];
      // Each chunk deletes its rows and moves a later row's name: OFFSET pages would skip rows here.
      const done = await items()
        .where('grp', '<>', 0)
        .chunkById(300, async (rows, page) => {
          seen.push(...ids(rows));
          assert.ok(page >= 1);
          await pieces.db.table('items').whereIn('id', ids(rows)).delete();
          await pieces.db.table('items').where('id', ids(rows)[0] + 1000).update({ name: 'moved' });
        });
      assert.equal(done, true);
      assert.deepEqual(seen, range(1, ITEMS).filter((id) => id % 7 !== 0));
      assert.equal(await items().count(), Math.floor(ITEMS / 7));
    } finally {
      await pieces.db.table('items').delete();
      await pieces.db.table('items').insert(range(1, ITEMS).map((id) => ({ id, grp: id % 7, name: `item ${id}` })));
    }
  });

  test('chunkById with an OR among the conditions keeps every chunk inside all of them', async () => {
    const seen: Row[] = [];
    await items()
      .where('grp', 1)
      .orWhere('grp', 2)
      .chunkById(50, (rows) => void seen.push(...rows));
    assert.deepEqual(ids(seen), range(1, ITEMS).filter((id) => id % 7 === 1 || id % 7 === 2));
  });

  test('chunkById: another column, a stop, a limit and an offset', async () => {
    await pieces.db.statement('CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, n INT)');
    try {
      await pieces.db.table('codes').insert(range(1, 95).map((n) => ({ code: `c${String(n).padStart(3, '0')}`, n })));
      const codes: string[] = [];
      assert.equal(await pieces.db.table('codes').chunkById(10, (rows) => void codes.push(...rows.map((r) => String(r.code))), 'code'), true);
      assert.equal(codes.length, 95);
      assert.deepEqual(codes, [...codes].sort());
      const pages: number[] = [];
      assert.equal(
        await items().chunkById(10, (_rows, page) => {
          pages.push(page);
          return page !== 2;
        }),
        false,
      );
      assert.deepEqual(pages, [1, 2]);
      const limited: number[] = [];
      await items().offset(5).limit(25).chunkById(10, (rows) => void limited.push(...ids(rows)));
      assert.deepEqual(limited, range(6, 30));
    } finally {
      await pieces.db.statement('DROP TABLE codes');
    }
  });

  test('chunkById needs the key in the rows: a QueryError names chunkById() and the column', async () => {
    await assert.rejects(items().select('name').chunkById(10, () => {}), (error: unknown) => {
      assert.match(String(error), /Connection \[db\]: chunkById\(\) needs the column "id" in the rows/);
      return true;
    });
  });

  test('lazyById yields every row once in key order, a query per batch, and runs again for each loop', async () => {
    const lazy = items().where('grp', '>', 4).lazyById(200);
    const expected = range(1, ITEMS).filter((id) => id % 7 > 4);
    assert.deepEqual(ids(await collect(lazy)), expected);
    assert.deepEqual(ids(await collect(lazy)), expected);
    let seen = 0;
    for await (const row of items().lazyById(100, 'id')) {
      if (++seen === 150) {
        assert.equal(row.id, 150);
        break;
      }
    }
    assert.equal(await pieces.single.table('items').count(), ITEMS);
  });

  test('sizes and callbacks that cannot be used are a QueryError naming the method; nothing is sent', async () => {
    for (const size of [0, -1, 1.5, Number.NaN, '10']) {
      await refused('chunk', () => items().orderBy('id').chunk(size as number, () => {}), /rows per chunk as a whole number \(1 or more\)/);
      await refused('chunkById', () => items().chunkById(size as number, () => {}), /rows per chunk/);
      await refused('lazyById', () => items().lazyById(size as number), /rows per chunk/);
    }
    await refused('chunk', () => items().orderBy('id').chunk(10, 'no' as never), /takes a callback/);
    await refused('chunkById', () => items().chunkById(10, () => {}, 'bad\0column'), /NUL/);
  });
});
