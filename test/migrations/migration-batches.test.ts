import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DB } from '../../src/index.js';
import { Migrations } from '../../src/migrations/migrations.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { tableNames } from './catalog.js';

/** A migration that creates and drops `table`. */
function creates(table: string): string {
  return `export async function up(db) { await db.schema.createTable('${table}').addColumn('id', 'integer').execute(); }
export async function down(db) { await db.schema.dropTable('${table}').execute(); }`;
}

describeEachEngine('migration batches: rollback undoes the last migrate run', (engine) => {
  let database: ThrowawayDatabase;
  let folder: string;

  before(async () => {
    database = await engine.createDatabase();
    folder = mkdtempSync(join(tmpdir(), 'sodb-batches-'));
    writeFileSync(join(folder, 'package.json'), '{ "type": "module" }');
    await DB.configure({ default: 'main', connections: { main: database.options } });
  });

  after(async () => {
    await DB.disconnect();
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  function add(table: string, name: string): void {
    writeFileSync(join(folder, `${name}_${table}.mjs`), creates(table));
  }

  async function migrator() {
    return (await Migrations.load(folder)).migrator('main');
  }

  async function batches(): Promise<Record<string, number | null>> {
    const states = await (await migrator()).status();
    return Object.fromEntries(states.filter((s) => s.appliedAt !== null).map((s) => [s.name.replace(/^\d+_/, ''), s.batch]));
  }

  async function appTables(): Promise<string[]> {
    return (await tableNames(DB.connection('main'), engine.driver)).filter((t) => t.startsWith('t_'));
  }

  test('each migrate run is a batch; rollback undoes the newest batch whole, then the one before', async () => {
    add('t_a', '001');
    add('t_b', '002');
    assert.equal((await (await migrator()).migrate()).error, undefined);
    add('t_c', '003');
    add('t_d', '004');
    const second = await (await migrator()).migrate();
    assert.deepEqual(second.steps.map((s) => s.name), ['003_t_c', '004_t_d']);
    assert.deepEqual(await batches(), { t_a: 1, t_b: 1, t_c: 2, t_d: 2 });

    const back = await (await migrator()).rollback();
    assert.deepEqual(back.steps.map((s) => [s.name, s.status]), [
      ['004_t_d', 'done'],
      ['003_t_c', 'done'],
    ]);
    assert.deepEqual(await appTables(), ['t_a', 't_b']);
    assert.deepEqual(await batches(), { t_a: 1, t_b: 1 });

    // The next run is batch 2 again (the highest left, plus one), as in Laravel.
    assert.equal((await (await migrator()).migrate()).error, undefined);
    assert.deepEqual(await batches(), { t_a: 1, t_b: 1, t_c: 2, t_d: 2 });
  });

  test('rollback({ steps }) undoes that many migrations, across batches', async () => {
    const back = await (await migrator()).rollback({ steps: 3 });
    assert.deepEqual(back.steps.map((s) => s.name), ['004_t_d', '003_t_c', '002_t_b']);
    assert.deepEqual(await appTables(), ['t_a']);
    assert.deepEqual(await batches(), { t_a: 1 });
  });

  test('a database migrated before batches were recorded: each old migration is a batch of its own', async () => {
    assert.equal((await (await migrator()).migrate()).error, undefined); // t_b, t_c, t_d: batch 2
    // What an older so-database left: Kysely's table only.
    await DB.connection('main').statement('DROP TABLE so_migration_batches');
    assert.deepEqual(await batches(), { t_a: null, t_b: null, t_c: null, t_d: null });
    add('t_e', '005');
    add('t_f', '006');
    assert.equal((await (await migrator()).migrate()).error, undefined);
    assert.deepEqual(await batches(), { t_a: null, t_b: null, t_c: null, t_d: null, t_e: 1, t_f: 1 });

    const undone: string[][] = [];
    for (let i = 0; i < 3; i++) undone.push((await (await migrator()).rollback()).steps.map((s) => s.name));
    assert.deepEqual(undone, [['006_t_f', '005_t_e'], ['004_t_d'], ['003_t_c']]);
    assert.deepEqual(await appTables(), ['t_a', 't_b']);
  });

  test('reset undoes every applied migration, newest first, and forgets their batches', async () => {
    const run = await (await migrator()).reset();
    assert.equal(run.error, undefined);
    assert.deepEqual(run.steps.map((s) => s.name), ['002_t_b', '001_t_a']);
    assert.deepEqual(await appTables(), []);
    assert.deepEqual(await DB.connection('main').select('SELECT name FROM kysely_migration'), []);
    assert.deepEqual(await DB.connection('main').select('SELECT name FROM so_migration_batches'), []);
    const again = await (await migrator()).reset();
    assert.deepEqual(again.steps, []);
  });
});
