import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'dotenv';
import { ConfigurationError } from '../errors/configuration-error.js';

/** What an environment variable can turn into: its text, or one of Laravel's literals. */
export type EnvValue = string | boolean | null;

export interface LoadEnvFilesOptions {
  /** Folder holding the `.env` files (default `process.cwd()`). */
  cwd?: string;
  /** Picks `.env.<envName>`; default `APP_ENV`, then `NODE_ENV`, from the real environment. */
  envName?: string;
  /** Load again even if already loaded, replacing what earlier files set (the CLI's `--env NAME`). */
  force?: boolean;
}

interface EnvState {
  loaded: boolean;
  files: string[];
  /** Variables this module put into `process.env`, with the value it put there. */
  fromFiles: Map<string, string>;
}

// Kept on globalThis: a `.ts` config loaded through tsx gets its own copy of this module,
// and both copies must agree that the files are loaded (and which keys came from them).
const STATE_KEY = Symbol.for('so-database.env');

function state(): EnvState {
  const holder = globalThis as unknown as Record<symbol, EnvState | undefined>;
  holder[STATE_KEY] ??= { loaded: false, files: [], fromFiles: new Map() };
  return holder[STATE_KEY];
}

/**
 * Loads `.env`, then `.env.<APP_ENV or NODE_ENV>` over it, into `process.env`, once per process.
 * A variable already set in the real environment wins over every file. Returns the files read.
 *
 * @example
 * loadEnvFiles();                                        // what env() does on its first call
 * loadEnvFiles({ envName: 'staging', force: true });    // so-db --env staging
 */
export function loadEnvFiles(options: LoadEnvFilesOptions = {}): string[] {
  const current = state();
  if (current.loaded && options.force !== true) return [...current.files];
  forgetFileValues(current);

  const cwd = resolve(options.cwd ?? process.cwd());
  const name = options.envName || process.env.APP_ENV || process.env.NODE_ENV;
  const paths = [join(cwd, '.env')];
  if (name) paths.push(join(cwd, `.env.${name}`));

  const merged: Record<string, string> = {};
  const files: string[] = [];
  for (const path of paths) {
    const text = readIfPresent(path);
    if (text === undefined) continue;
    files.push(path);
    Object.assign(merged, parse(text)); // the specific file overrides .env
  }
  for (const [key, value] of Object.entries(merged)) {
    if (process.env[key] !== undefined) continue; // the real environment wins
    process.env[key] = value;
    current.fromFiles.set(key, value);
  }
  current.loaded = true;
  current.files = files;
  return [...files];
}

/**
 * Reads an environment variable after the `.env` files are loaded, as Laravel's `env()` does:
 * `true`, `false`, `null` and `empty` (also `(true)` ...) become `true`, `false`, `null` and `''`.
 * The return type follows the fallback so that configs type-check; `normalizeConfig` checks
 * every value at run time, so a stray literal is reported with its key rather than trusted.
 *
 * @example
 * const host = env('DB_HOST', 'localhost');   // string
 * const port = env('DB_PORT', 3306);          // '3307' from .env, or 3306
 * const debug = env('APP_DEBUG', false);      // APP_DEBUG=(true) gives true
 */
export function env(name: string): string | undefined;
export function env(name: string, fallback: string): string;
export function env(name: string, fallback: number): string | number;
export function env(name: string, fallback: boolean): boolean;
export function env<T>(name: string, fallback: T): EnvValue | T;
export function env(name: string, fallback?: unknown): unknown {
  if (!state().loaded) loadEnvFiles();
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  switch (raw.toLowerCase()) {
    case 'true':
    case '(true)':
      return true;
    case 'false':
    case '(false)':
      return false;
    case 'null':
    case '(null)':
      return null;
    case 'empty':
    case '(empty)':
      return '';
    default:
      return raw;
  }
}

/**
 * Removes what the `.env` files put into `process.env` and lets the next `env()` load them again.
 *
 * @example
 * afterEach(() => resetEnvForTests());
 */
export function resetEnvForTests(): void {
  const current = state();
  forgetFileValues(current);
  current.loaded = false;
  current.files = [];
}

function forgetFileValues(current: EnvState): void {
  for (const [key, value] of current.fromFiles) {
    // A value someone changed since is theirs now, not the file's.
    if (process.env[key] === value) delete process.env[key];
  }
  current.fromFiles.clear();
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Not the file's text in the message: it holds secrets.
    throw new ConfigurationError(`Cannot read the environment file ${path}.`, { cause: error });
  }
}
