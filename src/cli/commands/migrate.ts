import { Command } from 'commander';
import type { ConnectionMigrator, MigrationRun } from '../../migrations/connection-migrator.js';
import type { Migrations } from '../../migrations/migrations.js';
import { action, contextOf, type ExitCode } from '../cli-context.js';
import { printRun } from '../migration-report.js';

/**
 * The migrations, and the connections a migration command works on: the one named, else
 * every one with migrations. Loaded when the command runs, so that `so-db --help` starts fast.
 */
export async function loadTargets(named: string | undefined): Promise<{ migrations: Migrations; names: string[] }> {
  const [{ Migrations }, { registry }] = await Promise.all([
    import('../../migrations/migrations.js'),
    import('../../registry/connection-registry.js'),
  ]);
  const migrations = await Migrations.load();
  // registry.get throws "Connection [x] not configured."
  return { migrations, names: named === undefined ? migrations.connections() : [registry.get(named).name] };
}

/**
 * Runs `step` on the migrator of each target connection and prints each run.
 * Stops at the first failure: later connections may depend on this one.
 * `step` returns null to skip a connection (after printing why).
 */
export async function runPerConnection(
  command: Command,
  named: string | undefined,
  idle: string,
  step: (migrator: ConnectionMigrator) => Promise<MigrationRun | null>,
): Promise<ExitCode> {
  const { out, config } = contextOf(command);
  await config();
  const { migrations, names } = await loadTargets(named);
  if (names.length === 0) {
    out.line(`No migrations in ${migrations.folder}.`);
    return 0;
  }
  for (const name of names) {
    const migrator = migrations.migrator(name);
    const run = await step(migrator);
    if (run !== null && printRun(out, run, migrator.connection.driver, idle) !== 0) return 1;
  }
  return 0;
}

/** `so-db migrate [--connection C]`: applies pending migrations, connection by connection. */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply the pending migrations of every connection (or of one), each in its own migrations table')
    .option('-c, --connection <name>', 'only this connection')
    .action(
      action((options: { connection?: string }, command: Command): Promise<ExitCode> =>
        runPerConnection(command, options.connection, 'nothing to migrate.', async (migrator) => {
          if (migrator.files.length > 0) return migrator.migrate();
          contextOf(command).out.line(`Connection [${migrator.connection.name}]: no migration names it.`);
          return null;
        }),
      ),
    );
}
