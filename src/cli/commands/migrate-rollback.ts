import { Command, InvalidArgumentError } from 'commander';
import { action, type ExitCode } from '../cli-context.js';
import { runPerConnection } from './migrate.js';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1.');
  return n;
}

/** `so-db migrate:rollback [--connection C] [--step N]`: undoes the last batch, or the last N migrations, of each connection. */
export function migrateRollbackCommand(): Command {
  return new Command('migrate:rollback')
    .description('undo the last batch (the last migrate run) of every connection that has migrations (or of one)')
    .option('-c, --connection <name>', 'only this connection')
    .option('--step <n>', 'undo this many migrations, newest first, instead of the last batch', positiveInteger)
    .action(
      action((options: { connection?: string; step?: number }, command: Command): Promise<ExitCode> =>
        runPerConnection(command, options.connection, 'nothing to roll back.', (migrator) =>
          migrator.rollback(options.step === undefined ? {} : { steps: options.step }),
        ),
      ),
    );
}
