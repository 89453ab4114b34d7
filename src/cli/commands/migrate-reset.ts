import { Command } from 'commander';
import { action, type ExitCode } from '../cli-context.js';
import { runPerConnection } from './migrate.js';

/** `so-db migrate:reset [--connection C]`: undoes every applied migration of each connection. */
export function migrateResetCommand(): Command {
  return new Command('migrate:reset')
    .description('undo every applied migration of every connection that has migrations (or of one), newest first')
    .option('-c, --connection <name>', 'only this connection')
    .action(
      action((options: { connection?: string }, command: Command): Promise<ExitCode> =>
        runPerConnection(command, options.connection, 'nothing to roll back.', (migrator) => migrator.reset()),
      ),
    );
}
