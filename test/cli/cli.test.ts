import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { BIN, ensureBuilt, TempProject } from './cli-harness.js';

const COMMANDS = [
  'status',
  'migrate',
  'migrate:rollback',
  'migrate:reset',
  'migrate:fresh',
  'migrate:status',
  'make:migration',
  'query',
  'types',
  'recover',
];

// Engine-independent behaviour of the binary: help, bad input, configuration discovery.
describe('so-db command line', () => {
  let project: TempProject;

  before(() => {
    ensureBuilt();
    project = new TempProject();
  });

  after(() => project?.cleanup());

  test('--help names every command and the global options', async () => {
    const result = await project.run(['--help']);
    assert.equal(result.code, 0);
    for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'), command);
    for (const option of ['--config <path>', '--env <name>', '--verbose']) assert.ok(result.stdout.includes(option), option);
  });

  test('<command> --help describes its options', async () => {
    const expected: Record<string, string[]> = {
      status: ['--json'],
      migrate: ['--connection <name>'],
      'migrate:rollback': ['--connection <name>', '--step <n>'],
      'migrate:reset': ['--connection <name>'],
      'migrate:fresh': ['--connection <name>', '--force'],
      'migrate:status': ['--json', '--connection <name>'],
      'make:migration': ['<name>', '--connection <name>', '--ext <extension>'],
      query: ['<connection>', '<sql>', '[bindings...]', '--json'],
      types: ['--connection <name>', '--out <file>'],
      recover: ['--min-age-ms <n>'],
    };
    for (const [command, options] of Object.entries(expected)) {
      const result = await project.run([command, '--help']);
      assert.equal(result.code, 0, command);
      for (const option of options) assert.ok(result.stdout.includes(option), `${command} --help lacks ${option}`);
      assert.ok(result.stdout.includes('--config <path>'), `${command} --help lacks the global options`);
    }
  });

  test('a reader that closes the pipe early (so-db --help | head -1) ends the output, not in a crash', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before so-db writes: its write fails with EPIPE
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('an unknown command is one line on stderr and exit 1', async () => {
    const result = await project.run(['migrat']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^so-db: unknown command 'migrat'/);
    assert.match(result.stderr, /Did you mean migrate\?/);
    assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  });

  test('a mistyped command suggests the one meant: without its migrate: prefix, misspelt, other separators', async () => {
    const cases: [string, string][] = [
      ['rollback', 'migrate:rollback'],
      ['migrate:rolback', 'migrate:rollback'],
      ['rolback', 'migrate:rollback'],
      ['fresh', 'migrate:fresh'],
      ['reset', 'migrate:reset'],
      ['migrate-status', 'migrate:status'],
      ['Make_Migration', 'make:migration'],
      ['statuss', 'status'],
    ];
    for (const [typed, meant] of cases) {
      const result = await project.run([typed]);
      assert.equal(result.code, 1, typed);
      assert.equal(result.stderr, `so-db: unknown command '${typed}' (Did you mean ${meant}?)\n`, typed);
    }
    const far = await project.run(['seed']);
    assert.equal(far.code, 1);
    assert.equal(far.stderr, `so-db: unknown command 'seed'\n`);
  });

  test('a missing configuration is one line on stderr and exit 1', async () => {
    const result = await project.run(['status']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^so-db: No database configuration found\. Tried: .*config\/database\.ts/);
    assert.equal(result.stderr.trimEnd().split('\n').length, 1);
    const named = await project.run(['--config', 'nowhere.json', 'status']);
    assert.equal(named.code, 1);
    assert.match(named.stderr, /^so-db: Database configuration file not found: .*nowhere\.json \(named by --config\)\.\n$/);
  });

  test('a syntax error in the configuration is one line naming file, line, column and the parser message', async () => {
    const broken = new TempProject();
    try {
      // Under plain node, .ts goes through tsx and .mjs through require(): both must say where.
      for (const file of ['config/database.ts', 'config/database.mjs']) {
        const path = broken.write(
          file,
          "import { defineConfig } from 'so-database';\n\nexport default defineConfig({\n  connections: {\n    main: { driver: 'sqlite', database: 'app.sqlite' }\n  )\n});\n",
        );
        const result = await broken.run(['--config', file, 'status']);
        assert.equal(result.code, 1, file);
        assert.equal(
          result.stderr,
          `so-db: Cannot load the database configuration ${path}: syntax error at line 6, column 3: Expected "}" but found ")".\n`,
        );
        assert.equal(result.stdout, '');
      }
    } finally {
      broken.cleanup();
    }
  });

  test('an invalid option value is refused before anything runs', async () => {
    const result = await project.run(['migrate:rollback', '--step', '0']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--step <n>' argument '0' is invalid/);
  });

  test('--env NAME loads .env.NAME over .env for a config/database.ts that reads env()', async () => {
    project.write(
      'config/database.ts',
      `import { defineConfig, env } from 'so-database';
export default defineConfig({
  default: 'main',
  connections: { main: { driver: 'sqlite', database: env('MAIN_DB', 'missing.sqlite') } },
});
`,
    );
    project.write('.env', 'MAIN_DB=dev.sqlite\n');
    project.write('.env.staging', 'MAIN_DB=staging.sqlite\n');
    const staging = await project.json<unknown>(['--env', 'staging', 'query', 'main', "SELECT 'ok' AS answer"]);
    assert.equal(staging.code, 0, staging.stderr);
    const status = await project.json<{ connections: { servers: { target: string }[] }[] }>(['--env', 'staging', 'status']);
    assert.equal(status.value.connections[0].servers[0].target, 'staging.sqlite');
    const dev = await project.json<{ connections: { servers: { target: string; status: string }[] }[] }>(['status']);
    assert.equal(dev.value.connections[0].servers[0].target, 'dev.sqlite');
    assert.equal(dev.value.connections[0].servers[0].status, 'new', 'dev.sqlite was never created: status says so');
    assert.equal(dev.code, 0);
    const typo = await project.json<{ connections: { servers: { target: string }[] }[] }>(['--env', 'stagign', 'status']);
    assert.equal(typo.value.connections[0].servers[0].target, 'dev.sqlite');
    assert.match(typo.stderr, /^so-db: --env stagign: there is no \.env\.stagign file in /);
  });

  test('recover runs DB.recover() and reports what it did', async () => {
    project.writeConfig({ connections: { main: { driver: 'sqlite', database: 'r.sqlite' } } }, 'config/recover.json');
    const json = await project.json<unknown[]>(['--config', 'config/recover.json', 'recover', '--min-age-ms', '0']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(json.value, [], 'SQLite has no prepared transactions');
    const text = await project.run(['--config', 'config/recover.json', 'recover']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Nothing to recover/);
  });

  test('status refuses a url whose password has an unencoded / and prints no part of it', async () => {
    const config = { connections: { main: { url: 'mysql://app:4321/Zq9secret@db.example.com/shop' } } };
    project.write('config/bad-url.json', JSON.stringify(config));
    for (const args of [['status', '--json'], ['status']]) {
      const result = await project.run(['--config', 'config/bad-url.json', ...args]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /Connection \[main\].*percent-encode/);
      assert.ok(!`${result.stdout}${result.stderr}`.includes('Zq9'), `${result.stdout}${result.stderr}`);
    }
  });
});
