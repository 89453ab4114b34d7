/**
 * The package a user installs: `npm pack` on a fresh copy of the repository (so `prepack`
 * must build it), installed from the tarball into a fresh app, then imported by plain Node,
 * run as `npx so-db`, and type-checked by TypeScript in strict mode.
 *
 * The app installs the tarball with `--ignore-scripts --prefer-offline`: its dependencies come
 * from npm's cache (warm after `npm ci`), and better-sqlite3 is not compiled, which nothing
 * here needs (test/package/import.test.ts runs real queries on the linked build). Everything
 * the app sees of so-database comes from the tarball alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The repository as a fresh clone has it: tracked and new files, nothing ignored (no dist/). */
function copyWorkingTree(to: string): void {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  for (const file of listed.split('\0')) {
    if (file === '' || !existsSync(join(root, file))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(root, file), join(to, file));
  }
  // `npm ci` would install these; the build (prepack) needs typescript from them.
  symlinkSync(join(root, 'node_modules'), join(to, 'node_modules'), 'dir');
}

describe('npm pack: the tarball, installed into a fresh app', () => {
  let work: string;
  let app: string;
  /** node_modules/so-database of the app: the tarball's content. */
  let installed: string;
  let packed: string[];

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'sodb-pack-'));
    const clone = join(work, 'clone');
    copyWorkingTree(clone);
    mkdirSync(join(work, 'out'));
    const [result] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', join(work, 'out')], clone)) as {
      filename: string;
      files: { path: string }[];
    }[];
    packed = result.files.map((f) => f.path);
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
    run('npm', ['install', join(work, 'out', result.filename), '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
    installed = join(app, 'node_modules/so-database');
  });

  after(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('it holds the build of every source file, with declarations', () => {
    const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(sources.length > 50);
    const missing = sources.flatMap((file) =>
      ['.js', '.d.ts'].map((ext) => `dist/${file.replace(/\.ts$/, ext)}`).filter((built) => !packed.includes(built)),
    );
    assert.deepEqual(missing, [], 'built files missing from the tarball');
    assert.ok(packed.includes('package.json') && packed.includes('README.md'));
    assert.ok(!packed.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), 'no tests, no dependencies');
  });

  test('every source map points at files the package holds', () => {
    const maps = packed.filter((f) => f.endsWith('.map'));
    assert.ok(maps.some((f) => f.endsWith('.js.map')) && maps.some((f) => f.endsWith('.d.ts.map')));
    const dangling: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of sources) {
        const target = resolve(installed, dirname(map), sourceRoot, source);
        if (!existsSync(target)) dangling.push(`${map} -> ${source}`);
      }
    }
    assert.deepEqual(dangling, []);
  });

  test('every relative link of its Markdown files resolves inside the package', () => {
    const markdown = packed.filter((f) => f.endsWith('.md'));
    assert.ok(markdown.includes('docs/cli.md'), 'the docs ship');
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(join(installed, file), 'utf8');
      for (const [, href] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) continue; // https:, mailto:, same-page anchors
        const path = decodeURIComponent(href.split('#')[0]);
        if (!existsSync(resolve(installed, dirname(file), path))) broken.push(`${file}: ${href}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  test('plain node imports it as an ES module', () => {
    const script = `import * as sodb from 'so-database';
const config = sodb.defineConfig({ connections: { main: { driver: 'sqlite', database: ':memory:' } } });
console.log(JSON.stringify({
  exports: Object.keys(sodb).sort(),
  config,
  hierarchy: new sodb.ConfigurationError('x') instanceof sodb.DatabaseError,
}));
`;
    const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], app)) as {
      exports: string[];
      config: unknown;
      hierarchy: boolean;
    };
    for (const name of ['DB', 'Connection', 'Model', 'Schema', 'defineConfig', 'env', 'DatabaseError', 'QueryError']) {
      assert.ok(out.exports.includes(name), `exports ${name}`);
    }
    assert.deepEqual(out.config, { connections: { main: { driver: 'sqlite', database: ':memory:' } } });
    assert.equal(out.hierarchy, true);
  });

  test('npx so-db --help and --version run the installed binary', () => {
    const help = run('npx', ['--no-install', 'so-db', '--help'], app);
    assert.match(help, /^Usage: so-db /);
    for (const command of ['status', 'migrate', 'query', 'types', 'recover']) assert.match(help, new RegExp(`^  ${command} `, 'm'));
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(run('npx', ['--no-install', 'so-db', '--version'], app).trim(), version);
  });

  test('a strict TypeScript project type-checks against it, and the types are not any', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
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
      join(app, 'good.ts'),
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
      join(app, 'bad.ts'),
      `import { DB } from 'so-database';
const affected: string = await DB.connection('local').update('UPDATE t SET id = 1');
await DB.configure({ connections: { local: { driver: 'oracle', database: 'x' } } });
console.log(affected);
export {};
`,
    );
    const result = spawnSync(process.execPath, [tsc, '-p', app], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    const errors = result.stdout.split('\n').filter((line) => line.includes('error TS'));
    assert.deepEqual(
      errors.filter((line) => !line.startsWith('bad.ts')),
      [],
      `the valid file compiles:\n${result.stdout}${result.stderr}`,
    );
    assert.equal(errors.length, 2, result.stdout);
    assert.match(errors[0], /^bad\.ts\(2,7\): error TS2322: Type 'number' is not assignable to type 'string'/);
    assert.match(errors[1], /^bad\.ts\(3,\d+\): error TS2322: Type '"oracle"' is not assignable/);
  });
});
