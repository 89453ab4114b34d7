import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sqlTextCache } from '../../src/dialect/sql-text-cache.js';

test('a cache of SQL texts is bounded by the size of its texts, not only by their number', () => {
  const cache = sqlTextCache<string>();
  // 200 statements of half a megabyte each: what a bulk loader's varying batch sizes produce.
  const big = 'x'.repeat(500_000);
  for (let i = 0; i < 200; i++) cache.set(`insert\0${i}`, `${big}${i}`);
  assert.ok(cache.calculatedSize <= 4_000_000, `kept ${cache.calculatedSize} characters`);
  assert.ok(cache.size < 10, `kept ${cache.size} entries`);
  assert.equal(cache.get('insert\x00199'), `${big}199`, 'the newest is kept');
  // Small shapes still fill it up to its count.
  for (let i = 0; i < 3000; i++) cache.set(`select\0${i}`, 'SELECT 1');
  assert.equal(cache.size, 2000);
});
