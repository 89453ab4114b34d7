import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB, QueryError } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/**
 * A read that fails midway through its rows (a division by zero at row 1,000) must leave its
 * session right for the next statement. postgres.js 3.4 wrote the next result of that session
 * from the failed one's row count on, so it began with empty entries (porsager/postgres#1119):
 * `selectOne` returned null, `select` a sparse array.
 */
describeEachEngine('a read that fails midway through its rows', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  const failing = {
    mysql: 'SELECT id, IF(id >= 1000, (SELECT 1 UNION SELECT 2), 0) AS x FROM numbers',
    pgsql: 'SELECT id, 1 / (id - 1000) AS x FROM numbers ORDER BY id',
    sqlite: 'SELECT id, CASE WHEN id >= 1000 THEN abs(-9223372036854775807 - 1) ELSE 0 END AS x FROM numbers ORDER BY id',
  }[engine.driver];

  before(async () => {
    database = await engine.createDatabase();
    // One session, so the next statement runs where the failed one did.
    await DB.configure({ default: 'db', connections: { db: { ...database.options, pool: { max: 1 } } } });
    db = DB.connection('db');
    await db.statement('CREATE TABLE numbers (id INT PRIMARY KEY)');
    const ids = Array.from({ length: 2000 }, (_, i) => ({ id: i + 1 }));
    for (let i = 0; i < ids.length; i += 500) await db.table('numbers').insert(ids.slice(i, i + 500));
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('is a QueryError, and the next statements on its session read their own rows', async () => {
    await assert.rejects(db.select(failing), QueryError);
    assert.deepEqual(await db.selectOne('SELECT id FROM numbers WHERE id = ?', [7]), { id: 7 });
    await assert.rejects(db.select(failing), QueryError);
    assert.deepEqual(await db.select('SELECT id FROM numbers WHERE id <= ? ORDER BY id', [3]), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    await assert.rejects(db.select(failing), QueryError);
    assert.equal(await db.table('numbers').where('id', '>', 1990).count(), 10);
    await assert.rejects(db.select(failing), QueryError);
    const rows: unknown[] = [];
    for await (const row of db.cursor('SELECT id FROM numbers WHERE id <= ? ORDER BY id', [2])) rows.push(row);
    assert.deepEqual(rows, [{ id: 1 }, { id: 2 }]);
  });
});
