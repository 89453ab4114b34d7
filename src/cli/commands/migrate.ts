import { Command } from 'commander';
import type { ConnectionMigrator, MigrationRun } from '../../migrations/connection-migrator.js';
import { Migrations } from '../../migrations/migrations.js';
import { registry } from '../../registry/connection-registry.js';
import { action, contextOf, type ExitCode } from '../cli-context.js';
import { printRun } from '../migration-report.js';

/** The connections a migration command works on: the one named, else every one with migrations. */
export function targetConnections(migrations: Migrations, named: string | undefined): string[] {
  if (named === undefined) return migrations.connections();
  return [registry.get(named).name]; // throws "Connection [x] not configured."
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
  const migrations = await Migrations.load();
  const names = targetConnections(migrations, named);
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
