import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, QueryError, ReadOnlyError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** increment/decrement: one UPDATE under the builder's conditions, checked on the rows it leaves. */
describeEachEngine('query builder increment and decrement', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({
      default: 'db',
      connections: { db: database.options, ro: { ...database.options, readOnly: true } },
    });
    db = DB.connection('db');
    await db.statement(
      `CREATE TABLE posts (${autoIncrement(engine.driver)}, votes INT, score DOUBLE PRECISION, big BIGINT, note VARCHAR(20))`,
    );
  });

  beforeEach(async () => {
    await db.table('posts').delete();
    await db.table('posts').insert([
      { id: 1, votes: 10, score: 1.5, big: 1, note: 'a' },
      { id: 2, votes: 20, score: 2.5, big: 2, note: 'b' },
      { id: 3, votes: null, score: 0, big: 3, note: 'c' },
    ]);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  const rows = async () =>
    (await db.table('posts').orderBy('id').get()).map((r) => ({
      id: Number(r.id),
      votes: r.votes === null ? null : Number(r.votes),
      score: Number(r.score),
      big: Number(r.big),
      note: r.note,
    }));

  test('increment adds 1 by default under the conditions and returns the affected rows', async () => {
    assert.equal(await db.table('posts').where('id', 1).increment('votes'), 1);
    assert.deepEqual((await rows()).map((r) => r.votes), [11, 20, null]);
    // No conditions: every row; NULL + 1 stays NULL, as in SQL (and Laravel).
    assert.equal(await db.table('posts').increment('votes', 5), 3);
    assert.deepEqual((await rows()).map((r) => r.votes), [16, 25, null]);
    assert.equal(await db.table('posts').where('id', 99).increment('votes'), 0);
  });

  test('decrement subtracts, with extra columns set in the same statement', async () => {
    assert.equal(await db.table('posts').where('votes', '>', 15).decrement('votes', 3, { note: 'down' }), 1);
    assert.deepEqual(await rows(), [
      { id: 1, votes: 10, score: 1.5, big: 1, note: 'a' },
      { id: 2, votes: 17, score: 2.5, big: 2, note: 'down' },
      { id: 3, votes: null, score: 0, big: 3, note: 'c' },
    ]);
    assert.equal(await db.table('posts').whereIn('id', [1, 3]).increment('votes', -4, { note: null }), 2);
    assert.deepEqual((await rows()).map((r) => [r.votes, r.note]), [[6, null], [17, 'down'], [null, null]]);
  });

  test('fractions on a floating-point column, bigints on a BIGINT', async () => {
    await db.table('posts').where('id', 2).increment('score', 0.25);
    await db.table('posts').where('id', 2).increment('big', 9_007_199_254_740_000n);
    const [, second] = await rows();
    assert.equal(second.score, 2.75);
    assert.equal(String((await db.table('posts').where('id', 2).value('big')) as unknown), '9007199254740002');
  });

  test('the compiled-SQL cache tells increment from decrement and the extra columns apart', async () => {
    const post = () => db.table('posts').where('id', 1);
    // Same table, column and conditions: each must run its own SQL, whichever ran first.
    await post().increment('votes', 2);
    await post().decrement('votes', 5);
    await post().increment('votes', 1, { note: 'x' });
    await post().increment('votes', 1);
    await post().decrement('votes', 1, { note: 'y' });
    await post().increment('score', 1);
    assert.deepEqual((await rows())[0], { id: 1, votes: 8, score: 2.5, big: 1, note: 'y' });
  });

  test('conditions past the parameter limit (a long whereIn) still run as one statement', async () => {
    const ids = Array.from({ length: 70_000 }, (_, i) => i + 1);
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    try {
      assert.equal(await db.table('posts').whereIn('id', ids).where('id', '<', 3).increment('votes', 1, { note: 'many' }), 2);
    } finally {
      stop();
    }
    assert.equal(sent.length, 1);
    assert.deepEqual((await rows()).map((r) => [r.votes, r.note]), [[11, 'many'], [21, 'many'], [null, 'c']]);
  });

  async function refused(method: string, call: () => Promise<unknown>, says: RegExp): Promise<void> {
    const sent: string[] = [];
    const stop = DB.listen((event) => sent.push(event.sql));
    try {
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof QueryError, String(error));
        assert.ok(error.message.startsWith(`Connection [db]: ${method}() `), error.message);
        assert.match(error.message, says);
        return true;
      });
    } finally {
      stop();
    }
    assert.deepEqual(sent, [], 'nothing was sent');
  }

  test('an amount that is not a finite number is refused, nothing sent', async () => {
    const post = () => db.table('posts').where('id', 1);
    await refused('increment', () => post().increment('votes', '5' as unknown as number), /takes a finite number to add to "votes", got "5"/);
    await refused('decrement', () => post().decrement('votes', Number.NaN), /subtract from "votes", got NaN/);
    await refused('increment', () => post().increment('votes', Number.POSITIVE_INFINITY), /got Infinity/);
    await refused('increment', () => post().increment('votes', null as unknown as number), /got null/);
    assert.equal((await rows())[0].votes, 10);
  });

  test('bad columns and extra values are refused, nothing sent', async () => {
    const post = () => db.table('posts').where('id', 1);
    await refused('increment', () => post().increment(''), /cannot use "" as a column name/);
    await refused('increment', () => post().increment('votes', 1, { votes: 3 }), /cannot also set "votes" in the extra columns/);
    await refused('decrement', () => post().decrement('votes', 1, { note: undefined }), /cannot bind the value for "note": it is undefined/);
    await refused('increment', () => post().increment('votes', 1, [] as unknown as Record<string, unknown>), /extra columns to set as an object/);
    if (engine.name !== 'postgres') {
      // Column names match whatever their case here: `Votes` is the same column.
      await refused('increment', () => post().increment('votes', 1, { Votes: 3 }), /cannot also set "Votes"/);
    }
    assert.deepEqual((await rows())[0], { id: 1, votes: 10, score: 1.5, big: 1, note: 'a' });
  });

  test('a read-only connection refuses it', async () => {
    await assert.rejects(DB.connection('ro').table('posts').increment('votes'), ReadOnlyError);
    assert.equal((await rows())[0].votes, 10);
  });
});
