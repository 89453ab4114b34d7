/**
 * The package as another project sees it: built, linked into a folder outside this
 * repository, imported by plain Node and queried on SQLite (with the repository's compiled
 * better-sqlite3). The packed tarball itself is checked by pack.test.ts.
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
});
