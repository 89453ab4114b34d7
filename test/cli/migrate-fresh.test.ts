import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { DB } from '../../src/index.js';
import { tableNames } from '../migrations/catalog.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { BIN, type CliResult, ensureBuilt, TempProject } from './cli-harness.js';

const AUTHORS = `export async function up(db, t) {
  await db.schema.createTable('authors').$call(t.id).addColumn('name', 'varchar(50)').execute();
}
export async function down(db) {
  await db.schema.dropTable('authors').execute();
}
`;

const BOOKS = `export async function up(db, t) {
  await db.schema.createTable('books').$call(t.id).$call((table) => t.foreignId(table, 'author_id', 'authors.id')).execute();
}
export async function down(db) {
  await db.schema.dropTable('books').execute();
}
`;

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Runs so-db on a pseudo-terminal (util-linux `script`), typing `answer` when it asks. */
function runOnTerminal(project: TempProject, args: readonly string[], answer: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: project.dir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let answered = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!answered && stdout.includes('Type yes to go on:')) {
        answered = true;
        child.stdin.write(`${answer}\n`);
      }
    });
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`so-db ${args.join(' ')} on a terminal did not exit.\n${stdout}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr: '' });
    });
  });
}

describeEachEngine('so-db migrate:fresh and migrate:reset', (engine) => {
  let main: ThrowawayDatabase;
  let project: TempProject;

  async function tables(): Promise<string[]> {
    return tableNames(DB.connection('main'), engine.driver);
  }

  before(async () => {
    ensureBuilt();
    main = await engine.createDatabase();
    const config = { default: 'main', connections: { main: main.options, legacy: { ...main.options, readOnly: true } } };
    project = new TempProject(config);
    project.migration('20250101000000_create_authors.mjs', AUTHORS);
    project.migration('20250102000000_create_books.mjs', BOOKS);
    await DB.configure(config);
    const migrated = await project.run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    await DB.connection('main').insert('INSERT INTO authors (name) VALUES (?)', ['Ada']);
    await DB.connection('main').statement('CREATE TABLE scratch (id INTEGER)');
  });

  after(async () => {
    await DB.disconnect();
    project?.cleanup();
    await main?.drop();
  });

  test('without --force and without a terminal, migrate:fresh refuses and drops nothing', async () => {
    const result = await project.run(['migrate:fresh']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^so-db: migrate:fresh drops every table and view of \[main\] \((mysql|pgsql|sqlite) .+\): pass --force to confirm \(there is no terminal to ask on\)\.\n$/,
    );
    assert.ok((await tables()).includes('scratch'));
    assert.deepEqual(await DB.connection('main').select('SELECT name FROM authors'), [{ name: 'Ada' }]);
  });

  test('on a read-only connection, migrate:fresh is refused before anything is dropped', async () => {
    project.migration('20250103000000_legacy.mjs', `export const connection = 'legacy';\n${AUTHORS.replace(/authors/g, 'old_authors')}`);
    try {
      const result = await project.run(['migrate:fresh', '--force']);
      assert.equal(result.code, 1);
      assert.equal(result.stderr, 'so-db: Connection [legacy] is read-only: migrate:fresh refused.\n');
      assert.ok((await tables()).includes('scratch'), 'main, first in line, was not touched either');
    } finally {
      project.remove('database/migrations/20250103000000_legacy.mjs');
    }
  });

  test('on a terminal, migrate:fresh asks, and anything but yes cancels', { skip: !hasScript && 'no `script` command' }, async () => {
    const result = await runOnTerminal(project, ['migrate:fresh'], 'no');
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /Drop every table and view of connection \[main\] \(\w+ [^)]+\), then migrate\? Type yes to go on:/);
    assert.match(result.stdout, /Cancelled: nothing was dropped\./);
    assert.ok((await tables()).includes('scratch'));
  });

  test('migrate:fresh --force drops every table, the ones no migration made too, then migrates as batch 1', async () => {
    const result = await project.run(['migrate:fresh', '--force']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^Connection \[main\] \(\w+\): dropped 6 tables \(authors, books, kysely_migration, kysely_migration_lock, scratch, so_migration_batches\) and 0 views\.$/m,
    );
    assert.match(result.stdout, /20250101000000_create_authors[\s\S]*applied[\s\S]*20250102000000_create_books[\s\S]*applied/);
    assert.deepEqual(await tables(), ['authors', 'books', 'kysely_migration', 'kysely_migration_lock', 'so_migration_batches']);
    assert.deepEqual(await DB.connection('main').select('SELECT name FROM authors'), []);
    const { value } = await project.json<{ connections: { migrations: { batch: number | null }[] }[] }>(['migrate:status']);
    assert.deepEqual(value.connections[0].migrations.map((m) => m.batch), [1, 1]);
  });

  test('on a terminal, yes goes on', { skip: !hasScript && 'no `script` command' }, async () => {
    await DB.connection('main').statement('CREATE TABLE scratch (id INTEGER)');
    const result = await runOnTerminal(project, ['migrate:fresh', '--connection', 'main'], 'yes');
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /dropped 6 tables/);
    assert.ok(!(await tables()).includes('scratch'));
  });

  test('migrate:reset undoes every migration with its down, newest first', async () => {
    const result = await project.run(['migrate:reset']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /20250102000000_create_books[\s\S]*rolled back[\s\S]*20250101000000_create_authors[\s\S]*rolled back/);
    assert.deepEqual(await tables(), ['kysely_migration', 'kysely_migration_lock', 'so_migration_batches']);
    const again = await project.run(['migrate:reset']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Connection \[main\] \(\w+\): nothing to roll back\./);
  });
});
