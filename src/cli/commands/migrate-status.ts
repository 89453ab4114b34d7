import { Command } from 'commander';
import type { MigrationState } from '../../migrations/connection-migrator.js';
import { action, contextOf, type ExitCode } from '../cli-context.js';
import { loadTargets } from './migrate.js';

interface ConnectionMigrations {
  connection: string;
  driver: string;
  migrations: (MigrationState & { status: 'applied' | 'pending' })[];
}

/** `so-db migrate:status [--connection C] [--json]`: which migrations each connection has applied. */
export function migrateStatusCommand(): Command {
  return new Command('migrate:status')
    .description('list the migrations of every connection (or of one): applied (batch, when) or pending')
    .option('-c, --connection <name>', 'only this connection')
    .option('--json', 'print JSON for scripts')
    .action(
      action(async (options: { connection?: string; json?: boolean }, command: Command): Promise<ExitCode> => {
        const { out, config } = contextOf(command);
        await config();
        const { migrations, names } = await loadTargets(options.connection);
        const report: ConnectionMigrations[] = [];
        for (const name of names) {
          const migrator = migrations.migrator(name);
          const states = migrator.files.length === 0 ? [] : await migrator.status();
          report.push({
            connection: migrator.connection.name,
            driver: migrator.connection.driver,
            migrations: states.map((s) => ({ ...s, status: s.appliedAt === null ? 'pending' : 'applied' })),
          });
        }
        if (options.json) {
          out.json({ folder: migrations.folder, connections: report });
          return 0;
        }
        if (report.length === 0) out.line(`No migrations in ${migrations.folder}.`);
        const c = out.color;
        for (const entry of report) {
          out.line(`${c.bold(`Connection [${entry.connection}]`)} ${c.dim(`(${entry.driver})`)}`);
          if (entry.migrations.length === 0) {
            out.line('  no migration names it.');
            continue;
          }
          const rows = entry.migrations.map((m) => [
            m.name,
            m.status === 'applied' ? c.green('applied') : c.yellow('pending'),
            m.batch === null ? '' : String(m.batch),
            m.appliedAt === null ? '' : m.appliedAt.toISOString(),
          ]);
          out.line(out.table(['Migration', 'Status', 'Batch', 'Applied at'], rows));
        }
        return 0;
      }),
    );
}
