/**
 * Runs the built `so-db` binary (dist/cli/main.js) as a user would: a child process in
 * a temporary project folder with its own config/database.json and migrations.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseConfig } from '../../src/config/types.js';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const BIN = join(ROOT, 'dist/cli/main.js');
const LOCK = join(ROOT, 'node_modules/.cache/so-db-cli-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }
  return newest;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Builds dist/ (tsc -p tsconfig.build.json) when it is missing or older than src/.
 * Test files run in parallel processes, so one builds while the others wait on a lock folder.
 */
export function ensureBuilt(): void {
  if (mtime(BIN) >= newestSource(join(ROOT, 'src'))) return;
  mkdirSync(dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Another test process builds; a lock older than 5 minutes is left over from a killed one.
      if (Date.now() - mtime(LOCK) > 300_000) rmSync(LOCK, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (mtime(BIN) >= newestSource(join(ROOT, 'src'))) return;
    // Type errors elsewhere in src/ still emit JavaScript; only a missing binary is fatal.
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (mtime(BIN) === 0) throw new Error(`Building dist/ failed:\n${build.stdout}${build.stderr}`);
  } finally {
    rmdirSync(LOCK);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A throwaway application folder: config/database.json, database/migrations, node_modules/so-database. */
export class TempProject {
  readonly dir = mkdtempSync(join(tmpdir(), 'sodb-cli-'));

  constructor(config?: DatabaseConfig) {
    writeFileSync(join(this.dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    // As if installed: `import type { MigrationDb } from 'so-database'` resolves.
    mkdirSync(join(this.dir, 'node_modules'));
    symlinkSync(ROOT, join(this.dir, 'node_modules/so-database'), 'dir');
    if (config !== undefined) this.writeConfig(config);
  }

  writeConfig(config: DatabaseConfig, file = 'config/database.json'): void {
    this.write(file, JSON.stringify(config, null, 2));
  }

  write(relative: string, text: string): string {
    const path = join(this.dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  migration(name: string, source: string): string {
    return this.write(`database/migrations/${name}`, source);
  }

  remove(relative: string): void {
    rmSync(join(this.dir, relative), { force: true, recursive: true });
  }

  /** Runs `so-db ...args`; resolves when the process has exited on its own. */
  run(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: this.dir,
        env: { ...process.env, NO_COLOR: '1', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      // A process that does not end on its own (an open pool) is a failure, not a hang of the suite.
      const guard = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`so-db ${args.join(' ')} did not exit within 60 s.\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(guard);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Runs and parses stdout as JSON, failing with the output when it is not. */
  async json<T>(args: readonly string[]): Promise<{ code: number | null; value: T; stderr: string }> {
    const result = await this.run([...args, '--json']);
    try {
      return { code: result.code, value: JSON.parse(result.stdout) as T, stderr: result.stderr };
    } catch {
      throw new Error(`so-db ${args.join(' ')} --json printed no JSON (exit ${result.code}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A migration file's source: creates `table` and records its run in `migration_runs`, optionally slowly. */
export function recordingMigration(table: string, options: { connection?: string; delayMs?: number } = {}): string {
  return [
    options.connection === undefined ? '' : `export const connection = ${JSON.stringify(options.connection)};`,
    'export async function up(db) {',
    `  await db.schema.createTable(${JSON.stringify(table)}).addColumn('id', 'integer').execute();`,
    `  await db.insertInto('migration_runs').values({ name: ${JSON.stringify(table)} }).execute();`,
    options.delayMs ? `  await new Promise((resolve) => setTimeout(resolve, ${options.delayMs}));` : '',
    '}',
    'export async function down(db) {',
    `  await db.schema.dropTable(${JSON.stringify(table)}).execute();`,
    '}',
    '',
  ].join('\n');
}
