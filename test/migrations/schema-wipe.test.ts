import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DB, MigrationError, ReadOnlyError } from '../../src/index.js';
import { Migrations } from '../../src/migrations/migrations.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { tableNames, viewNames } from './catalog.js';

const LIBRARY = `export async function up(db, t) {
  await db.schema.createTable('authors').$call(t.id).addColumn('name', 'varchar(50)').execute();
  await db.schema.createTable('books').$call(t.id)
    .$call((table) => t.foreignId(table, 'author_id', 'authors.id')).execute();
}
export async function down(db) {
  await db.schema.dropTable('books').execute();
  await db.schema.dropTable('authors').execute();
}`;

const FAILS = `export async function up(db) {
  await db.schema.createTable('extra').addColumn('id', 'integer').execute();
  await db.insertInto('no_such_table').values({ id: 1 }).execute();
}`;

describeEachEngine('migrate:fresh (library): drop every table and view, then migrate', (engine) => {
  let database: ThrowawayDatabase;
  let folder: string;

  function folderWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(folder, 'm-'));
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    return dir;
  }

  before(async () => {
    database = await engine.createDatabase();
    folder = mkdtempSync(join(tmpdir(), 'sodb-fresh-'));
    writeFileSync(join(folder, 'package.json'), '{ "type": "module" }');
    await DB.configure({
      default: 'main',
      connections: { main: database.options, legacy: { ...database.options, readOnly: true } },
    });
  });

  after(async () => {
    await DB.disconnect();
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  /** Migrated, with rows, plus what no migration made: a table referring to one that did, a view, the decision log. */
  async function populate(dir: string): Promise<void> {
    const run = await (await Migrations.load(dir)).migrator('main').migrate();
    assert.equal(run.error, undefined, run.error?.message);
    const db = DB.connection('main');
    await db.insert('INSERT INTO authors (name) VALUES (?)', ['Ada']);
    await db.insert('INSERT INTO books (author_id) VALUES (?)', [1]);
    if (engine.driver === 'mysql') {
      // MySQL/MariaDB ignore a REFERENCES clause inside a column definition.
      await db.statement('CREATE TABLE notes (id INTEGER PRIMARY KEY, book_id BIGINT UNSIGNED, text VARCHAR(50))');
      await db.statement('ALTER TABLE notes ADD CONSTRAINT notes_book FOREIGN KEY (book_id) REFERENCES books (id)');
    } else {
      await db.statement('CREATE TABLE notes (id INTEGER PRIMARY KEY, book_id BIGINT REFERENCES books (id), text VARCHAR(50))');
    }
    await db.statement('CREATE VIEW book_authors AS SELECT b.id, a.name FROM books b JOIN authors a ON a.id = b.author_id');
    await db.insert('INSERT INTO notes (id, book_id, text) VALUES (?, ?, ?)', [1, 1, 'n']);
    await db.statement('CREATE TABLE IF NOT EXISTS so_transaction_log (xid VARCHAR(100) PRIMARY KEY)');
    await db.statement('DELETE FROM so_transaction_log');
    await db.insert('INSERT INTO so_transaction_log (xid) VALUES (?)', ['in-doubt']);
  }

  test('drops every table and view, foreign keys or not, keeps the decision log, and migrates as batch 1', async () => {
    const dir = folderWith({ '001_library.mjs': LIBRARY });
    await populate(dir);
    const db = DB.connection('main');
    const run = await (await Migrations.load(dir)).migrator('main').fresh();
    assert.equal(run.error, undefined, run.error?.message);
    assert.deepEqual(run.dropped, {
      tables: ['authors', 'books', 'kysely_migration', 'kysely_migration_lock', 'notes', 'so_migration_batches'],
      views: ['book_authors'],
    });
    assert.deepEqual(run.steps.map((s) => [s.name, s.status]), [['001_library', 'done']]);
    assert.deepEqual(await tableNames(db, engine.driver), [
      'authors',
      'books',
      'kysely_migration',
      'kysely_migration_lock',
      'so_migration_batches',
      'so_transaction_log',
    ]);
    assert.deepEqual(await viewNames(db, engine.driver), []);
    assert.deepEqual(await db.select('SELECT * FROM authors'), []);
    assert.deepEqual(await db.select('SELECT xid FROM so_transaction_log'), [{ xid: 'in-doubt' }]);
    const states = await (await Migrations.load(dir)).migrator('main').status();
    assert.deepEqual(states.map((s) => [s.name, s.batch]), [['001_library', 1]]);
  });

  test('a read-only connection refuses, and nothing is dropped', async () => {
    const dir = folderWith({ '001_library.mjs': `export const connection = 'legacy';\n${LIBRARY}` });
    await assert.rejects((await Migrations.load(dir)).migrator('legacy').fresh(), (error) => {
      assert.ok(error instanceof ReadOnlyError);
      assert.equal(error.message, 'Connection [legacy] is read-only: migrate refused.');
      return true;
    });
    assert.ok((await tableNames(DB.connection('main'), engine.driver)).includes('authors'));
  });

  if (engine.driver === 'mysql') {
    test('MySQL/MariaDB: a failing migration leaves the tables dropped, and says which failed', async () => {
      const dir = folderWith({ '001_library.mjs': LIBRARY, '002_fails.mjs': FAILS });
      const run = await (await Migrations.load(dir)).migrator('main').fresh();
      assert.ok(run.error instanceof MigrationError);
      assert.equal(run.error.migration, '002_fails');
      assert.deepEqual(run.dropped?.tables.includes('authors'), true);
      assert.deepEqual(run.error.statementsRun, ['create table `extra` (`id` integer)']);
      assert.match(run.error.message, /\nThe tables and views it dropped first stay dropped\.$/);
    });
  } else {
    test('a failing migration rolls the whole fresh run back: the dropped tables, views and rows are back', async () => {
      const db = DB.connection('main');
      await populate(folderWith({ '001_library.mjs': LIBRARY }));
      const before = await tableNames(db, engine.driver);
      const dir = folderWith({ '001_library.mjs': LIBRARY, '002_fails.mjs': FAILS });
      const run = await (await Migrations.load(dir)).migrator('main').fresh();
      assert.ok(run.error instanceof MigrationError);
      assert.equal(run.error.migration, '002_fails');
      assert.match(run.error.message, /Nothing of it was applied: the run's transaction was rolled back, undoing also 001_library\.\nThe tables and views it dropped first are back\.$/);
      assert.deepEqual(await tableNames(db, engine.driver), before);
      assert.deepEqual(await viewNames(db, engine.driver), ['book_authors']);
      assert.deepEqual(await db.select('SELECT text FROM notes'), [{ text: 'n' }]);
      assert.deepEqual(await db.select('SELECT name FROM book_authors'), [{ name: 'Ada' }]);
    });
  }
});
