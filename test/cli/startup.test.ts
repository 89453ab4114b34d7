/**
 * `so-db --help` and `--version` start fast because they load commander and the command
 * definitions only: the `.ts` config loader (tsx, esbuild), the drivers, Kysely and the
 * registry load when a command runs. Checked by the modules the process loads, never by a
 * clock (the time itself is measured by `npm run bench`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIN, ensureBuilt, ROOT, TempProject } from './cli-harness.js';

/** ES modules pass a resolve hook (on the hooks thread, so it writes to the file itself). */
const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + '\\n');
  return resolved;
}
`;

/** CommonJS modules do not pass those hooks on Node 20: they are listed from require's cache at exit. */
const TRACE = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
const file = process.env.SODB_TRACE_FILE;
register('./hooks.mjs', import.meta.url, { data: { file } });
const require = createRequire(import.meta.url);
process.on('exit', () => {
  appendFileSync(file, Object.keys(require.cache).map((path) => pathToFileURL(path).href).join('\\n') + '\\n');
});
`;

interface Loaded {
  code: number | null;
  stdout: string;
  /** Packages under node_modules, by name. */
  packages: Set<string>;
  /** Our own modules, relative to dist/. */
  own: Set<string>;
}

describe('so-db start-up: what it loads', () => {
  let project: TempProject;

  before(() => {
    ensureBuilt();
    project = new TempProject({ connections: { main: { driver: 'sqlite', database: 'app.sqlite' } } });
    project.write('app.sqlite', ''); // an empty database, which status opens
    project.write('trace/hooks.mjs', HOOKS);
    project.write('trace/trace.mjs', TRACE);
  });

  after(() => project?.cleanup());

  function load(args: readonly string[]): Loaded {
    const file = join(project.dir, `trace/loaded-${args.join('_').replace(/\W/g, '')}.txt`);
    rmSync(file, { force: true });
    const run = spawnSync(process.execPath, ['--import', './trace/trace.mjs', BIN, ...args], {
      cwd: project.dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', SODB_TRACE_FILE: file, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    const packages = new Set<string>();
    const own = new Set<string>();
    const dist = `${join(ROOT, 'dist')}/`;
    for (const url of readFileSync(file, 'utf8').split('\n')) {
      if (!url.startsWith('file:')) continue;
      const path = fileURLToPath(url);
      const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
      if (inPackage !== null) packages.add(inPackage[1]);
      else if (path.startsWith(dist)) own.add(path.slice(dist.length));
    }
    return { code: run.status, stdout: run.stdout, packages, own };
  }

  for (const args of [['--help'], ['--version'], ['status', '--help'], ['migrate', '--help']]) {
    test(`so-db ${args.join(' ')} loads commander and the command definitions only`, () => {
      const loaded = load(args);
      assert.equal(loaded.code, 0, loaded.stdout);
      assert.deepEqual([...loaded.packages].sort(), ['commander', 'picocolors']);
      const heavy = [...loaded.own].filter((file) => !/^(cli\/|errors\/)/.test(file) && file !== 'migrations/migration-error.js');
      assert.deepEqual(heavy, [], 'modules beyond the CLI and the errors');
    });
  }

  test('a command that runs loads what it needs (the trace sees ES and CommonJS modules)', () => {
    const loaded = load(['status', '--json']);
    assert.equal(loaded.code, 0, loaded.stdout);
    for (const name of ['kysely', 'better-sqlite3']) assert.ok(loaded.packages.has(name), name);
    assert.ok(loaded.own.has('registry/connection-registry.js'));
  });
});
