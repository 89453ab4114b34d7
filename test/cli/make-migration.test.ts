import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DB, Model } from '../../src/index.js';
import { columnFacts, tableNames } from '../migrations/catalog.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { ensureBuilt, TempProject } from './cli-harness.js';

// Not UTC: the timestamps must read back the instant written (see migration-helpers.test.ts).
process.env.TZ = 'Asia/Kolkata';

class Widget extends Model {
  static table = 'widgets';
  static timestamps = true;
  declare id: number;
  declare created_at: Date;
  declare updated_at: Date;
}

describeEachEngine('so-db make:migration: the template runs unchanged', (engine) => {
  let database: ThrowawayDatabase;
  let project: TempProject;

  before(async () => {
    ensureBuilt();
    database = await engine.createDatabase();
    const config = { default: 'main', connections: { main: database.options } };
    project = new TempProject(config);
    await DB.configure(config);
  });

  after(async () => {
    await DB.disconnect();
    project?.cleanup();
    await database?.drop();
  });

  test('a .ts and a .js migration made by the CLI migrate, make engine-right keys and timestamps, and roll back', async () => {
    for (const args of [['create_widgets_table'], ['CreateGadgetsTable', '--ext', 'js']]) {
      const made = await project.run(['make:migration', ...args]);
      assert.equal(made.code, 0, made.stderr);
    }
    const files = readdirSync(join(project.dir, 'database/migrations')).sort();
    assert.equal(files.length, 2);
    const ts = readFileSync(join(project.dir, 'database/migrations', files.find((f) => f.endsWith('.ts')) ?? ''), 'utf8');
    assert.match(ts, /^import type \{ MigrationDb, MigrationHelpers \} from 'so-database';$/m);
    assert.match(ts, /export async function up\(db: MigrationDb, t: MigrationHelpers\): Promise<void> \{/);
    assert.match(ts, /\.\$call\(t\.id\)[\s\S]*\.\$call\(t\.timestamps\)/);

    const migrated = await project.run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    const db = DB.connection('main');
    const key = { mysql: 'bigint unsigned', pgsql: 'bigint', sqlite: 'integer' }[engine.driver];
    const time = { mysql: 'datetime', pgsql: 'timestamp with time zone', sqlite: 'datetime' }[engine.driver];
    const expected = {
      id: { type: key, nullable: false, primaryKey: true, generated: true },
      created_at: { type: time, nullable: true, primaryKey: false, generated: false },
      updated_at: { type: time, nullable: true, primaryKey: false, generated: false },
    };
    assert.deepEqual(await columnFacts(db, engine.driver, 'widgets'), expected);
    assert.deepEqual(await columnFacts(db, engine.driver, 'gadgets'), expected);

    // The model layer: the key comes back generated, the timestamps read back as written.
    const first = await Widget.create({});
    const second = await Widget.create({});
    assert.deepEqual([first.id, second.id], [1, 2]);
    const read = await Widget.findOrFail(second.id);
    assert.equal(read.created_at.getTime(), second.created_at.getTime());
    // The builder: insertGetId reads the generated key.
    assert.equal(await db.table('gadgets').insertGetId({ created_at: new Date('2024-01-02T03:04:05Z') }), 1);
    assert.equal(await db.table('gadgets').insertGetId({ updated_at: null }), 2);

    const back = await project.run(['migrate:rollback']);
    assert.equal(back.code, 0, back.stderr);
    const left = await tableNames(db, engine.driver);
    assert.ok(!left.includes('widgets') && !left.includes('gadgets'), `both were one batch: ${left.join(', ')}`);
  });
});
