import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { findConfigFile, loadConfig } from '../../src/config/config-loader.js';
import { resetEnvForTests } from '../../src/config/env.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC_CONFIG = join(ROOT, 'src/config');
const PASSWORD = "p@ss:w/rd#?&'%";

let savedEnv: NodeJS.ProcessEnv;
let cwd: string;

function write(relativePath: string, text: string): string {
  const file = join(cwd, relativePath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A config whose only connection is named after the file, to tell which file was loaded. */
function sqliteConfig(name: string): string {
  return JSON.stringify({ connections: { [name]: { driver: 'sqlite', database: ':memory:' } } });
}

function catchError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

beforeEach(() => {
  savedEnv = { ...process.env };
  for (const key of ['SO_DB_CONFIG', 'APP_ENV', 'NODE_ENV', 'DB_HOST', 'DB_PORT', 'DB_PASSWORD']) delete process.env[key];
  resetEnvForTests();
  cwd = realpathSync(mkdtempSync(join(tmpdir(), 'sodb-loader-')));
});

afterEach(() => {
  resetEnvForTests();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  rmSync(cwd, { recursive: true, force: true });
});

describe('loadConfig: discovery', () => {
  it('tries config/database.ts, .js, .mjs, .json in that order', () => {
    write('config/database.json', sqliteConfig('fromJson'));
    assert.deepEqual(Object.keys(loadConfig({ cwd }).connections), ['fromJson']);
    write('config/database.mjs', `export default ${sqliteConfig('fromMjs')};`);
    assert.deepEqual(Object.keys(loadConfig({ cwd }).connections), ['fromMjs']);
    write('config/database.js', `export default ${sqliteConfig('fromJs')};`);
    assert.deepEqual(Object.keys(loadConfig({ cwd }).connections), ['fromJs']);
    write('config/database.ts', `const config: object = ${sqliteConfig('fromTs')};\nexport default config;`);
    const config = loadConfig({ cwd });
    assert.deepEqual(Object.keys(config.connections), ['fromTs']);
    assert.equal(config.source, 'config/database.ts');
    assert.equal(findConfigFile({ cwd }), join(cwd, 'config/database.ts'));
  });

  it('lists every path it tried when there is no configuration', () => {
    const error = catchError(() => loadConfig({ cwd }));
    const tried = ['ts', 'js', 'mjs', 'json'].map((ext) => join(cwd, `config/database.${ext}`)).join(', ');
    assert.equal(
      error.message,
      `No database configuration found. Tried: ${tried}. Create one of them, set SO_DB_CONFIG, or call DB.configure().`,
    );
  });

  it('loads the file SO_DB_CONFIG names, relative to cwd, instead of looking', () => {
    write('config/database.ts', `export default ${sqliteConfig('fromTs')};`);
    write('custom/db.json', sqliteConfig('custom'));
    process.env.SO_DB_CONFIG = 'custom/db.json';
    const config = loadConfig({ cwd });
    assert.deepEqual(Object.keys(config.connections), ['custom']);
    assert.equal(config.source, 'custom/db.json');
  });

  it('reads SO_DB_CONFIG from .env', () => {
    write('custom/db.json', sqliteConfig('custom'));
    write('.env', 'SO_DB_CONFIG=custom/db.json\n');
    assert.deepEqual(Object.keys(loadConfig({ cwd }).connections), ['custom']);
  });

  it('refuses a SO_DB_CONFIG that names no file', () => {
    write('config/database.json', sqliteConfig('fromJson'));
    process.env.SO_DB_CONFIG = 'missing.json';
    const error = catchError(() => loadConfig({ cwd }));
    assert.equal(error.key, 'SO_DB_CONFIG');
    assert.equal(error.message, `Database configuration file not found: ${join(cwd, 'missing.json')} (named by SO_DB_CONFIG).`);
  });

  it('prefers an explicit path over SO_DB_CONFIG', () => {
    write('a.json', sqliteConfig('a'));
    write('b.json', sqliteConfig('b'));
    process.env.SO_DB_CONFIG = 'a.json';
    assert.deepEqual(Object.keys(loadConfig({ cwd, path: 'b.json' }).connections), ['b']);
    assert.match(catchError(() => loadConfig({ cwd, path: 'nope.ts' })).message, /not found: .*nope\.ts \(named by the path/);
  });

  it('refuses a file type it cannot load', () => {
    write('config/database.yaml', 'connections: {}');
    const error = catchError(() => loadConfig({ cwd, path: 'config/database.yaml' }));
    assert.match(error.message, /unsupported file type "\.yaml"/);
  });
});

describe('loadConfig: file types', () => {
  it('loads a TypeScript config using defineConfig, env() and type annotations', () => {
    write('.env', `DB_HOST=from-dotenv\nDB_PORT=3307\nDB_PASSWORD="${PASSWORD}"\n`);
    write('.env.production', 'DB_HOST=prod-host\n');
    process.env.APP_ENV = 'production';
    write(
      'config/database.ts',
      `import { defineConfig } from ${JSON.stringify(join(SRC_CONFIG, 'define-config.ts'))};
import { env } from ${JSON.stringify(join(SRC_CONFIG, 'env.ts'))};
import type { DatabaseConfig } from ${JSON.stringify(join(SRC_CONFIG, 'types.ts'))};

const replicas: Array<{ host: string }> = [{ host: 'replica1' }];

export default defineConfig({
  default: env('DB_CONNECTION', 'db'),
  connections: {
    db: {
      driver: 'mysql',
      host: env('DB_HOST', 'localhost'),
      port: env('DB_PORT', '3306'),
      database: env('DB_DATABASE', 'myapp'),
      password: env('DB_PASSWORD', ''),
      read: replicas,
    },
    local: { driver: 'sqlite', database: 'storage/app.sqlite' },
  },
} satisfies DatabaseConfig);
`,
    );
    const config = loadConfig({ cwd });
    assert.equal(config.default, 'db');
    assert.deepEqual(config.connections.db.write, {
      host: 'prod-host',
      port: 3307,
      database: 'myapp',
      username: 'root',
      password: PASSWORD,
    });
    assert.deepEqual(
      config.connections.db.read.map((s) => [s.host, s.port]),
      [['replica1', 3307]],
    );
    assert.equal(config.connections.local.write.database, join(cwd, 'storage/app.sqlite'));
  });

  it('loads a CommonJS config without mistaking its "default" key for a default export', () => {
    write(
      'config/database.js',
      `module.exports = {
  default: 'second',
  connections: { first: { driver: 'sqlite', database: ':memory:' }, second: { driver: 'sqlite', database: ':memory:' } },
};`,
    );
    const config = loadConfig({ cwd });
    assert.equal(config.default, 'second');
    assert.deepEqual(Object.keys(config.connections), ['first', 'second']);
  });

  it('loads a JSON config with a "default" key', () => {
    write('config/database.json', JSON.stringify({ default: 'b', connections: { a: { driver: 'mysql' }, b: { driver: 'pgsql' } } }));
    const config = loadConfig({ cwd });
    assert.equal(config.default, 'b');
    assert.equal(config.connections.b.write.port, 5432);
  });

  it('passes the file name to validation errors', () => {
    write('config/database.json', JSON.stringify({ connections: { x: { driver: 'oracle', password: PASSWORD } } }));
    const error = catchError(() => loadConfig({ cwd }));
    assert.equal(error.message, 'Connection [x]: unknown driver "oracle" (key "driver"; expected mysql, pgsql or sqlite).');
    assert.ok(!String(error).includes(PASSWORD));
    write('config/database.json', JSON.stringify({ connections: {} }));
    assert.match(catchError(() => loadConfig({ cwd })).message, /^Database configuration \(config\/database\.json\): "connections"/);
  });

  it('refuses a file that does not parse, naming it, with the parser error as cause and no password', () => {
    const file = write('config/database.json', `{ "connections": { "db": { "driver": "mysql", "password": "${PASSWORD}" ,, } } }`);
    const error = catchError(() => loadConfig({ cwd }));
    assert.ok(error.message.startsWith(`Cannot load the database configuration ${file}: syntax error at line 1, column `), error.message);
    assert.ok(error.cause instanceof SyntaxError);
    assert.ok(!error.message.includes(PASSWORD));
    assert.ok(!String(error).includes(PASSWORD));

    const tsFile = write('config/database.ts', `export default { connections: { db: { password: '${PASSWORD}' } } ] };`);
    const tsError = catchError(() => loadConfig({ cwd }));
    assert.ok(tsError.message.startsWith(`Cannot load the database configuration ${tsFile}:`), tsError.message);
    assert.ok(tsError.cause instanceof Error);
    assert.ok(!tsError.message.includes(PASSWORD));
  });

  it('a syntax error names file, line, column and the parser message, for .ts, .mjs, .js and .json alike', () => {
    // The same mistake (a parenthesis for a brace, line 5) in each kind of file.
    const sources: Record<string, string> = {
      'database.ts': "import { defineConfig } from 'so-database';\nexport default defineConfig({\n  connections: {\n    db: { driver: 'mysql', password: 'hunter2-secret' }\n  )\n});\n",
      'database.mjs': "export default {\n  default: 'db',\n  connections: {\n    db: { driver: 'mysql', password: 'hunter2-secret' }\n  )\n};\n",
      'database.js': "module.exports = {\n  default: 'db',\n  connections: {\n    db: { driver: 'mysql', password: 'hunter2-secret' }\n  )\n};\n",
      'database.json': '{\n  "default": "db",\n  "connections": {\n    "db": { "driver": "mysql", "password": "hunter2-secret" }\n  )\n}\n',
    };
    for (const [name, source] of Object.entries(sources)) {
      const file = write(`config/${name}`, source);
      const error = catchError(() => loadConfig({ cwd, path: `config/${name}` }));
      const expected = name.endsWith('.json') ? 'Expected "," in JSON' : 'Expected "}"';
      assert.equal(
        error.message,
        `Cannot load the database configuration ${file}: syntax error at line 5, column 3: ${expected} but found ")".`,
        name,
      );
      assert.ok(error.cause instanceof Error, name);
    }
  });

  it('a syntax error never quotes the source: a string the parser stumbles on is "a string"', () => {
    const cases: Record<string, string> = {
      'database.ts': "export default {\n  connections: {\n    db: { driver: 'mysql', password: 'é' 'hunter2-secret' },\n  },\n};\n",
      'database.mjs': 'export default {\n  connections: {\n    db: { driver: "mysql", password: "é" "hunter2-secret" },\n  },\n};\n',
      'database.json': '{\n  "connections": {\n    "db": { "driver": "mysql", "password": "é" "hunter2-secret" }\n  }\n}\n',
    };
    for (const [name, source] of Object.entries(cases)) {
      const file = write(`config/${name}`, source);
      const error = catchError(() => loadConfig({ cwd, path: `config/${name}` }));
      // Columns count characters from 1 (esbuild reports bytes from 0; é is two): the quote before hunter2.
      const column = source.split('\n')[2].indexOf('hunter2');
      const expected = name.endsWith('.json') ? 'Expected "," in JSON but found a string' : 'Expected "}" but found a string';
      assert.equal(error.message, `Cannot load the database configuration ${file}: syntax error at line 3, column ${column}: ${expected}.`);
      assert.ok(!String(error).includes('hunter2'), name);
    }
  });

  it('a SyntaxError the file throws itself is not taken for a syntax error of the file', () => {
    write('config/database.mjs', `throw new SyntaxError('DB_URL is not a URL');`);
    const error = catchError(() => loadConfig({ cwd }));
    assert.match(error.message, /config\/database\.mjs: SyntaxError \(see cause\)\.$/);
  });

  it('refuses a file that throws, keeping what it threw as the cause', () => {
    write('config/database.mjs', `throw new RangeError('DB_HOST must be set');`);
    const error = catchError(() => loadConfig({ cwd }));
    assert.match(error.message, /config\/database\.mjs: RangeError \(see cause\)\.$/);
    assert.ok(error.cause instanceof Error);
    assert.equal(error.cause.message, 'DB_HOST must be set');
  });

  it('explains that top-level await cannot be loaded synchronously', () => {
    write('config/database.mjs', `const port = await Promise.resolve(5432);\nexport default { connections: { db: { driver: 'pgsql', port } } };`);
    const error = catchError(() => loadConfig({ cwd }));
    assert.match(error.message, /database\.mjs: it uses top-level await, which a synchronous load cannot wait for\.$/);
  });

  it('names a missing import', () => {
    write('config/database.ts', `import { defineConfig } from 'no-such-package-sodb';\nexport default defineConfig({});`);
    assert.match(catchError(() => loadConfig({ cwd })).message, /Cannot find module 'no-such-package-sodb'/);
  });
});

describe('loadConfig under plain node', () => {
  // This test process runs with --import tsx, whose hooks would load a .ts file whatever the
  // loader did. So the loader is transpiled to JavaScript into a fake `so-database` package and
  // run by a child `node` with no flags: the config .ts can only be loaded by tsx's require API.
  it('loads a .ts config that imports defineConfig and env from so-database', () => {
    const app = cwd;
    const sources = ['config/env.ts', 'config/normalize.ts', 'config/config-loader.ts', 'config/config-syntax-error.ts', 'config/define-config.ts', 'config/host-list.ts'];
    for (const file of [...sources, 'config/types.ts', 'errors/configuration-error.ts', 'errors/database-error.ts']) {
      const output = ts.transpileModule(readFileSync(join(ROOT, 'src', file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        fileName: file,
      });
      write(join('node_modules/so-database/dist', file.replace(/\.ts$/, '.js')), output.outputText);
    }
    write(
      'node_modules/so-database/package.json',
      JSON.stringify({ name: 'so-database', type: 'module', exports: { '.': './dist/index.js' } }),
    );
    write(
      'node_modules/so-database/dist/index.js',
      `export { env } from './config/env.js';
export { defineConfig } from './config/define-config.js';
export { loadConfig } from './config/config-loader.js';
`,
    );
    for (const dependency of ['tsx', 'dotenv']) {
      symlinkSync(join(ROOT, 'node_modules', dependency), join(app, 'node_modules', dependency));
    }
    write('.env', 'DB_HOST=from-dotenv\nDB_PORT=6543\n');
    write(
      'config/database.ts',
      `import { defineConfig, env } from 'so-database';

const port: number = Number(env('DB_PORT', '5432'));

export default defineConfig({
  connections: {
    main: { driver: 'pgsql', host: env('DB_HOST', 'localhost'), port, database: 'app' },
  },
});
`,
    );
    write(
      'run.mjs',
      `import { loadConfig } from 'so-database';
const config = loadConfig();
process.stdout.write(JSON.stringify({ execArgv: process.execArgv, source: config.source, main: config.connections.main }));
`,
    );

    const output = execFileSync(process.execPath, ['run.mjs'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '' }, // no NODE_OPTIONS: nothing registers tsx globally
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { execArgv: string[]; source: string; main: { write: unknown; driver: string } };
    assert.deepEqual(result.execArgv, []);
    assert.equal(result.source, 'config/database.ts');
    assert.equal(result.main.driver, 'pgsql');
    assert.deepEqual(result.main.write, {
      host: 'from-dotenv',
      port: 6543,
      database: 'app',
      username: 'postgres',
      password: '',
    });
  });
});
