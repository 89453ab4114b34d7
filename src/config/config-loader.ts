import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, relative, resolve, sep } from 'node:path';
import { ConfigurationError } from '../errors/configuration-error.js';
import { syntaxErrorIn } from './config-syntax-error.js';
import { loadEnvFiles } from './env.js';
import { normalizeConfig } from './normalize.js';
import type { NormalizedConfig } from './types.js';

export interface LoadConfigOptions {
  /** Where to look for `config/database.*` and `.env` (default `process.cwd()`). */
  cwd?: string;
  /** A configuration file to load instead of looking (relative to `cwd`); wins over `SO_DB_CONFIG`. */
  path?: string;
}

/** Looked for in this order under the working directory. */
export const CONFIG_CANDIDATES = [
  'config/database.ts',
  'config/database.js',
  'config/database.mjs',
  'config/database.json',
] as const;

const TYPESCRIPT = ['.ts', '.mts', '.cts'];
const JAVASCRIPT = ['.js', '.mjs', '.cjs'];
const nodeRequire = createRequire(import.meta.url);

/**
 * Loads the `.env` files, finds the configuration file and returns it validated. Synchronous,
 * because `Connection.getInstance()` is, and must throw at once when the file is wrong.
 *
 * @example
 * const config = loadConfig();                                   // ./config/database.ts, .js, .mjs or .json
 * const other = loadConfig({ path: 'config/database.test.ts' });
 */
export function loadConfig(options: LoadConfigOptions = {}): NormalizedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  loadEnvFiles({ cwd }); // first, so that SO_DB_CONFIG and env() calls in the file see .env
  const file = findConfigFile(options);
  const shown = relative(cwd, file);
  const source = shown.startsWith('..') || shown === '' ? file : shown.split(sep).join('/');
  return normalizeConfig(readConfigFile(file), source, cwd);
}

/**
 * The absolute path of the configuration file `loadConfig` would read: `options.path`, else
 * `SO_DB_CONFIG`, else the first of `CONFIG_CANDIDATES` that exists.
 *
 * @example
 * findConfigFile({ cwd: '/srv/app' });   // '/srv/app/config/database.ts'
 */
export function findConfigFile(options: LoadConfigOptions = {}): string {
  const cwd = resolve(options.cwd ?? process.cwd());
  const fromEnv = process.env.SO_DB_CONFIG;
  const explicit = options.path || fromEnv;
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (isFile(file)) return file;
    const origin = options.path ? 'the path given to loadConfig()' : 'SO_DB_CONFIG';
    throw new ConfigurationError(`Database configuration file not found: ${file} (named by ${origin}).`, {
      ...(options.path ? {} : { key: 'SO_DB_CONFIG' }),
    });
  }
  const tried = CONFIG_CANDIDATES.map((candidate) => resolve(cwd, candidate));
  const found = tried.find(isFile);
  if (found !== undefined) return found;
  throw new ConfigurationError(
    `No database configuration found. Tried: ${tried.join(', ')}. Create one of them, set SO_DB_CONFIG, or call DB.configure().`,
  );
}

/**
 * Evaluates one configuration file synchronously and returns its default export (or its
 * `module.exports`), not yet validated. `.ts` files go through tsx, so plain `node` can load them.
 *
 * @example
 * const raw = readConfigFile('/srv/app/config/database.ts');
 */
export function readConfigFile(file: string): unknown {
  const extension = extname(file).toLowerCase();
  let loaded: unknown;
  try {
    if (extension === '.json') {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown; // its "default" is a connection name
    }
    if (JAVASCRIPT.includes(extension)) {
      loaded = nodeRequire(file); // Node >= 20.19 requires ES modules synchronously
    } else if (TYPESCRIPT.includes(extension)) {
      loaded = loadTypeScript(file);
    } else {
      throw new ConfigurationError(
        `Cannot load the database configuration ${file}: unsupported file type "${extension}" (expected .ts, .js, .mjs or .json).`,
      );
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`Cannot load the database configuration ${file}: ${syntaxErrorIn(file, error) ?? describe(error)}.`, {
      cause: error,
    });
  }
  // `export default {...}`; a CommonJS `module.exports` may hold `default: 'db'`, a connection name.
  const inner = typeof loaded === 'object' && loaded !== null ? (loaded as { default?: unknown }).default : undefined;
  return typeof inner === 'object' && inner !== null ? inner : loaded;
}

function loadTypeScript(file: string): unknown {
  // Required on first use only: tsx pulls in esbuild, which apps configured from .json or
  // DB.configure() never need. tsx's CommonJS API is the synchronous one.
  const tsx = nodeRequire('tsx/cjs/api') as typeof import('tsx/cjs/api');
  return tsx.require(file, import.meta.url);
}

/**
 * The failure in a few words, without the underlying message: a syntax error quotes the
 * offending source line, which may be the one holding a password. The whole error is the cause.
 */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'it threw a non-error value (see cause)';
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_REQUIRE_ASYNC_MODULE') return 'it uses top-level await, which a synchronous load cannot wait for';
  // These messages name a module, never a line of source.
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') return error.message.split('\n')[0];
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''} (see cause)`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
