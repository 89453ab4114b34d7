import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DB, MigrationError, ReadOnlyError } from '../../src/index.js';
import { Migrations } from '../../src/migrations/migrations.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

describeEachEngine('migrations (library)', (engine) => {
  let database: ThrowawayDatabase;
  let folder: string;

  function folderWith(files: Record<string, string>): string {
    const dir = mkdtempSync(join(folder, 'm-'));
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    return dir;
  }

  before(async () => {
    database = await engine.createDatabase();
    folder = mkdtempSync(join(tmpdir(), 'sodb-migrations-'));
    writeFileSync(join(folder, 'package.json'), '{ "type": "module" }');
    await DB.configure({
      default: 'main',
      connections: {
        main: database.options,
        legacy: { ...database.options, readOnly: true },
        single: { ...database.options, pool: { max: 1 } },
        // Its only replica is down and reads may not fall back: any read the migrator sent to it would fail.
        ...(engine.driver === 'sqlite'
          ? {}
          : { split: { ...database.options, write: {}, read: [{ port: 1 }], fallbackToWriter: false } }),
      },
    });
  });

  after(async () => {
    await DB.disconnect();
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  test('files are grouped by the connection they name, the default one otherwise, in name order', async () => {
    const dir = folderWith({
      '002_b.mjs': `export const connection = 'legacy'; export async function up() {}`,
      '001_a.ts': `export async function up(db: unknown): Promise<void> {}`,
      'notes.txt': 'not a migration',
      'types.d.ts': 'export {};',
    });
    const migrations = await Migrations.load(dir);
    assert.deepEqual(
      migrations.files.map((f) => [f.name, f.connection]),
      [
        ['001_a', 'main'],
        ['002_b', 'legacy'],
      ],
    );
    assert.deepEqual(migrations.connections(), ['main', 'legacy']);
  });

  test('a file that is not a migration is refused with its name', async () => {
    await assert.rejects(Migrations.load(folderWith({ '001_x.mjs': 'export const nothing = 1;' })), (error) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /^Migration .*001_x\.mjs does not export an up\(db\) function\.$/);
      return true;
    });
    await assert.rejects(Migrations.load(folderWith({ '001_y.mjs': `export const connection = 'nope'; export async function up() {}` })), {
      message: /001_y\.mjs names connection \[nope\], which is not configured\./,
    });
    await assert.rejects(Migrations.load(folderWith({ '001_z.ts': 'export async function up( {' })), {
      message: /^Cannot load migration .*001_z\.ts: /,
    });
    await assert.rejects(Migrations.load(folderWith({ '001_w.ts': 'export async function up() {}', '001_w.mjs': 'export async function up() {}' })), {
      message: 'Two migration files have the name [001_w]: 001_w.mjs and 001_w.ts; keep one.',
    });
  });

  test('a read-only connection refuses to migrate', async () => {
    const migrations = await Migrations.load(folderWith({ '001_ro.mjs': `export const connection = 'legacy'; export async function up() {}` }));
    await assert.rejects(migrations.migrator('legacy').migrate(), (error) => {
      assert.ok(error instanceof ReadOnlyError);
      assert.equal(error.message, 'Connection [legacy] is read-only: migrate refused.');
      return true;
    });
  });

  test('migrating inside a transaction of the connection is refused', async () => {
    const migrations = await Migrations.load(folderWith({ '001_t.mjs': 'export async function up() {}' }));
    const main = DB.connection('main');
    await main.transaction(async () => {
      await assert.rejects(migrations.migrator('main').migrate(), { message: /cannot run inside a transaction/ });
    });
  });

  test('a migration without down cannot be rolled back, and stays applied', async () => {
    const migrations = await Migrations.load(
      folderWith({ '001_once.mjs': `export async function up(db) { await db.schema.createTable('once').addColumn('id', 'integer').execute(); }` }),
    );
    const migrator = migrations.migrator('main');
    assert.equal((await migrator.migrate()).error, undefined);
    const back = await migrator.rollback();
    assert.ok(back.error instanceof MigrationError);
    assert.match(back.error.message, /001_once\.mjs \(down\) failed on connection \[main\]: it exports no down\(db\) function/);
    assert.equal(back.error.direction, 'down');
    assert.deepEqual(
      (await migrator.status()).map((s) => [s.name, s.appliedAt !== null]),
      [['001_once', true]],
    );
    await DB.connection('main').statement('DROP TABLE once');
    await DB.connection('main').statement('DELETE FROM kysely_migration');
  });

  test('on a read/write split connection, the migrator reads and writes on the primary only', async (t) => {
    if (engine.driver === 'sqlite') {
      t.skip('no replicas for SQLite');
      return;
    }
    const migrations = await Migrations.load(
      folderWith({
        '001_split.mjs': `export const connection = 'split';
export async function up(db) { await db.schema.createTable('split_t').addColumn('id', 'integer').execute(); }
export async function down(db) { await db.schema.dropTable('split_t').execute(); }`,
      }),
    );
    const migrator = migrations.migrator('split');
    const run = await migrator.migrate();
    assert.equal(run.error, undefined, run.error?.message);
    assert.deepEqual(
      (await migrator.status()).map((s) => [s.name, s.appliedAt !== null]),
      [['001_split', true]],
    );
    assert.equal((await migrator.rollback()).error, undefined);
    await assert.rejects(DB.connection('split').select('SELECT 1'), { name: 'ConnectionError' }, 'the replica is really down');
  });

  if (engine.driver === 'mysql') {
    test('MySQL/MariaDB: statementsRun lists what the failed migration left applied, raw calls included', async () => {
      const migrations = await Migrations.load(
        folderWith({
          '001_half.mjs': `import { DB } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)};
export async function up(db) {
  await db.schema.createTable('half').addColumn('id', 'integer').execute();
  await DB.connection('main').insert('INSERT INTO half (id) VALUES (?)', [1]);
  await db.schema.createTable('half').addColumn('id', 'integer').execute();
}
export async function down(db) { await db.schema.dropTable('half').execute(); }`,
        }),
      );
      const run = await migrations.migrator('main').migrate();
      assert.ok(run.error instanceof MigrationError);
      assert.equal(run.error.migration, '001_half');
      assert.equal(run.error.connection, 'main');
      assert.deepEqual(run.error.statementsRun, ['create table `half` (`id` integer)', 'INSERT INTO half (id) VALUES (?)']);
      assert.equal((run.error.cause as { code?: string }).code, 'ER_TABLE_EXISTS_ERROR');
      assert.deepEqual(await DB.connection('main').select('SELECT id FROM half'), [{ id: 1 }]);
      await DB.connection('main').statement('DROP TABLE half');
    });

    test('MySQL/MariaDB: a pool of one session cannot hold the lock and migrate, and says so', async () => {
      const migrations = await Migrations.load(folderWith({ '001_s.mjs': `export const connection = 'single'; export async function up() {}` }));
      await assert.rejects(migrations.migrator('single').migrate(), {
        message: 'Connection [single]: migrations on MySQL/MariaDB need pool.max of at least 2 (one session holds the migration lock), got 1.',
      });
    });
  } else {
    test('transactional DDL: a pool of one session is enough', async () => {
      const migrations = await Migrations.load(
        folderWith({
          '001_s.mjs': `export const connection = 'single';
export async function up(db) { await db.schema.createTable('single_t').addColumn('id', 'integer').execute(); }
export async function down(db) { await db.schema.dropTable('single_t').execute(); }`,
        }),
      );
      const run = await migrations.migrator('single').migrate();
      assert.equal(run.error, undefined);
      assert.deepEqual(run.steps.map((s) => [s.name, s.status]), [['001_s', 'done']]);
      assert.equal((await migrations.migrator('single').rollback()).error, undefined);
    });
  }
});
