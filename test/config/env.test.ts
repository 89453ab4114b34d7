import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { env, loadEnvFiles, resetEnvForTests } from '../../src/config/env.js';

let savedEnv: NodeJS.ProcessEnv;
let savedCwd: string;
let dir: string;

function files(entries: Record<string, string>): void {
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text);
}

beforeEach(() => {
  savedEnv = { ...process.env };
  savedCwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'sodb-env-'));
  delete process.env.APP_ENV;
  delete process.env.NODE_ENV;
  resetEnvForTests();
});

afterEach(() => {
  resetEnvForTests();
  process.chdir(savedCwd);
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  rmSync(dir, { recursive: true, force: true });
});

describe('.env files', () => {
  it('are loaded lazily from process.cwd() on the first env() call', () => {
    files({ '.env': 'SODB_T_HOST=from-dotenv\n' });
    process.chdir(dir);
    assert.equal(process.env.SODB_T_HOST, undefined);
    assert.equal(env('SODB_T_HOST'), 'from-dotenv');
    assert.equal(process.env.SODB_T_HOST, 'from-dotenv');
  });

  it('layers .env.<APP_ENV> over .env, keeping keys only .env has', () => {
    files({
      '.env': 'SODB_T_HOST=base\nSODB_T_ONLY_BASE=kept\n',
      '.env.production': 'SODB_T_HOST=prod\nSODB_T_ONLY_PROD=yes\n',
      '.env.staging': 'SODB_T_HOST=staging\n',
    });
    process.env.APP_ENV = 'production';
    const loaded = loadEnvFiles({ cwd: dir });
    assert.deepEqual(loaded, [join(dir, '.env'), join(dir, '.env.production')]);
    assert.equal(env('SODB_T_HOST'), 'prod');
    assert.equal(env('SODB_T_ONLY_BASE'), 'kept');
    assert.equal(env('SODB_T_ONLY_PROD'), 'yes');
  });

  it('uses NODE_ENV when APP_ENV is not set, and APP_ENV over NODE_ENV', () => {
    files({ '.env': 'SODB_T_HOST=base\n', '.env.production': 'SODB_T_HOST=prod\n', '.env.staging': 'SODB_T_HOST=staging\n' });
    process.env.NODE_ENV = 'production';
    loadEnvFiles({ cwd: dir });
    assert.equal(env('SODB_T_HOST'), 'prod');

    resetEnvForTests();
    process.env.APP_ENV = 'staging';
    loadEnvFiles({ cwd: dir });
    assert.equal(env('SODB_T_HOST'), 'staging');
  });

  it('never override a variable set in the real environment', () => {
    files({ '.env': 'SODB_T_HOST=base\nSODB_T_EMPTY=file\n', '.env.production': 'SODB_T_HOST=prod\n' });
    process.env.APP_ENV = 'production';
    process.env.SODB_T_HOST = 'real';
    process.env.SODB_T_EMPTY = '';
    loadEnvFiles({ cwd: dir });
    assert.equal(env('SODB_T_HOST'), 'real');
    assert.equal(env('SODB_T_EMPTY', 'fallback'), '');
  });

  it('load once per process; force reloads, replacing what the files set but not the real environment', () => {
    files({ '.env': 'SODB_T_HOST=base\n', '.env.production': 'SODB_T_HOST=prod\nSODB_T_ONLY_PROD=yes\n' });
    process.env.APP_ENV = 'production';
    process.env.SODB_T_REAL = 'real';
    loadEnvFiles({ cwd: dir });
    files({ '.env': 'SODB_T_HOST=changed\nSODB_T_REAL=file\n', '.env.staging': 'SODB_T_HOST=staging\n' });
    loadEnvFiles({ cwd: dir });
    assert.equal(env('SODB_T_HOST'), 'prod');

    loadEnvFiles({ cwd: dir, envName: 'staging', force: true });
    assert.equal(env('SODB_T_HOST'), 'staging');
    assert.equal(env('SODB_T_ONLY_PROD'), undefined);
    assert.equal(env('SODB_T_REAL'), 'real');
  });

  it('are parsed by dotenv: quotes, comments and export lines', () => {
    files({ '.env': '# a comment\nSODB_T_PASS="p@ss:w/rd#?&\'%"\nSODB_T_SPACED=a b # trailing\nexport SODB_T_EXPORTED=1\n' });
    loadEnvFiles({ cwd: dir });
    assert.equal(env('SODB_T_PASS'), "p@ss:w/rd#?&'%");
    assert.equal(env('SODB_T_SPACED'), 'a b');
    assert.equal(env('SODB_T_EXPORTED'), '1');
  });

  it('may be missing', () => {
    process.env.APP_ENV = 'production';
    assert.deepEqual(loadEnvFiles({ cwd: dir }), []);
    assert.equal(env('SODB_T_NOTHING', 'fallback'), 'fallback');
  });

  it('are forgotten by resetEnvForTests()', () => {
    files({ '.env': 'SODB_T_HOST=base\n' });
    loadEnvFiles({ cwd: dir });
    assert.equal(process.env.SODB_T_HOST, 'base');
    resetEnvForTests();
    assert.equal(process.env.SODB_T_HOST, undefined);
  });
});

describe('env()', () => {
  beforeEach(() => loadEnvFiles({ cwd: dir })); // no files: only the real environment

  it('turns Laravel literals into values, case-insensitively and in parentheses', () => {
    const cases: Array<[string, unknown]> = [
      ['true', true],
      ['(true)', true],
      ['TRUE', true],
      ['false', false],
      ['(False)', false],
      ['null', null],
      ['(null)', null],
      ['empty', ''],
      ['(EMPTY)', ''],
      ['truely', 'truely'],
      ['(true', '(true'],
      ['', ''],
      ['0', '0'],
    ];
    for (const [text, expected] of cases) {
      process.env.SODB_T_VALUE = text;
      assert.equal(env('SODB_T_VALUE', 'fallback'), expected, `env of ${JSON.stringify(text)}`);
    }
  });

  it('returns the fallback only when the variable is not set', () => {
    assert.equal(env('SODB_T_MISSING'), undefined);
    assert.equal(env('SODB_T_MISSING', 'localhost'), 'localhost');
    assert.equal(env('SODB_T_MISSING', 5432), 5432);
    assert.equal(env('SODB_T_MISSING', false), false);
    assert.equal(env('SODB_T_MISSING', null), null);
    process.env.SODB_T_SET = 'null';
    assert.equal(env('SODB_T_SET', 'fallback'), null);
  });

  it('returns text as it is, e.g. a numeric port', () => {
    process.env.SODB_T_PORT = '3307';
    assert.equal(env('SODB_T_PORT', 3306), '3307');
  });
});
