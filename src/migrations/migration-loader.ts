import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MigrationError } from './migration-error.js';
import type { MigrationFile, MigrationModule } from './migration-file.js';

const EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** A path as messages show it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') || shown === '' ? path : shown.split(sep).join('/');
}

/** The migration files of `folder`, sorted by name; none when the folder does not exist. */
export function listMigrationPaths(folder: string): string[] {
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new MigrationError(`The migrations path ${displayPath(folder)} is not a folder.`);
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const seen = new Map<string, string>();
  const paths: string[] = [];
  for (const file of names.sort()) {
    const extension = extname(file);
    if (file.startsWith('.') || !EXTENSIONS.has(extension) || file.endsWith('.d.ts') || file.endsWith('.d.mts')) continue;
    const name = file.slice(0, -extension.length);
    const twin = seen.get(name);
    if (twin !== undefined) {
      throw new MigrationError(`Two migration files have the name [${name}]: ${twin} and ${file}; keep one.`, {
        migration: name,
      });
    }
    seen.set(name, file);
    paths.push(join(folder, file));
  }
  return paths;
}

async function importFile(path: string): Promise<unknown> {
  const extension = extname(path);
  if (extension === '.ts' || extension === '.mts') {
    // Loaded on first use only: tsx pulls in esbuild.
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(pathToFileURL(path).href, import.meta.url);
  }
  return import(pathToFileURL(path).href);
}

/** `export function up` or, from CommonJS, `module.exports = { up }` (which arrives as `default`). */
function exportsOf(loaded: unknown): Record<string, unknown> {
  const mod = (loaded ?? {}) as Record<string, unknown>;
  if (typeof mod.up === 'function') return mod;
  const inner = mod.default;
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : mod;
}

/**
 * Loads every migration file of `folder` and says which connection each runs on
 * (`defaultConnection` when it names none).
 *
 * @example
 * const files = await loadMigrationFiles('/srv/app/database/migrations', 'db');
 */
export async function loadMigrationFiles(folder: string, defaultConnection: string): Promise<MigrationFile[]> {
  const files: MigrationFile[] = [];
  for (const path of listMigrationPaths(folder)) {
    const name = path.slice(path.lastIndexOf(sep) + 1, -extname(path).length);
    const shown = displayPath(path);
    let loaded: unknown;
    try {
      loaded = await importFile(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      throw new MigrationError(`Cannot load migration ${shown}: ${reason}`, { migration: name, file: shown, cause: error });
    }
    const exported = exportsOf(loaded);
    if (typeof exported.up !== 'function') {
      throw new MigrationError(`Migration ${shown} does not export an up(db) function.`, { migration: name, file: shown });
    }
    if (exported.down !== undefined && typeof exported.down !== 'function') {
      throw new MigrationError(`Migration ${shown}: its down export is not a function.`, { migration: name, file: shown });
    }
    const connection = exported.connection ?? defaultConnection;
    if (typeof connection !== 'string' || connection === '') {
      throw new MigrationError(`Migration ${shown}: its connection export must be a connection name.`, {
        migration: name,
        file: shown,
      });
    }
    files.push({ name, path, connection, module: exported as unknown as MigrationModule });
  }
  return files;
}
