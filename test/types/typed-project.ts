/**
 * A throwaway application typed from a real schema: per engine, a per-run database with
 * `users` and `orders`, a TempProject (src/config.ts, src/expected.ts: the engine's types) whose `so-db types` wrote src/db-types.ts from it,
 * and the means to compile a fixture there with tsc --strict (every `@ts-expect-error`
 * must meet an error) and to run what it compiled to against the same database.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB } from '../../src/index.js';
import { ensureBuilt, ROOT, TempProject } from '../cli/cli-harness.js';
import type { EngineName, TestEngine, ThrowawayDatabase } from '../support/engines.js';

/** The tables every type test reads: a DECIMAL, defaults, an auto-increment key, a nullable column. */
const DDL: Record<EngineName, string[]> = {
  sqlite: [
    'CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT)',
    `CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INT NOT NULL, total DECIMAL(10,2) NOT NULL,
      status TEXT NOT NULL DEFAULT 'new', note TEXT)`,
  ],
  mariadb: [
    'CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(100))',
    `CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL, total DECIMAL(10,2) NOT NULL,
      status VARCHAR(10) NOT NULL DEFAULT 'new', note TEXT)`,
  ],
  postgres: [
    'CREATE TABLE users (id SERIAL PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(100))',
    `CREATE TABLE orders (id SERIAL PRIMARY KEY, user_id INT NOT NULL, total NUMERIC(10,2) NOT NULL,
      status VARCHAR(10) NOT NULL DEFAULT 'new', note TEXT)`,
  ],
};

/** The types the engine's driver gives the columns the fixtures look at (src/expected.ts of the project). */
const EXPECTED: Record<EngineName, string> = {
  // SQLite's DECIMAL has NUMERIC affinity: better-sqlite3 returns a number.
  sqlite: 'export type Decimal = number;\nexport const decimal = (text: string): Decimal => Number(text);\n',
  mariadb: 'export type Decimal = string;\nexport const decimal = (text: string): Decimal => text;\n',
  postgres: 'export type Decimal = string;\nexport const decimal = (text: string): Decimal => text;\n',
};

export interface Compiled {
  code: number | null;
  output: string;
}

export class TypedProject {
  readonly project: TempProject;
  readonly database: ThrowawayDatabase;

  private constructor(project: TempProject, database: ThrowawayDatabase) {
    this.project = project;
    this.database = database;
  }

  /** Creates the database and its tables, and runs `so-db types --out src/db-types.ts` on it. */
  static async create(engine: TestEngine): Promise<TypedProject> {
    ensureBuilt();
    const database = await engine.createDatabase();
    const config = { default: 'shop', connections: { shop: database.options, archive: { ...database.options, readOnly: true } } };
    await DB.configure(config);
    try {
      for (const ddl of DDL[engine.name]) await DB.connection('shop').statement(ddl);
    } finally {
      await DB.disconnect();
    }
    const project = new TempProject(config);
    project.write('src/expected.ts', EXPECTED[engine.name]);
    // The fixtures configure so-database from it (the project has no @types/node for reading a file).
    project.write('src/config.ts', `export const config = ${JSON.stringify(config)};\n`);
    const typed = new TypedProject(project, database);
    const written = await project.run(['types', '--out', 'src/db-types.ts']);
    if (written.code !== 0) throw new Error(`so-db types failed: ${written.stderr}`);
    return typed;
  }

  get types(): string {
    return readFileSync(join(this.project.dir, 'src/db-types.ts'), 'utf8');
  }

  /** Copies test/types/fixtures/`name` (or writes `source`) into src/ and compiles it and the generated types to out/. */
  compile(name: string, source?: string): Compiled {
    if (source === undefined) copyFileSync(new URL(`./fixtures/${name}`, import.meta.url), join(this.project.dir, 'src', name));
    else this.project.write(`src/${name}`, source);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const options = ['--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const files = ['src/db-types.ts', 'src/expected.ts', 'src/config.ts', `src/${name}`];
    const result = spawnSync(process.execPath, [tsc, ...options, '--outDir', 'out', ...files], { cwd: this.project.dir, encoding: 'utf8' });
    return { code: result.status, output: result.stdout + result.stderr };
  }

  /** Runs out/`name`.js (compiled by `compile`), which prints JSON; its value. */
  run<T>(name: string): T {
    const script = join(this.project.dir, 'out', name.replace(/\.ts$/, '.js'));
    const result = spawnSync(process.execPath, [script], { cwd: this.project.dir, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${name} failed (${result.status}):\n${result.stdout}${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  async cleanup(): Promise<void> {
    this.project.cleanup();
    await this.database.drop();
  }
}
