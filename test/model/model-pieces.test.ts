import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DB, Model, type QueryEvent } from '../../src/index.js';
import { collect, ITEMS, range, usePieces } from '../query/pieces-fixture.js';
import { refused } from '../query/query-refusal.js';
import { describeEachEngine } from '../support/engines.js';

/** Runs `fn` with the DB.listen events it causes. */
async function listened<T>(fn: () => Promise<T>): Promise<{ result: T; events: QueryEvent[] }> {
  const events: QueryEvent[] = [];
  const stop = DB.listen((event) => events.push(event));
  try {
    return { result: await fn(), events };
  } finally {
    stop();
  }
}

describeEachEngine('model queries read in pieces: chunk, chunkById, lazy, lazyById, cursor, paginate, cursorPaginate', (engine) => {
  const pieces = usePieces(engine);

  /** Lives on the connection `other`: its eager loads are queries there. */
  class Group extends Model {
    static table = 'groups';
    static connection = 'other';
    declare id: number;
    declare label: string;
  }
  class Item extends Model {
    static table = 'items';
    static connection = 'db';
    static casts = { grp: 'number' } as const;
    declare id: number;
    declare grp: number;
    declare name: string;
    group() {
      return this.belongsTo(Group, 'grp', 'id');
    }
  }
  /** Reads on `reader`, writes on `db`. */
  class ReadItem extends Model {
    static table = 'items';
    static connection = 'db';
    static readConnection = 'reader';
    declare id: number;
  }

  const ids = (models: readonly { id: number }[]) => models.map((m) => Number(m.id));
  /** Reads of `groups` on `other` (a session's set-up statements are events too). */
  const onOther = (events: readonly QueryEvent[]) => events.filter((e) => e.connection === 'other' && /groups/.test(e.sql)).length;
  /** Every item has its group loaded, the right one. */
  const grouped = async (items: readonly Item[]) => {
    for (const item of items) assert.equal((await item.group())?.label, `group ${item.id % 7}`);
  };

  test('chunk gives hydrated models with their eager loads: one query per relation per chunk, not per model', async () => {
    const { result, events } = await listened(async () => {
      const seen: Item[] = [];
      const done = await Item.query()
        .with('group')
        .orderBy('id')
        .chunk(1000, (items, page) => {
          assert.equal(page, Math.ceil(seen.length / 1000) + 1);
          seen.push(...items);
        });
      return { done, seen };
    });
    assert.equal(result.done, true);
    assert.deepEqual(ids(result.seen), range(1, ITEMS));
    assert.ok(result.seen.every((item) => item instanceof Item && typeof item.grp === 'number'));
    assert.equal(onOther(events), 3, 'one groups query per chunk');
    await grouped(result.seen.slice(990, 1010));
    assert.equal(await Item.chunk(10, () => false).catch(String), 'QueryError: Connection [db]: chunk() needs an order: you must specify an orderBy clause when using this function (or use chunkById).');
  });

  test('chunkById by the primary key: saving the models in the callback neither repeats nor skips any', async () => {
    try {
      const seen: number[] = [];
      const moved: number[] = [];
      const done = await Item.where('grp', '>', 2)
        .with('group')
        .chunkById(400, async (items) => {
          seen.push(...ids(items));
          await grouped(items.slice(0, 3));
          for (const item of items.slice(0, 5)) {
            item.grp = 0; // takes it out of the query's rows
            await item.save();
            moved.push(item.id);
          }
        });
      assert.equal(done, true);
      assert.deepEqual(seen, range(1, ITEMS).filter((id) => id % 7 > 2));
      assert.equal(moved.length, 5 * Math.ceil(seen.length / 400));
      const sixes = range(1, ITEMS).filter((id) => id % 7 === 6 && !moved.includes(id));
      assert.deepEqual(ids(await collect(Item.where('grp', 6).lazyById(100))), sixes);
    } finally {
      await pieces.reset();
    }
  });

  test('lazy and cursor stream models, each batch with its eager loads; breaking early frees the session', async () => {
    const { result, events } = await listened(() => collect(Item.query().with('group').where('grp', '<', 3).orderByDesc('id').lazy(250)));
    const expected = range(1, ITEMS).filter((id) => id % 7 < 3).reverse();
    assert.deepEqual(ids(result), expected);
    assert.ok(result.every((item) => item instanceof Item));
    assert.equal(onOther(events), Math.ceil(expected.length / 250), 'one groups query per batch');
    assert.equal(events.filter((e) => e.connection === 'db' && /items/.test(e.sql)).length, 1, 'one streamed read');
    await grouped(result.slice(0, 10));
    assert.deepEqual(ids(await collect(Item.where('id', '<=', 5).orderBy('id').cursor())), range(1, 5));
    assert.deepEqual(ids(await collect(Item.lazy(2))).length, ITEMS);
    /** On the pool of one: the stream holds its only session until the loop ends. */
    class SingleItem extends Model {
      static table = 'items';
      static connection = 'single';
      declare id: number;
    }
    let seen = 0;
    for await (const item of SingleItem.query().orderBy('id').cursor()) {
      assert.equal(item.id, ++seen);
      if (seen === 1200) break;
    }
    assert.equal(await SingleItem.count(), ITEMS, 'the session went back to the pool');
  });

  test('paginate: models of the page with the eager loads of the page, and the totals', async () => {
    const { result, events } = await listened(() => Item.where('grp', 5).with('group').orderBy('id').paginate(20, 3));
    const expected = range(1, ITEMS).filter((id) => id % 7 === 5);
    assert.deepEqual(ids(result.data), expected.slice(40, 60));
    assert.deepEqual({ ...result, data: [] }, { data: [], total: expected.length, perPage: 20, currentPage: 3, lastPage: Math.ceil(expected.length / 20) });
    assert.equal(onOther(events), 1);
    await grouped(result.data);
    const first = await Item.paginate();
    assert.equal(first.data.length, 15);
    assert.equal(first.total, ITEMS);
  });

  test('cursorPaginate: models by keyset on the primary key, forward and back, with eager loads', async () => {
    const first = await Item.query().with('group').cursorPaginate(1000);
    const second = await Item.query().with('group').cursorPaginate(1000, first.nextCursor);
    const third = await Item.query().with('group').cursorPaginate(1000, second.nextCursor);
    assert.deepEqual([...ids(first.data), ...ids(second.data), ...ids(third.data)], range(1, ITEMS));
    assert.equal(third.nextCursor, null);
    await grouped(third.data.slice(-5));
    const back = await Item.query().cursorPaginate(1000, third.prevCursor);
    assert.deepEqual(ids(back.data), range(1001, 2000));
    const byName = await Item.where('grp', 4).orderByDesc('name').cursorPaginate(5);
    const next = await Item.where('grp', 4).orderByDesc('name').cursorPaginate(5, byName.nextCursor);
    const names = range(1, ITEMS).filter((id) => id % 7 === 4).map((id) => `item ${id}`).sort().reverse();
    assert.deepEqual(next.data.map((item) => item.name), names.slice(5, 10));
    await refused('cursorPaginate', () => Item.cursorPaginate(5, `${first.nextCursor}x`), /refuses the cursor/);
  });

  test('whereHas filters are resolved once per call, and every piece keeps them', async () => {
    const inGroups = () => Item.whereHas('group', (q) => q.whereIn('label', ['group 1', 'group 2']));
    const expected = range(1, ITEMS).filter((id) => id % 7 === 1 || id % 7 === 2);
    const { result, events } = await listened(async () => {
      const seen: number[] = [];
      await inGroups().chunkById(100, (items) => void seen.push(...ids(items)));
      return seen;
    });
    assert.deepEqual(result, expected);
    assert.equal(onOther(events), 1, 'the group keys read once');
    assert.deepEqual(ids(await collect(inGroups().orderBy('id').lazy(300))), expected);
    const page = await inGroups().orderBy('id').paginate(100, 2);
    assert.equal(page.total, expected.length);
    assert.deepEqual(ids(page.data), expected.slice(100, 200));
  });

  test('reads go to the model\'s read connection, as its other reads do', async () => {
    const { events } = await listened(async () => {
      await ReadItem.query().orderBy('id').chunk(1000, () => {});
      await ReadItem.chunkById(1000, () => {});
      await collect(ReadItem.lazy(1000));
      await ReadItem.paginate(10, 2);
      await ReadItem.cursorPaginate(10);
    });
    const reads = events.filter((e) => /items/.test(e.sql));
    assert.ok(reads.length >= 10);
    assert.deepEqual([...new Set(reads.map((e) => e.connection))], ['reader']);
  });

  test('statics: sizes, pages and callbacks are checked before anything is sent', async () => {
    await refused('chunk', () => Item.query().orderBy('id').chunk(0, () => {}), /rows per chunk as a whole number/);
    await refused('chunkById', () => Item.chunkById(-1, () => {}), /rows per chunk/);
    await refused('lazy', () => Item.lazy(1.5), /whole number of rows per batch/);
    await refused('lazyById', () => Item.lazyById(0), /rows per chunk/);
    await refused('paginate', () => Item.paginate(10, 0), /page number/);
    await refused('cursorPaginate', () => Item.cursorPaginate(Number.NaN), /rows per page/);
  });
});
