import { CommanderError } from 'commander';
import { DatabaseError } from '../errors/database-error.js';
import { MigrationError } from '../migrations/migration-error.js';
import { outcome } from './cli-context.js';
import { createProgram } from './cli-program.js';
import { Output } from './output.js';

/** The message of a failure: one line, unless it is a migration report; with --verbose, stacks and causes. */
export function describeFailure(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (verbose) {
    const parts = [error.stack ?? `${error.name}: ${error.message}`];
    let cause = error.cause;
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      parts.push(`Caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    return parts.join('\n');
  }
  if (error instanceof MigrationError) return error.message;
  const message = error.message.replace(/\s*\n\s*/g, ' ').trim();
  // Anything but our own errors is unexpected, so name its kind.
  if (!(error instanceof DatabaseError)) return `${error.name}: ${message} (run with --verbose for details)`;
  // A server's message (QueryError) does not say which connection it came from.
  const connection = error.connection;
  return connection === undefined || message.includes(`[${connection}]`) ? message : `Connection [${connection}]: ${message}`;
}

/**
 * Runs `so-db` with `argv` (without node and the script) and returns the exit code.
 * Connections are closed before it returns, so the process ends on its own.
 *
 * @example
 * process.exitCode = await runCli(['status', '--json']);
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  outcome.code = 0;
  outcome.ran = false;
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.code;
  } catch (error) {
    // Commander has printed its own message (usage errors), or the help (exit code 0).
    if (error instanceof CommanderError) return error.exitCode;
    const verbose = program.opts().verbose === true || argv.includes('--verbose');
    new Output().error(describeFailure(error, verbose));
    return 1;
  } finally {
    // Only a command that ran can have opened connections; `--help` never loads the registry.
    if (outcome.ran) {
      const { DB } = await import('../registry/db.js');
      await DB.disconnect();
    }
  }
}
