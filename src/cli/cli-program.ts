import { createRequire } from 'node:module';
import { Command } from 'commander';
import { suggestCommands } from './command-suggestion.js';
import { makeMigrationCommand } from './commands/make-migration.js';
import { migrateCommand } from './commands/migrate.js';
import { migrateFreshCommand } from './commands/migrate-fresh.js';
import { migrateResetCommand } from './commands/migrate-reset.js';
import { migrateRollbackCommand } from './commands/migrate-rollback.js';
import { migrateStatusCommand } from './commands/migrate-status.js';
import { queryCommand } from './commands/query.js';
import { recoverCommand } from './commands/recover.js';
import { statusCommand } from './commands/status.js';
import { typesCommand } from './commands/types.js';
import { colorsFor } from './output.js';

// src/cli and dist/cli are both two levels below the package root.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const EXAMPLES = `
Examples:
  so-db status                                   every connection: reachable? version, latency
  so-db migrate --connection essentials          apply pending migrations of one connection
  so-db migrate:rollback                         undo the last batch (the last migrate run) of each connection
  so-db migrate:rollback --step 2                undo the last two migrations of each connection
  so-db migrate:fresh --connection main --force  drop every table of main, then migrate it
  so-db query db "SELECT * FROM orders WHERE status = ?" pending --json
  so-db types --out src/database-types.ts        TypeScript interfaces of every connection's tables
  so-db make:migration create_users_table --connection essentials
  so-db --env staging status                     with .env.staging loaded over .env

The configuration is found as the library finds it: --config, else SO_DB_CONFIG, else
config/database.{ts,js,mjs,json} under the working directory; .env files are loaded first.`;

/** The `so-db` program: global options and one subcommand per file in ./commands. */
export function createProgram(): Command {
  const errors = colorsFor(process.stderr);
  const program = new Command('so-db')
    .description('so-database: check, migrate, query and type every configured database connection')
    .version(version, '-V, --version', 'print the so-database version')
    .option('--config <path>', 'configuration file to use (instead of SO_DB_CONFIG or config/database.*)')
    .option('--env <name>', 'load .env.<name> over .env (e.g. production, staging)')
    .option('--verbose', 'on failure, print the stack trace and the error causes')
    .helpCommand(true)
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      // Commander's usage errors as one line: "so-db: unknown command 'x' (Did you mean y?)".
      outputError: (text, write) => write(`${errors.red(errors.bold('so-db:'))} ${text.replace(/^error: /, '').replace(/\s*\n(?=.)/g, ' ')}`),
    })
    .exitOverride()
    .addHelpText('after', EXAMPLES);
  for (const command of [
    statusCommand(),
    migrateCommand(),
    migrateRollbackCommand(),
    migrateResetCommand(),
    migrateFreshCommand(),
    migrateStatusCommand(),
    makeMigrationCommand(),
    queryCommand(),
    typesCommand(),
    recoverCommand(),
  ]) {
    // addCommand() does not pass settings down; these must hold for every subcommand too.
    program.addCommand(command.copyInheritedSettings(program));
  }
  // Commander's own suggestion knows typos of whole names only; this knows `rollback` too.
  program.on('command:*', (operands: string[]) => {
    const names = program.commands.map((command) => command.name());
    const found = suggestCommands(operands[0], names);
    const hint = found.length === 0 ? '' : `\n(Did you mean ${found.length === 1 ? found[0] : `one of ${found.join(', ')}`}?)`;
    program.error(`error: unknown command '${operands[0]}'${hint}`, { code: 'commander.unknownCommand' });
  });
  return program;
}
