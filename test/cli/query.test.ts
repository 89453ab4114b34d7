import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DB } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { ensureBuilt, TempProject } from './cli-harness.js';

describeEachEngine('so-db query', (engine) => {
  let database: ThrowawayDatabase;
  let project: TempProject;

  before(async () => {
    ensureBuilt();
    database = await engine.createDatabase();
    const config = { default: 'shop', connections: { shop: database.options, legacy: { ...database.options, readOnly: true } } };
    project = new TempProject(config);
    await DB.configure(config);
    const shop = DB.connection('shop');
    await shop.statement(`CREATE TABLE orders (${autoIncrement(engine.driver)}, status VARCHAR(20), total INT)`);
    await shop.insert('INSERT INTO orders (status, total) VALUES (?, ?), (?, ?), (?, ?)', ['pending', 500, 'paid', 700, 'pending', 90]);
  });

  after(async () => {
    await DB.disconnect();
    project?.cleanup();
    await database?.drop();
  });

  test('--json prints the rows, with ? bindings from the command line', async () => {
    const { code, value, stderr } = await project.json<{ id: number; total: number }[]>([
      'query',
      'shop',
      'SELECT id, total FROM orders WHERE status = ? AND total > ? ORDER BY id',
      'pending',
      '100',
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(value, [{ id: 1, total: 500 }]);
  });

  test('without --json, rows print as a table', async () => {
    const result = await project.run(['query', 'shop', 'SELECT status, total FROM orders ORDER BY id']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /│ status +│ total │/);
    assert.match(result.stdout, /│ paid +│ 700 +│/);
    assert.match(result.stdout, /3 rows/);
  });

  test('a write reports the rows it affected', async () => {
    const result = await project.json<{ affectedRows: number }>(['query', 'shop', 'UPDATE orders SET total = total + ? WHERE status = ?', '1', 'pending']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.value.affectedRows, 2);
    assert.deepEqual(await DB.connection('shop').select('SELECT total FROM orders ORDER BY id'), [{ total: 501 }, { total: 700 }, { total: 91 }]);
  });

  test('a read-only connection reads, and refuses a write before it reaches the server', async () => {
    const read = await project.json<unknown[]>(['query', 'legacy', 'SELECT COUNT(*) AS n FROM orders']);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(Number((read.value[0] as { n: unknown }).n), 3);
    const write = await project.run(['query', 'legacy', 'DELETE FROM orders']);
    assert.equal(write.code, 1);
    assert.equal(write.stderr, 'so-db: Connection [legacy] is read-only: delete refused.\n');
    assert.equal((await DB.connection('shop').select('SELECT id FROM orders')).length, 3);
  });

  test('a SQL syntax error is one line on stderr naming the connection, no stack trace', async () => {
    const result = await project.run(['query', 'shop', 'SELEC * FROM orders']);
    assert.equal(result.code, 1);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^so-db: Connection \[shop\]: .*(syntax|SELEC)/);
    assert.equal(result.stdout, '');
  });

  test('--verbose adds the stack trace and the driver error', async () => {
    const result = await project.run(['query', 'shop', 'SELEC 1', '--verbose']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /QueryError/);
    assert.match(result.stderr, /^\s+at /m);
    assert.match(result.stderr, /Caused by: /);
  });

  test('an unknown connection is one line: Connection [x] not configured.', async () => {
    const result = await project.run(['query', 'nope', 'SELECT 1']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'so-db: Connection [nope] not configured.\n');
  });
});
