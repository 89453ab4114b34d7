import { Command, Option } from 'commander';
import type { MigrationExtension } from '../../migrations/migration-template.js';
import { action, contextOf, type ExitCode } from '../cli-context.js';

/** `so-db make:migration NAME [--connection C]`: a new timestamped migration file from the template. */
export function makeMigrationCommand(): Command {
  return new Command('make:migration')
    .description('write a new timestamped migration file (up and down) into the migrations folder')
    .argument('<name>', 'what it does, e.g. create_users_table')
    .option('-c, --connection <name>', 'the connection it runs on (default: the default connection)')
    .addOption(new Option('--ext <extension>', 'file type').choices(['ts', 'js', 'mjs']).default('ts'))
    .action(
      action(
        async (name: string, options: { connection?: string; ext: MigrationExtension }, command: Command): Promise<ExitCode> => {
          const { out, config } = contextOf(command);
          const loaded = await config();
          // Loaded when the command runs, so that `so-db --help` starts fast.
          const [{ displayPath }, { writeMigrationFile }, { registry }] = await Promise.all([
            import('../../migrations/migration-loader.js'),
            import('../../migrations/migration-template.js'),
            import('../../registry/connection-registry.js'),
          ]);
          if (options.connection !== undefined) registry.get(options.connection); // "Connection [x] not configured."
          const path = writeMigrationFile({
            folder: loaded.migrations,
            name,
            ...(options.connection === undefined ? {} : { connection: options.connection }),
            extension: options.ext,
          });
          out.line(`Created ${displayPath(path)}`);
          return 0;
        },
      ),
    );
}
