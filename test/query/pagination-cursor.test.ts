import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { type CursorPage, DB, type QueryBuilder, setCursorSecret } from '../../src/index.js';
import { describeEachEngine } from '../support/engines.js';
import { ITEMS, range, usePieces } from './pieces-fixture.js';
import { refused } from './query-refusal.js';
import { ids } from './shop-fixture.js';

/** Every page from the first, following nextCursor. */
async function forward<T>(query: QueryBuilder<T>, perPage: number): Promise<CursorPage<T>[]> {
  const pages = [await query.cursorPaginate(perPage)];
  while (pages[pages.length - 1].nextCursor !== null) pages.push(await query.cursorPaginate(perPage, pages[pages.length - 1].nextCursor));
  return pages;
}

/** grp (id % 7 unless `groups` says), then id: the order of `orderBy('grp')` with the key as tiebreaker. */
function byGroup(all: readonly number[], groups: ReadonlyMap<number, number> = new Map()): number[] {
  const grp = (id: number) => groups.get(id) ?? id % 7;
  return [...all].sort((a, b) => grp(a) - grp(b) || a - b);
}

describeEachEngine('query builder cursorPaginate', (engine) => {
  const pieces = usePieces(engine);
  const items = () => pieces.db.table('items');

  test('by default pages by id ascending: every row once, a null nextCursor on the last page, a null prevCursor on the first', async () => {
    const pages = await forward(items(), 1000);
    assert.deepEqual(pages.map((p) => p.data.length), [1000, 1000, 500]);
    assert.deepEqual(pages.flatMap((p) => ids(p.data)), range(1, ITEMS));
    assert.equal(pages[0].prevCursor, null);
    assert.equal(pages[2].nextCursor, null);
    assert.ok(pages[1].prevCursor !== null && pages[2].prevCursor !== null);
    const exact = await forward(items().where('id', '<=', 20), 10);
    assert.deepEqual(exact.map((p) => ids(p.data)), [range(1, 10), range(11, 20)], 'a full last page: perPage + 1 rows told there is no next one');
    assert.equal(exact[1].nextCursor, null);
  });

  test('one query per page, keyset not offset', async () => {
    const first = await items().cursorPaginate(5);
    const sent: { sql: string; bindings: readonly unknown[] }[] = [];
    const stop = DB.listen((event) => sent.push({ sql: event.sql, bindings: event.bindings }));
    try {
      const second = await items().cursorPaginate(5, first.nextCursor);
      assert.deepEqual(ids(second.data), range(6, 10));
    } finally {
      stop();
    }
    assert.equal(sent.length, 1);
    assert.doesNotMatch(sent[0].sql, /offset/i);
    assert.deepEqual(sent[0].bindings.map(Number), [5]);
  });

  test('prevCursor goes back: the same pages in the same order, and nextCursor from there goes forward again', async () => {
    const query = items().where('grp', '<>', 4).orderBy('grp');
    const expected = byGroup(range(1, ITEMS).filter((id) => id % 7 !== 4));
    const pages = await forward(query, 300);
    assert.deepEqual(pages.flatMap((p) => ids(p.data)), expected, 'orderBy(grp) with id as tiebreaker');
    const back: number[][] = [];
    let page = pages[pages.length - 1];
    while (page.prevCursor !== null) {
      page = await query.cursorPaginate(300, page.prevCursor);
      back.unshift(ids(page.data));
    }
    assert.deepEqual(back, pages.slice(0, -1).map((p) => ids(p.data)));
    assert.equal(page.prevCursor, null, 'back on the first page');
    const again = await query.cursorPaginate(300, page.nextCursor);
    assert.deepEqual(ids(again.data), ids(pages[1].data));
  });

  test('descending orders, and several columns each in its own direction', async () => {
    const desc = await forward(items().orderByDesc('id'), 700);
    assert.deepEqual(desc.flatMap((p) => ids(p.data)), range(1, ITEMS).reverse());
    const mixed = await forward(items().orderByDesc('grp').orderBy('name'), 400);
    const expected = [...range(1, ITEMS)].sort((a, b) => b % 7 - a % 7 || (`item ${a}` < `item ${b}` ? -1 : 1));
    assert.deepEqual(mixed.flatMap((p) => ids(p.data)), expected);
  });

  test('stable under inserts: rows inserted before the cursor position between pages cause no repeat and no skip', async () => {
    try {
      const query = items().orderBy('grp');
      const first = await query.cursorPaginate(500);
      // grp 0 sorts first: these land on the first page's side of the cursor.
      await pieces.db.table('items').insert(range(1, 10).map((n) => ({ id: ITEMS + n * 7, grp: 0, name: 'early' })));
      // grp 6 sorts last: these land ahead and are read.
      await pieces.db.table('items').insert([{ id: ITEMS + 100, grp: 6, name: 'late' }]);
      const rest: number[] = [];
      let cursor = first.nextCursor;
      while (cursor !== null) {
        const page = await query.cursorPaginate(500, cursor);
        rest.push(...ids(page.data));
        cursor = page.nextCursor;
      }
      const seen = [...ids(first.data), ...rest];
      assert.equal(new Set(seen).size, seen.length, 'no row twice');
      assert.deepEqual(seen, byGroup([...range(1, ITEMS), ITEMS + 100], new Map([[ITEMS + 100, 6]])), 'every row in order, the late one included');
    } finally {
      await pieces.reset();
    }
  });

  test('a grouped or DISTINCT query pages by its order columns alone', async () => {
    const grouped = pieces.db.table('items').select('grp').selectRaw('COUNT(*) AS n').groupBy('grp').orderByDesc('grp');
    const pages = await forward(grouped, 3);
    assert.deepEqual(pages.map((p) => p.data.map((row) => Number(row.grp))), [[6, 5, 4], [3, 2, 1], [0]]);
    assert.equal(Number(pages[2].data[0].n), 357);
    const back = await grouped.cursorPaginate(3, pages[2].prevCursor);
    assert.deepEqual(back.data.map((row) => Number(row.grp)), [3, 2, 1]);
    const distinct = await forward(pieces.db.table('items').distinct().select('grp').orderBy('grp'), 4);
    assert.deepEqual(distinct.map((p) => p.data.map((row) => Number(row.grp))), [[0, 1, 2, 3], [4, 5, 6]]);
    await refused('cursorPaginate', () => pieces.db.table('items').select('grp').groupBy('grp').cursorPaginate(3), /order by the grouped columns/);
  });

  test('a cursor serves another builder of the same query later (across requests of the process)', async () => {
    const { nextCursor } = await items().orderBy('name').cursorPaginate(10);
    const again = await pieces.db.table('items').orderBy('name').cursorPaginate(10, nextCursor);
    const names = range(1, ITEMS).map((id) => `item ${id}`).sort();
    assert.deepEqual(again.data.map((row) => row.name), names.slice(10, 20));
  });

  test('tampered, foreign or malformed cursors are a QueryError naming cursorPaginate(); nothing is sent', async () => {
    const { nextCursor } = await items().cursorPaginate(10);
    const cursor = nextCursor as string;
    const [payload, mac] = cursor.split('.');
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString());
    json.v = [999];
    const forged = `${Buffer.from(JSON.stringify(json)).toString('base64url')}.${mac}`;
    await refused('cursorPaginate', () => items().cursorPaginate(10, forged), /refuses the cursor: the cursor was changed/);
    const flipped = `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    await refused('cursorPaginate', () => items().cursorPaginate(10, flipped), /refuses the cursor/);
    await refused('cursorPaginate', () => items().orderBy('grp').cursorPaginate(10, cursor), /belongs to another query/);
    await refused('cursorPaginate', () => pieces.db.table('other').cursorPaginate(10, cursor), /belongs to another query/);
    for (const bad of ['', 'abc', '.', `${payload}.`, 'x'.repeat(10_000), 42, {}]) {
      await refused('cursorPaginate', () => items().cursorPaginate(10, bad as string), /refuses the cursor/);
    }
    await refused('cursorPaginate', () => items().orderByRaw('id').cursorPaginate(10), /orderByRaw/);
    await refused('cursorPaginate', () => items().cursorPaginate(0), /rows per page as a whole number/);
    await refused('cursorPaginate', () => items().select('name').cursorPaginate(10), /needs the column "id" in the rows/);
    await refused('cursorPaginate', () => items().select('id').orderBy('grp').cursorPaginate(10), /needs the column "grp" in the rows/);
  });

  test('a cursor made with another secret is refused; processes that share one accept each other\'s', async () => {
    setCursorSecret('a shared secret of this test, A');
    const { nextCursor } = await items().cursorPaginate(10);
    setCursorSecret('another secret, of another app');
    await refused('cursorPaginate', () => items().cursorPaginate(10, nextCursor), /made by another process or with another secret/);
    setCursorSecret('a shared secret of this test, A');
    assert.deepEqual(ids((await items().cursorPaginate(10, nextCursor)).data), range(11, 20));
    assert.throws(() => setCursorSecret('short'), /at least 16 bytes/);
  });
});

describeEachEngine(
  'cursorPaginate across processes',
  (engine) => {
    const pieces = usePieces(engine);
    const fixture = new URL('./fixtures/cursor-process.ts', import.meta.url).pathname;
    /** Runs one process of the application, with `secret` as SO_DB_CURSOR_SECRET (none when undefined). */
    const run = (secret: string | undefined, cursor?: string): string => {
      const env: NodeJS.ProcessEnv = { ...process.env, CURSOR_DB: pieces.database };
      delete env.SO_DB_CURSOR_SECRET;
      if (secret !== undefined) env.SO_DB_CURSOR_SECRET = secret;
      const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, ...(cursor === undefined ? [] : [cursor])], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(child.status, 0, child.stderr);
      return child.stdout.trim();
    };

    test('processes that share SO_DB_CURSOR_SECRET read each other\'s cursors; others refuse them', () => {
      const shared = 'the secret these processes share';
      const cursor = run(shared);
      assert.match(cursor, /^[\w-]+\.[\w-]+$/);
      assert.equal(run(shared, cursor), JSON.stringify(range(11, 20)));
      assert.match(run(undefined, cursor), /QueryError: Connection \[db\]: cursorPaginate\(\) refuses the cursor: the cursor was changed, or made by another process/);
      assert.match(run('short', cursor), /ConfigurationError: SO_DB_CURSOR_SECRET must be at least 16 bytes/);
    });
  },
  ['sqlite'],
);
