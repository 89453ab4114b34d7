import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DB } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { ensureBuilt, TempProject } from './cli-harness.js';

interface StatusJson {
  connections: {
    connection: string;
    migrations: { name: string; status: 'applied' | 'pending'; appliedAt: string | null; batch: number | null }[];
  }[];
}

const USERS = `import type { MigrationDb } from 'so-database';

export async function up(db: MigrationDb): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('email', 'varchar(255)', (col) => col.notNull())
    .execute();
  await db.insertInto('users').values({ id: 1, email: 'ada@example.com' }).execute();
}

export async function down(db: MigrationDb): Promise<void> {
  await db.schema.dropTable('users').execute();
}
`;

const POSTS = `export async function up(db) {
  await db.schema.createTable('posts').addColumn('id', 'integer').addColumn('user_id', 'integer').execute();
  await db.schema.createIndex('posts_user').on('posts').column('user_id').execute();
}
export async function down(db) {
  await db.schema.dropTable('posts').execute();
}
`;

const TAGS = `export async function up(db) {
  await db.schema.createTable('tags').addColumn('id', 'integer').execute();
}
export async function down(db) {
  await db.schema.dropTable('tags').execute();
}
`;

const AUDIT = `export const connection = 'audit';
export async function up(db) {
  await db.schema.createTable('audit_log').addColumn('id', 'integer').execute();
}
export async function down(db) {
  await db.schema.dropTable('audit_log').execute();
}
`;

describeEachEngine('so-db migrate, migrate:rollback, migrate:status', (engine) => {
  let main: ThrowawayDatabase;
  let audit: ThrowawayDatabase;
  let project: TempProject;

  async function tables(connection: string): Promise<string[]> {
    const sql =
      engine.driver === 'sqlite'
        ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
        : engine.driver === 'mysql'
          ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
          : `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`;
    const rows = await DB.connection(connection).select<{ name: string }>(sql);
    return rows.map((r) => r.name).sort();
  }

  async function applied(connection: string): Promise<string[]> {
    const rows = await DB.connection(connection).select<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    return rows.map((r) => r.name);
  }

  async function status(): Promise<Record<string, Record<string, string>>> {
    const { code, value, stderr } = await project.json<StatusJson>(['migrate:status']);
    assert.equal(code, 0, stderr);
    return Object.fromEntries(
      value.connections.map((c) => [c.connection, Object.fromEntries(c.migrations.map((m) => [m.name, m.status]))]),
    );
  }

  before(async () => {
    ensureBuilt();
    main = await engine.createDatabase();
    audit = await engine.createDatabase();
    const config = { default: 'main', connections: { main: main.options, audit: audit.options } };
    project = new TempProject(config);
    project.migration('20250101000000_create_users.ts', USERS);
    project.migration('20250102000000_create_posts.mjs', POSTS);
    project.migration('20250103000000_create_audit_log.js', AUDIT);
    await DB.configure(config);
  });

  after(async () => {
    await DB.disconnect();
    project?.cleanup();
    await main?.drop();
    await audit?.drop();
  });

  test('migrate:status lists every migration as pending before the first run', async () => {
    assert.deepEqual(await status(), {
      main: { '20250101000000_create_users': 'pending', '20250102000000_create_posts': 'pending' },
      audit: { '20250103000000_create_audit_log': 'pending' },
    });
  });

  test('migrate applies each migration on its own connection, recorded in that database', async () => {
    const result = await project.run(['migrate']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Connection \[main\][\s\S]*20250101000000_create_users[\s\S]*applied/);
    assert.match(result.stdout, /Connection \[audit\][\s\S]*20250103000000_create_audit_log[\s\S]*applied/);
    assert.deepEqual(await tables('main'), ['kysely_migration', 'kysely_migration_lock', 'posts', 'so_migration_batches', 'users']);
    assert.deepEqual(await tables('audit'), ['audit_log', 'kysely_migration', 'kysely_migration_lock', 'so_migration_batches']);
    assert.deepEqual(await applied('main'), ['20250101000000_create_users', '20250102000000_create_posts']);
    assert.deepEqual(await applied('audit'), ['20250103000000_create_audit_log']);
    assert.deepEqual(await DB.connection('main').select('SELECT id, email FROM users'), [{ id: 1, email: 'ada@example.com' }]);
    const statuses = await status();
    assert.deepEqual(Object.values(statuses.main), ['applied', 'applied']);
    assert.deepEqual(Object.values(statuses.audit), ['applied']);
  });

  test('a second migrate has nothing to do', async () => {
    const result = await project.run(['migrate']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Connection \[main\] \(\w+\): nothing to migrate\./);
    assert.match(result.stdout, /Connection \[audit\] \(\w+\): nothing to migrate\./);
  });

  test('migrate:status shows the batch of each applied migration; a later migrate is the next batch', async () => {
    project.migration('20250104000000_create_tags.mjs', TAGS);
    const result = await project.run(['migrate']);
    assert.equal(result.code, 0, result.stderr);
    const { value } = await project.json<StatusJson>(['migrate:status']);
    const main = value.connections.find((c) => c.connection === 'main');
    assert.deepEqual(
      main?.migrations.map((m) => [m.name, m.batch]),
      [
        ['20250101000000_create_users', 1],
        ['20250102000000_create_posts', 1],
        ['20250104000000_create_tags', 2],
      ],
    );
    const table = await project.run(['migrate:status', '--connection', 'main']);
    assert.match(table.stdout, /Batch/);
    assert.match(table.stdout, /20250104000000_create_tags\s*│ applied\s*│ 2\s*│/);
  });

  test('migrate:rollback --connection undoes the last batch of that connection only', async () => {
    const result = await project.run(['migrate:rollback', '--connection', 'main']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /20250104000000_create_tags[\s\S]*rolled back/);
    assert.deepEqual(await tables('main'), ['kysely_migration', 'kysely_migration_lock', 'posts', 'so_migration_batches', 'users']);
    const again = await project.run(['migrate:rollback', '--connection', 'main']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /20250102000000_create_posts[\s\S]*rolled back[\s\S]*20250101000000_create_users[\s\S]*rolled back/);
    assert.deepEqual(await tables('main'), ['kysely_migration', 'kysely_migration_lock', 'so_migration_batches']);
    assert.deepEqual(await applied('main'), []);
    assert.deepEqual(await applied('audit'), ['20250103000000_create_audit_log']);
    const migrated = await project.run(['migrate', '--connection', 'main']);
    assert.equal(migrated.code, 0, migrated.stderr);
  });

  test('migrate:rollback --step N undoes N migrations across batches, then migrate again: the round trip ends where it began', async () => {
    const one = await project.run(['migrate:rollback', '--connection', 'main', '--step', '1']);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(await applied('main'), ['20250101000000_create_users', '20250102000000_create_posts']);
    const back = await project.run(['migrate:rollback', '--step', '5']);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(await applied('main'), []);
    assert.deepEqual(await applied('audit'), []);
    assert.deepEqual(await tables('main'), ['kysely_migration', 'kysely_migration_lock', 'so_migration_batches']);
    assert.deepEqual(Object.values((await status()).main), ['pending', 'pending', 'pending']);
    const again = await project.run(['migrate', '--connection', 'main']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await applied('main'), [
      '20250101000000_create_users',
      '20250102000000_create_posts',
      '20250104000000_create_tags',
    ]);
    assert.deepEqual(await applied('audit'), [], '--connection main leaves audit alone');
  });

  test('make:migration writes a timestamped file from the template, which migrates', async () => {
    const made = await project.run(['make:migration', 'CreateWidgetsTable', '--connection', 'audit']);
    assert.equal(made.code, 0, made.stderr);
    const [file] = readdirSync(join(project.dir, 'database/migrations')).filter((f) => f.endsWith('_create_widgets_table.ts'));
    assert.match(file, /^\d{14}_create_widgets_table\.ts$/);
    assert.match(made.stdout, new RegExp(`Created database/migrations/${file}`));
    const source = readFileSync(join(project.dir, 'database/migrations', file), 'utf8');
    assert.match(source, /^export const connection = 'audit';$/m);
    assert.match(source, /createTable\('widgets'\)/);
    assert.match(source, /dropTable\('widgets'\)/);
    const result = await project.run(['migrate', '--connection', 'audit']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await tables('audit')).includes('widgets'));
    const unknown = await project.run(['make:migration', 'x', '--connection', 'nope']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), 'so-db: Connection [nope] not configured.');
  });
});
