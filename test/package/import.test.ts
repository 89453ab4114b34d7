/**
 * The package as another project sees it: built, linked into a folder outside this
 * repository, imported by plain Node and type-checked by TypeScript.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** Every src/**.ts has its dist/**.js and .d.ts, written after the source last changed. */
function buildIsFresh(): boolean {
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return sources.every((file) => {
    const changed = statSync(join(root, 'src', file)).mtimeMs;
    return ['.js', '.d.ts'].every((ext) => {
      const built = join(root, 'dist', file.replace(/\.ts$/, ext));
      return existsSync(built) && statSync(built).mtimeMs >= changed;
    });
  });
}

describe('the built package, imported from another project', () => {
  let project: string;

  before(() => {
    // `npm test` has just built; building again would only cost time.
    if (!buildIsFresh()) {
      const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
      assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
    }
    project = mkdtempSync(join(tmpdir(), 'sodb-consumer-'));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules', 'so-database'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  });

  after(() => {
    if (project !== undefined) rmSync(project, { recursive: true, force: true });
  });

  test('package.json points at the build, which has its .d.ts files', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.exports['.'].import, './dist/index.js');
    assert.equal(pkg.exports['.'].types, './dist/index.d.ts');
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/connection/connection.d.ts', 'dist/registry/db.d.ts']) {
      assert.ok(existsSync(join(root, file)), `${file} exists`);
    }
  });

  test('a plain .mjs script imports so-database and queries SQLite', () => {
    writeFileSync(
      join(project, 'main.mjs'),
      `import { Connection, DB, defineConfig, env } from 'so-database';
process.env.SODB_CONSUMER_FILE ??= ':memory:';
await DB.configure(defineConfig({ connections: { local: { driver: 'sqlite', database: env('SODB_CONSUMER_FILE', 'x') } } }));
const db = Connection.getInstance('local');
await db.statement('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
const { insertId } = await db.insert('INSERT INTO t (name) VALUES (?)', ['consumer']);
const rows = await db.table('t').where('id', insertId).get();
console.log(JSON.stringify({ same: DB.connection('local') === db, rows }));
await DB.disconnect();
`,
    );
    const run = spawnSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout.trim()), { same: true, rows: [{ id: 1, name: 'consumer' }] });
  });

  test('the types compile in a strict TypeScript project, and they are not any', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          // As most projects set it (tsc --init does); checking every library's .d.ts would take half a minute.
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['good.ts', 'bad.ts'],
      }),
    );
    writeFileSync(
      join(project, 'good.ts'),
      `import { Connection, ConnectionError, DB, defineConfig, env, type InsertResult, type QueryEvent } from 'so-database';

await DB.configure(defineConfig({ connections: { local: { driver: 'sqlite', database: env('DB_FILE', ':memory:') } } }));
const db: Connection = Connection.getInstance('local');
const rows: { id: number }[] = await db.select<{ id: number }>('SELECT 1 AS id');
const one: { id: number } | null = await db.selectOne<{ id: number }>('SELECT ? AS id', [1]);
const inserted: InsertResult = await db.insert('INSERT INTO t (id) VALUES (?)', [1]);
const changed: number = await db.update('UPDATE t SET id = ?', [2]);
const ok: boolean = await db.statement('CREATE TABLE u (id INTEGER)');
const counted: number = await db.table('t').where('id', '>', 1).count();
const stop: () => void = DB.listen((event: QueryEvent) => console.log(event.connection, event.sql, event.durationMs));
const failure: string | undefined = new ConnectionError('x', { connection: 'local' }).connection;
console.log(rows, one, inserted.affectedRows, changed, ok, counted, stop, failure);
`,
    );
    // Type errors must be reported: the declarations carry real types, not any.
    writeFileSync(
      join(project, 'bad.ts'),
      `import { DB } from 'so-database';
const affected: string = await DB.connection('local').update('UPDATE t SET id = 1');
await DB.configure({ connections: { local: { driver: 'oracle', database: 'x' } } });
console.log(affected);
export {};
`,
    );
    const run = spawnSync(process.execPath, [tsc, '-p', project], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    const errors = run.stdout.split('\n').filter((line) => line.includes('error TS'));
    assert.deepEqual(
      errors.filter((line) => !line.startsWith('bad.ts')),
      [],
      `the valid file compiles:\n${run.stdout}${run.stderr}`,
    );
    assert.equal(errors.length, 2, run.stdout);
    assert.match(errors[0], /^bad\.ts\(2,7\): error TS2322: Type 'number' is not assignable to type 'string'/);
    assert.match(errors[1], /^bad\.ts\(3,\d+\): error TS2322: Type '"oracle"' is not assignable/);
  });
});
