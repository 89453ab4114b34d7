import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DB, PoolTimeoutError, type QueryEvent, QueryError } from '../../src/index.js';
import { describeEachEngine } from '../support/engines.js';
import { collect, ITEMS, range, usePieces } from './pieces-fixture.js';
import { refused } from './query-refusal.js';
import { ids } from './shop-fixture.js';

describeEachEngine('query builder cursor() and lazy(): rows streamed through the driver', (engine) => {
  const pieces = usePieces(engine);
  const server = engine.driver !== 'sqlite';

  test('cursor() yields every row of the query, in its order, with its conditions', async () => {
    const rows = await collect(pieces.db.table('items').where('grp', '<>', 3).orderByDesc('id').cursor());
    assert.deepEqual(ids(rows), range(1, ITEMS).filter((id) => id % 7 !== 3).reverse());
    assert.ok(rows.every((row) => row.name === `item ${row.id}`));
    assert.deepEqual(await collect(pieces.db.table('items').where('id', '<', 0).cursor()), []);
  });

  test('lazy(n) reads n rows per batch and yields the same rows; each loop runs the query again', async () => {
    const query = pieces.db.table('items').select('id').whereBetween('id', [100, 1300]).orderBy('id');
    for (const size of [1, 7, 1000, 5000]) assert.deepEqual(ids(await collect(query.lazy(size))), range(100, 1300), `lazy(${size})`);
    const lazy = query.lazy();
    assert.equal((await collect(lazy)).length, 1201);
    await pieces.db.table('items').insert({ id: ITEMS + 1, grp: 0, name: 'late' });
    try {
      assert.equal((await collect(pieces.db.table('items').lazy(100))).length, ITEMS + 1, 'a new loop sees the new row');
    } finally {
      await pieces.reset();
    }
  });

  test('one statement, reported once to DB.listen, whatever the number of batches', async () => {
    const events: QueryEvent[] = [];
    const stop = DB.listen((event) => events.push(event));
    try {
      assert.equal((await collect(pieces.db.table('items').where('grp', 1).lazy(10))).length, range(1, ITEMS).filter((id) => id % 7 === 1).length);
    } finally {
      stop();
    }
    assert.equal(events.length, 1);
    assert.deepEqual(events[0].bindings, [1]);
    assert.match(events[0].sql, /from "?`?items/i);
  });

  test('breaking out early closes the read: with a pool of one, the next query gets the session', async () => {
    const single = pieces.single;
    let seen = 0;
    for await (const row of single.table('items').orderBy('id').lazy(100)) {
      assert.equal(row.id, ++seen);
      if (seen === 150) break;
    }
    assert.equal(await single.table('items').count(), ITEMS, 'the session is back in the pool');
    // A throw in the body leaves the loop too.
    await assert.rejects(async () => {
      for await (const _ of single.table('items').cursor()) throw new Error('body failed');
    }, /body failed/);
    assert.equal(await single.table('items').count(), ITEMS);
    if (server) {
      // While the loop runs, the stream holds the only session: the proof that the break above gave it back.
      await assert.rejects(async () => {
        for await (const _ of single.table('items').lazy(10)) await single.table('items').count();
      }, PoolTimeoutError);
      assert.equal(await single.table('items').count(), ITEMS);
    }
  });

  test('in a transaction the stream reads on the transaction, its uncommitted rows included', async () => {
    try {
      await assert.rejects(
        pieces.single.transaction(async (tx) => {
          await tx.table('items').insert({ id: ITEMS + 1, grp: 9, name: 'in tx' });
          let rows = 0;
          for await (const row of tx.table('items').where('grp', 9).cursor()) {
            rows++;
            // The loop body writes in the same transaction while the stream holds its session.
            await tx.table('items').where('id', row.id).update({ name: 'seen in tx' });
          }
          assert.equal(rows, 1);
          assert.equal(await tx.table('items').where('name', 'seen in tx').count(), 1);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal(await pieces.db.table('items').where('grp', 9).count(), 0);
    } finally {
      await pieces.reset();
    }
  });

  test('a batch size that is not a whole number, or a bad binding, is a QueryError naming lazy(); nothing is sent', async () => {
    for (const size of [0, -1, 2.5, Number.NaN]) {
      await refused('lazy', () => pieces.db.table('items').lazy(size), /whole number of rows per batch/);
    }
    await refused('where', () => collect(pieces.db.table('items').where('id', undefined).cursor()), /cannot bind/);
    await assert.rejects(collect(pieces.db.table('items').where('nope', 1).cursor()), (error: unknown) => {
      assert.ok(error instanceof QueryError);
      assert.equal(error.connection, 'db');
      assert.match(error.sql, /nope/);
      return true;
    });
  });
});
