import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { action, contextOf, type ExitCode } from '../cli-context.js';
import { printRun } from '../migration-report.js';
import { loadTargets } from './migrate.js';

/** Asks on the terminal; true when the answer is yes. */
async function confirmed(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} Type yes to go on: `);
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    prompt.close();
  }
}

/**
 * `so-db migrate:fresh [--connection C] [--force]`: drops every table and view of each connection
 * that has migrations (or of C), then applies every migration. Without --force it asks on a
 * terminal, and refuses where there is none to ask on (a script, CI): dropping tables no migration
 * made cannot be undone on MySQL/MariaDB, and a wrong --env or --connection is easy to type.
 */
export function migrateFreshCommand(): Command {
  return new Command('migrate:fresh')
    .description('drop every table and view of every connection that has migrations (or of one), then migrate')
    .option('-c, --connection <name>', 'only this connection')
    .option('--force', 'do not ask for confirmation (needed without a terminal)')
    .action(
      action(async (options: { connection?: string; force?: boolean }, command: Command): Promise<ExitCode> => {
        const { out, config } = contextOf(command);
        const loaded = await config();
        const { migrations, names } = await loadTargets(options.connection);
        if (names.length === 0) {
          out.line(`No migrations in ${migrations.folder}.`);
          return 0;
        }
        const [{ ReadOnlyError }, { describeServer }] = await Promise.all([
          import('../../errors/read-only-error.js'),
          import('../server-probe.js'),
        ]);
        const migrators = names.map((name) => migrations.migrator(name));
        // Every target is checked before any is touched.
        const readOnly = migrators.find((migrator) => migrator.connection.readOnly);
        if (readOnly !== undefined) throw ReadOnlyError.forConnection(readOnly.connection.name, 'migrate:fresh');
        const targets = migrators.map(({ connection }) => {
          const settings = loaded.connections[connection.name];
          return `[${connection.name}] (${connection.driver} ${describeServer(settings.driver, settings.write).target})`;
        });
        const what = `Drop every table and view of ${targets.length === 1 ? 'connection' : 'connections'} ${targets.join(', ')}, then migrate?`;
        if (options.force !== true) {
          if (process.stdin.isTTY !== true) {
            out.error(`migrate:fresh drops every table and view of ${targets.join(', ')}: pass --force to confirm (there is no terminal to ask on).`);
            return 1;
          }
          if (!(await confirmed(what))) {
            out.note('Cancelled: nothing was dropped.');
            return 1;
          }
        }
        for (const migrator of migrators) {
          const run = await migrator.fresh();
          if (printRun(out, run, migrator.connection.driver, 'nothing to migrate.') !== 0) return 1;
        }
        return 0;
      }),
    );
}
