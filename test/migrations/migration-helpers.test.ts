import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DB, MigrationError, Model, QueryError } from '../../src/index.js';
import { Migrations } from '../../src/migrations/migrations.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { columnFacts, foreignKeyFacts, tableNames } from './catalog.js';

// Not UTC, so a timestamp type that reads back another instant than was written shows (PostgreSQL's
// plain TIMESTAMP, which postgres.js writes as UTC and reads as local time). No DST: no gap hour.
process.env.TZ = 'Asia/Kolkata';

class Author extends Model {
  static table = 'authors';
  static timestamps = true;
  declare id: number;
  declare name: string;
  declare created_at: Date;
  declare updated_at: Date;
}

class Book extends Model {
  static table = 'books';
  static timestamps = true;
  static casts = { deleted_at: 'date' } as const;
  declare id: number;
  declare title: string;
  declare author_id: number;
  declare editor_id: number | null;
  declare created_at: Date;
  declare updated_at: Date;
  declare deleted_at: Date | null;
}

const LIBRARY = `export async function up(db, t) {
  await db.schema.createTable('authors')
    .$call(t.id)
    .addColumn('name', 'varchar(100)', (col) => col.notNull())
    .$call(t.timestamps)
    .execute();
  await db.schema.createTable('books')
    .$call(t.id)
    .addColumn('title', 'varchar(100)', (col) => col.notNull())
    .$call((table) => t.foreignId(table, 'author_id', 'authors.id', { onDelete: 'cascade' }))
    .$call((table) => t.foreignId(table, 'editor_id', 'authors.id', { nullable: true, onDelete: 'set null' }))
    .$call(t.timestamps)
    .$call(t.softDeletes)
    .execute();
  // Nested instead of chained, with the key under another name.
  await t.timestamps(t.id(db.schema.createTable('shelves'), 'shelf_id')).execute();
}
export async function down(db, t) {
  if (typeof t?.id !== 'function') throw new Error('down(db, t) received no helpers');
  await db.schema.dropTable('shelves').execute();
  await db.schema.dropTable('books').execute();
  await db.schema.dropTable('authors').execute();
}
`;

describeEachEngine('migration helpers: up(db, t)', (engine) => {
  let database: ThrowawayDatabase;
  let folder: string;

  function folderWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(folder, 'm-'));
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    return dir;
  }

  before(async () => {
    database = await engine.createDatabase();
    folder = mkdtempSync(join(tmpdir(), 'sodb-helpers-'));
    writeFileSync(join(folder, 'package.json'), '{ "type": "module" }');
    await DB.configure({ default: 'main', connections: { main: database.options } });
  });

  after(async () => {
    await DB.disconnect();
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  test('t.id, t.timestamps, t.softDeletes and t.foreignId make the engine-right columns and keys', async () => {
    const migrations = await Migrations.load(folderWith({ '001_library.mjs': LIBRARY }));
    const run = await migrations.migrator('main').migrate();
    assert.equal(run.error, undefined, run.error?.message);
    const db = DB.connection('main');
    const key = { mysql: 'bigint unsigned', pgsql: 'bigint', sqlite: 'integer' }[engine.driver];
    const time = { mysql: 'datetime', pgsql: 'timestamp with time zone', sqlite: 'datetime' }[engine.driver];
    const id = { type: key, nullable: false, primaryKey: true, generated: true };
    const stamp = { type: time, nullable: true, primaryKey: false, generated: false };
    const reference = (nullable: boolean) => ({ type: key, nullable, primaryKey: false, generated: false });
    assert.deepEqual(await columnFacts(db, engine.driver, 'authors'), {
      id,
      name: { type: engine.driver === 'mysql' ? 'varchar(100)' : engine.driver === 'pgsql' ? 'character varying' : 'varchar(100)', nullable: false, primaryKey: false, generated: false },
      created_at: stamp,
      updated_at: stamp,
    });
    const books = await columnFacts(db, engine.driver, 'books');
    assert.deepEqual(
      { id: books.id, author_id: books.author_id, editor_id: books.editor_id, created_at: books.created_at, deleted_at: books.deleted_at },
      { id, author_id: reference(false), editor_id: reference(true), created_at: stamp, deleted_at: stamp },
    );
    assert.deepEqual(Object.keys(books), ['id', 'title', 'author_id', 'editor_id', 'created_at', 'updated_at', 'deleted_at']);
    assert.deepEqual(await foreignKeyFacts(db, engine.driver, 'books'), [
      { column: 'author_id', references: 'authors.id', onDelete: 'CASCADE' },
      { column: 'editor_id', references: 'authors.id', onDelete: 'SET NULL' },
    ]);
    assert.deepEqual(await columnFacts(db, engine.driver, 'shelves'), { shelf_id: id, created_at: stamp, updated_at: stamp });
  });

  test('the model layer writes and reads them back: generated keys, timestamps to the second', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const ada = await Author.create({ name: 'Ada' });
    const grace = await Author.create({ name: 'Grace' });
    assert.deepEqual([ada.id, grace.id], [1, 2]);
    assert.ok(ada.created_at instanceof Date && ada.created_at.getTime() >= before);
    const read = await Author.findOrFail(ada.id);
    assert.equal(read.name, 'Ada');
    assert.equal(read.created_at.getTime(), ada.created_at.getTime(), 'created_at reads back the instant written');
    assert.equal(read.updated_at.getTime(), ada.updated_at.getTime());

    const book = await Book.create({ title: 'Notes', author_id: ada.id, editor_id: grace.id });
    assert.equal(book.id, 1);
    const deletedAt = new Date('2024-06-01T10:20:30Z');
    book.deleted_at = deletedAt;
    await book.save();
    assert.equal((await Book.findOrFail(book.id)).deleted_at?.getTime(), deletedAt.getTime());
  });

  test('the foreign keys hold: an unknown author is refused, deleting one cascades or sets null', async () => {
    await assert.rejects(Book.create({ title: 'Orphan', author_id: 999 }), QueryError);
    const [ada, grace] = await Author.query().orderBy('id').get();
    await Book.create({ title: 'Compilers', author_id: grace.id, editor_id: ada.id });
    await ada.delete();
    assert.deepEqual(
      (await Book.query().orderBy('id').get()).map((b) => [b.title, b.author_id, b.editor_id]),
      [['Compilers', grace.id, null]],
      "Ada's own book went with her (cascade); she no longer edits the other (set null)",
    );
  });

  test('down(db, t) gets the helpers too; the rollback drops the tables', async () => {
    const migrations = await Migrations.load(folderWith({ '001_library.mjs': LIBRARY }));
    const run = await migrations.migrator('main').rollback();
    assert.equal(run.error, undefined, run.error?.message);
    const left = await tableNames(DB.connection('main'), engine.driver);
    assert.deepEqual(
      left.filter((t) => ['authors', 'books', 'shelves'].includes(t)),
      [],
    );
  });

  test("t.foreignId without 'table.column' is a MigrationError that says how to write it", async () => {
    const migrations = await Migrations.load(
      folderWith({
        '001_bad.mjs': `export async function up(db, t) {
  await db.schema.createTable('bad').$call(t.id).$call((table) => t.foreignId(table, 'author_id', 'authors')).execute();
}`,
      }),
    );
    const run = await migrations.migrator('main').migrate();
    assert.ok(run.error instanceof MigrationError);
    assert.ok(run.error.cause instanceof MigrationError);
    assert.equal(
      run.error.cause.message,
      `t.foreignId(table, 'author_id', "authors"): name the referenced column as 'table.column', e.g. 'authors.id'.`,
    );
    assert.ok(!(await tableNames(DB.connection('main'), engine.driver)).includes('bad'));
  });
});
