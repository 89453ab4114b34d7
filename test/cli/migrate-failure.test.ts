import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DB } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { ensureBuilt, TempProject } from './cli-harness.js';

const GOOD = `export async function up(db) {
  await db.schema.createTable('customers').addColumn('id', 'integer').execute();
}
export async function down(db) {
  await db.schema.dropTable('customers').execute();
}
`;

const ALSO_GOOD = `export async function up(db) {
  await db.schema.createTable('products').addColumn('id', 'integer').execute();
}
export async function down(db) {
  await db.schema.dropTable('products').execute();
}
`;

// Creates a table, fills it, then refers to a table that does not exist.
const BAD = `export async function up(db) {
  await db.schema.createTable('invoices').addColumn('id', 'integer').addColumn('total', 'integer').execute();
  await db.insertInto('invoices').values({ id: 1, total: 100 }).execute();
  await db.insertInto('no_such_table').values({ id: 1 }).execute();
}
export async function down(db) {
  await db.schema.dropTable('invoices').execute();
}
`;

describeEachEngine('a failing migration', (engine) => {
  let database: ThrowawayDatabase;
  let project: TempProject;

  async function tableExists(name: string): Promise<boolean> {
    const sql =
      engine.driver === 'sqlite'
        ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`
        : engine.driver === 'mysql'
          ? 'SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?'
          : `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ?`;
    return (await DB.connection('main').select(sql, [name])).length === 1;
  }

  async function applied(): Promise<string[]> {
    const rows = await DB.connection('main').select<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    return rows.map((r) => r.name);
  }

  before(async () => {
    ensureBuilt();
    database = await engine.createDatabase();
    const config = { default: 'main', connections: { main: database.options } };
    project = new TempProject(config);
    project.migration('20250101000000_create_customers.mjs', GOOD);
    await DB.configure(config);
    const first = await project.run(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    project.migration('20250102000000_create_products.mjs', ALSO_GOOD);
    project.migration('20250103000000_create_invoices.mjs', BAD);
  });

  after(async () => {
    await DB.disconnect();
    project?.cleanup();
    await database?.drop();
  });

  test('is reported with its file, its connection and the database error; exit 1', async () => {
    const result = await project.run(['migrate']);
    assert.equal(result.code, 1);
    const [headline] = result.stderr.split('\n');
    assert.match(headline, /^so-db: Migration database\/migrations\/20250103000000_create_invoices\.mjs \(up\) failed on connection \[main\]: /);
    assert.match(headline, /no_such_table/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace without --verbose');
    assert.match(result.stdout, /20250103000000_create_invoices[^\n]*FAILED/);
  });

  if (engine.driver === 'mysql') {
    test('MySQL/MariaDB: the message lists the statements that ran, which stay applied', async () => {
      // The first run left invoices behind; start from the state a user would see it in.
      const result = await project.run(['migrate']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /failed on connection \[main\]: Table '[^']*invoices' already exists/);
      await DB.connection('main').statement('DROP TABLE invoices');
      const again = await project.run(['migrate']);
      assert.match(again.stderr, /MySQL\/MariaDB commits schema changes at once, so what ran before the failure stays applied\./);
      assert.match(again.stderr, /Statements of it that ran \(2\):\n {2}1\. create table `invoices` \(`id` integer, `total` integer\)\n {2}2\. insert into `invoices` \(`id`, `total`\) values \(\?, \?\)/);
      assert.match(again.stderr, /Failed statement:\n {2}insert into `no_such_table`/);
      assert.ok(await tableExists('invoices'));
      assert.deepEqual(await DB.connection('main').select('SELECT id, total FROM invoices'), [{ id: 1, total: 100 }]);
      assert.ok(await tableExists('products'), 'the migration before it committed');
      assert.deepEqual(await applied(), ['20250101000000_create_customers', '20250102000000_create_products']);
    });
  } else {
    test('transactional DDL: nothing of the run is applied, and the message says so', async () => {
      const result = await project.run(['migrate']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /Nothing of it was applied: the run's transaction was rolled back, undoing also 20250102000000_create_products\./);
      assert.match(result.stdout, /20250102000000_create_products[^\n]*undone/);
      assert.equal(await tableExists('invoices'), false);
      assert.equal(await tableExists('products'), false);
      assert.ok(await tableExists('customers'), 'the earlier run stays');
      assert.deepEqual(await applied(), ['20250101000000_create_customers']);
    });
  }

  test('after the fix, migrate applies what is pending', async () => {
    if (engine.driver === 'mysql') await DB.connection('main').statement('DROP TABLE invoices');
    project.migration('20250103000000_create_invoices.mjs', BAD.replace("await db.insertInto('no_such_table').values({ id: 1 }).execute();", ''));
    const result = await project.run(['migrate']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await applied(), [
      '20250101000000_create_customers',
      '20250102000000_create_products',
      '20250103000000_create_invoices',
    ]);
  });
});
