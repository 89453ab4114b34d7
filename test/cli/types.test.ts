import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DB } from '../../src/index.js';
import { describeEachEngine, type EngineName, type ThrowawayDatabase } from '../support/engines.js';
import { ensureBuilt, ROOT, TempProject } from './cli-harness.js';

/** Per engine: DDL of a table with the engine's usual column types, and the interface it must produce. */
const CASES: Record<EngineName, { ddl: string[]; expected: string }> = {
  sqlite: {
    ddl: [
      `CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(100) NOT NULL, nickname TEXT,
        balance REAL, visits INT NOT NULL, avatar BLOB, born DATE, "first name" TEXT)`,
      'CREATE VIEW named AS SELECT id, name FROM customers',
    ],
    expected: `{ id: number; name: string; nickname: string | null; balance: number | null; visits: number;
      avatar: Uint8Array | null; born: string | null; "first name": string | null }`,
  },
  mariadb: {
    ddl: [
      `CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, nickname TEXT,
        balance DECIMAL(10,2), visits BIGINT NOT NULL, avatar BLOB, born DATETIME, flags TINYINT(1) NOT NULL DEFAULT 0,
        kind ENUM('a','b') NOT NULL, \`first name\` VARCHAR(10))`,
      'CREATE VIEW named AS SELECT id, name FROM customers',
    ],
    expected: `{ id: number; name: string; nickname: string | null; balance: string | null; visits: number | string;
      avatar: Uint8Array | null; born: Date | null; flags: number; kind: string; "first name": string | null }`,
  },
  postgres: {
    ddl: [
      `CREATE TABLE customers (id SERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL, nickname TEXT,
        balance NUMERIC(10,2), visits BIGINT NOT NULL, avatar BYTEA, born TIMESTAMPTZ, active BOOLEAN NOT NULL,
        tags TEXT[], scores INT[], profile JSONB, ref UUID, "first name" TEXT)`,
      'CREATE VIEW named AS SELECT id, name FROM customers',
      'CREATE SCHEMA audit',
      'CREATE TABLE audit.entries (id INT NOT NULL)',
    ],
    expected: `{ id: number; name: string; nickname: string | null; balance: string | null; visits: number | string;
      avatar: Uint8Array | null; born: Date | null; active: boolean; tags: string[] | null; scores: number[] | null;
      profile: unknown; ref: string | null; "first name": string | null }`,
  },
};

function tsc(dir: string, files: string[]): { code: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', ...files],
    { cwd: dir, encoding: 'utf8' },
  );
  return { code: result.status, output: result.stdout + result.stderr };
}

describeEachEngine('so-db types', (engine) => {
  let database: ThrowawayDatabase;
  let project: TempProject;

  before(async () => {
    ensureBuilt();
    database = await engine.createDatabase();
    const config = {
      default: 'shop',
      connections: { shop: database.options, legacy: { ...database.options, readOnly: true } },
    };
    project = new TempProject(config);
    await DB.configure(config);
    for (const ddl of CASES[engine.name].ddl) await DB.connection('shop').statement(ddl);
    await DB.disconnect();
  });

  after(async () => {
    project?.cleanup();
    await database?.drop();
  });

  test('writes interfaces per connection that compile with tsc --strict and match the tables', async () => {
    const result = await project.run(['types', '--out', 'src/db-types.ts']);
    assert.equal(result.code, 1, 'src/ does not exist yet: writing fails');
    project.write('src/.keep', '');
    const written = await project.run(['types', '--out', 'src/db-types.ts']);
    assert.equal(written.code, 0, written.stderr);
    const tables = engine.name === 'postgres' ? 3 : 2;
    assert.match(written.stdout, new RegExp(`Wrote ${tables * 2} tables of 2 connections to src/db-types.ts\\.`));
    const source = readFileSync(join(project.dir, 'src/db-types.ts'), 'utf8');
    assert.match(source, /^export interface ShopCustomers \{$/m);
    assert.match(source, /^export interface LegacyCustomers \{$/m);
    assert.match(source, /^\/\*\* View named of connection \[shop\]\. \*\/$/m);
    assert.match(source, /^ {2}nickname: string \| null; \/\/ /m);
    assert.doesNotMatch(source, /kysely_migration/);
    const postgres = engine.name === 'postgres';
    project.write(
      'src/check.ts',
      [
        `import type { Databases, ShopCustomers, ShopDatabase, ShopNamed${postgres ? ', ShopAuditEntries' : ''} } from './db-types.js';`,
        'type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
        `export const customers: Equals<ShopCustomers, ${CASES[engine.name].expected}> = true;`,
        // PostgreSQL and SQLite report every column of a view as nullable; MariaDB keeps the table's.
        `export const named: Equals<ShopNamed, ${engine.name === 'mariadb' ? '{ id: number; name: string }' : '{ id: number | null; name: string | null }'}> = true;`,
        `export const tables: Equals<keyof ShopDatabase, 'customers' | 'named'${postgres ? " | 'audit.entries'" : ''}> = true;`,
        postgres ? 'export const audit: Equals<ShopAuditEntries, { id: number }> = true;' : '',
        "export const connections: Equals<keyof Databases, 'shop' | 'legacy'> = true;",
        '',
      ].join('\n'),
    );
    const compiled = tsc(project.dir, ['src/db-types.ts', 'src/check.ts']);
    assert.equal(compiled.code, 0, `${compiled.output}\n${source}`);
  });

  test('--connection types one connection, to stdout without --out', async () => {
    const result = await project.run(['types', '--connection', 'legacy']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^export interface LegacyCustomers \{$/m);
    assert.doesNotMatch(result.stdout, /ShopCustomers/);
    assert.match(result.stdout, /^export interface Databases \{\n {2}legacy: LegacyDatabase;\n\}$/m);
  });

  test('a connection that cannot be read fails the command and writes nothing', async () => {
    project.writeConfig(
      { default: 'shop', connections: { shop: database.options, down: { driver: 'pgsql', host: '127.0.0.1', port: 1, database: 'x' } } },
      'config/down.json',
    );
    const result = await project.run(['--config', 'config/down.json', 'types', '--out', 'src/partial.ts']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^so-db: types: connection \[down\]: .*ECONNREFUSED/m);
    assert.match(result.stderr, /nothing written/);
    assert.equal(existsSync(join(project.dir, 'src/partial.ts')), false);
  });
});
