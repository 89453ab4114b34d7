import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteSession } from '../../../src/dialect/sqlite/sqlite-session.js';

const dir = mkdtempSync(join(tmpdir(), 'sodb-ro-session-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The second line under a read-only SQLite connection: the read-only check refuses every
 * PRAGMA that sets a value before it reaches the session; should one get through anyway,
 * the session switches query_only back on before anything else can run on the handle.
 */
test('a read-only SQLite session puts query_only back on after a statement that switched it off', async () => {
  const file = join(dir, 'ro.sqlite');
  const setup = new Database(file);
  setup.exec('CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)');
  setup.close();
  const session = new SqliteSession(new Database(file), true);
  try {
    await session.exec('PRAGMA query_only = ON', []);
    await session.all('PRAGMA query_only = 0', []);
    assert.deepEqual(await session.all('PRAGMA query_only', []), [{ query_only: 1 }]);
    await assert.rejects(session.all('DELETE FROM t RETURNING id', []), /readonly/);
    assert.deepEqual(await session.all('SELECT id FROM t', []), [{ id: 1 }]);
  } finally {
    await session.close();
  }
});
