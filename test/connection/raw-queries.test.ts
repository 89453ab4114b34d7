import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Connection, DB } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine('raw queries', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = Connection.getInstance('db');
    await db.statement(`CREATE TABLE orders (${autoIncrement(engine.driver)}, user_id INT, total INT, status VARCHAR(20))`);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  test('insert reports affected rows and the generated key', async () => {
    const first = await db.insert('INSERT INTO orders (user_id, total, status) VALUES (?, ?, ?)', [1, 500, 'pending']);
    assert.equal(first.affectedRows, 1);
    if (engine.driver === 'pgsql') assert.equal(first.insertId, null, 'PostgreSQL reports no key without RETURNING');
    else assert.equal(Number(first.insertId), 1);
    const second = await db.insert('INSERT INTO orders (user_id, total, status) VALUES (?, ?, ?)', [2, 700, 'paid']);
    if (engine.driver !== 'pgsql') assert.equal(Number(second.insertId), 2);
  });

  test('select returns plain objects; selectOne the first row or null', async () => {
    const rows = await db.select('SELECT user_id, total, status FROM orders WHERE status = ? ORDER BY id', ['pending']);
    assert.deepEqual(rows, [{ user_id: 1, total: 500, status: 'pending' }]);
    assert.equal(Object.getPrototypeOf(rows), Array.prototype);
    assert.deepEqual(await db.selectOne('SELECT total FROM orders WHERE user_id = ?', [2]), { total: 700 });
    assert.equal(await db.selectOne('SELECT total FROM orders WHERE user_id = ?', [99]), null);
  });

  test('update and delete return affected rows', async () => {
    assert.equal(await db.update('UPDATE orders SET total = total - ? WHERE user_id = ?', [10, 1]), 1);
    assert.deepEqual(await db.selectOne('SELECT total FROM orders WHERE user_id = ?', [1]), { total: 490 });
    assert.equal(await db.update('UPDATE orders SET total = 0 WHERE user_id = ?', [99]), 0);
    assert.equal(await db.delete('DELETE FROM orders WHERE user_id = ?', [2]), 1);
    assert.equal((await db.select('SELECT id FROM orders')).length, 1);
  });

  test('statement runs DDL and resolves to true', async () => {
    assert.equal(await db.statement('CREATE INDEX orders_status ON orders (status)'), true);
  });

  test('a ? inside a string literal is text, not a placeholder', async () => {
    const row = await db.selectOne(`SELECT 'what?' AS q, status FROM orders WHERE user_id = ?`, [1]);
    assert.deepEqual(row, { q: 'what?', status: 'pending' });
  });

  test('a refused statement throws QueryError with sql and bindings', async () => {
    const { QueryError } = await import('../../src/index.js');
    await assert.rejects(db.select('SELECT nope FROM orders WHERE id = ?', [1]), (error: unknown) => {
      assert.ok(error instanceof QueryError);
      assert.equal(error.connection, 'db');
      assert.match(error.sql, /nope/);
      assert.deepEqual(error.bindings, [1]);
      assert.ok(error.code, 'carries the driver code');
      return true;
    });
  });
});
