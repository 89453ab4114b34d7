import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DatabaseConfig, NormalizedConfig } from '../config/types.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { Output } from './output.js';

/** Options every command takes (`so-db --config x status`, `so-db status --config x`). */
export interface GlobalOptions {
  config?: string;
  env?: string;
  verbose?: boolean;
}

/** What a command's action gets: its output and the configuration, loaded as the options say. */
export interface CommandContext {
  out: Output;
  options: GlobalOptions;
  /** Loads `.env` files and the configuration (once); throws ConfigurationError when missing or invalid. */
  config(): Promise<NormalizedConfig>;
}

/** What a command's action returns: the process's exit code. */
export type ExitCode = number;

/**
 * Loads the configuration the way the library does (config file discovery, `.env`,
 * `SO_DB_CONFIG`), with `--env NAME` choosing `.env.NAME` and `--config PATH` naming the file.
 */
async function loadCliConfig(options: GlobalOptions, out: Output): Promise<NormalizedConfig> {
  // Loaded here, not at start-up: the registry brings the dialects and Kysely, `--help` needs neither.
  const [{ readConfigFile }, { loadEnvFiles }, { displayPath }, { registry }] = await Promise.all([
    import('../config/config-loader.js'),
    import('../config/env.js'),
    import('../migrations/migration-loader.js'),
    import('../registry/connection-registry.js'),
  ]);
  if (options.env !== undefined) {
    const files = loadEnvFiles({ envName: options.env, force: true });
    // Not an error (the real environment may hold everything), but likely a typo.
    if (!files.some((file) => file.endsWith(`.env.${options.env}`))) {
      out.note(`so-db: --env ${options.env}: there is no .env.${options.env} file in ${process.cwd()}; using the environment and .env only.`);
    }
  }
  if (options.config !== undefined) {
    const file = resolve(options.config);
    if (!isFile(file)) throw new ConfigurationError(`Database configuration file not found: ${file} (named by --config).`);
    loadEnvFiles(); // before the file runs, so that its env() calls see .env
    await registry.configure(readConfigFile(file) as DatabaseConfig, displayPath(file));
  }
  return registry.config();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The context of the command being run, from its options and the program's. */
export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const out = new Output();
  let loaded: Promise<NormalizedConfig> | undefined;
  return {
    out,
    options,
    config: () => {
      loaded ??= loadCliConfig(options, out);
      return loaded;
    },
  };
}

/** The exit code the commands asked for (the highest wins), and whether one ran (so connections may be open). */
export const outcome = { code: 0, ran: false };

/**
 * Wraps a command's action: commander ignores what actions return, so the exit
 * code they return is kept here for `runCli` to return.
 */
// biome-ignore lint/suspicious/noExplicitAny: commander passes each action its own argument list
export function action<A extends any[]>(fn: (...args: A) => Promise<ExitCode>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    outcome.ran = true;
    const code = await fn(...args);
    outcome.code = Math.max(outcome.code, code);
  };
}
