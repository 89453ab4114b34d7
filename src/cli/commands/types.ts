import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { ConnectionSchema } from '../../schema/typescript-types.js';
import { action, contextOf, type ExitCode } from '../cli-context.js';

/**
 * `so-db types [--connection C] [--out FILE] [--check]`: TypeScript interfaces of the live tables of each
 * connection; with `--check`, writes nothing and exits 1 when FILE differs from what it would write (CI).
 */
export function typesCommand(): Command {
  return new Command('types')
    .description('read the live schema of every connection (or of one) and write TypeScript interfaces for its tables')
    .option('-c, --connection <name>', 'only this connection')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--check', 'write nothing; exit 1 when the --out file is stale against the live schema')
    .action(
      action(async (options: { connection?: string; out?: string; check?: boolean }, command: Command): Promise<ExitCode> => {
        const { out, config } = contextOf(command);
        if (options.check && options.out === undefined) {
          out.error('types: --check compares the file of --out with the live schema: name it (--out src/db-types.ts).');
          return 1;
        }
        const loaded = await config();
        // Loaded when the command runs, so that `so-db --help` starts fast.
        const [{ displayPath }, { registry }, { introspectConnection }, { typeScriptTypes }] = await Promise.all([
          import('../../migrations/migration-loader.js'),
          import('../../registry/connection-registry.js'),
          import('../../schema/introspect-connection.js'),
          import('../../schema/typescript-types.js'),
        ]);
        const names = options.connection === undefined ? Object.keys(loaded.connections) : [registry.get(options.connection).name];
        const results = await Promise.allSettled(names.map((name) => introspectConnection(registry.get(name))));
        const failures = results.flatMap((result, i) =>
          result.status === 'rejected' ? [`connection [${names[i]}]: ${(result.reason as Error)?.message ?? result.reason}`] : [],
        );
        if (failures.length > 0) {
          // Never a partial file: it would silently drop a connection's types.
          for (const failure of failures) out.error(`types: ${failure}`);
          out.error('types: nothing written; fix the connection or pass --connection for the others.');
          return 1;
        }
        const schemas = results.map((result) => (result as PromiseFulfilledResult<ConnectionSchema>).value);
        const source = typeScriptTypes(schemas, { defaultConnection: loaded.default });
        if (options.out === undefined) {
          process.stdout.write(source);
          return 0;
        }
        const file = resolve(options.out);
        if (options.check) {
          if (existsSync(file) && readFileSync(file, 'utf8') === source) {
            out.line(`${displayPath(file)} is up to date with the live schema.`);
            return 0;
          }
          out.error(`types: ${displayPath(file)} is ${existsSync(file) ? 'stale' : 'missing'}: run so-db types${options.connection === undefined ? '' : ` --connection ${options.connection}`} --out ${options.out}`);
          return 1;
        }
        writeFileSync(file, source);
        const tables = schemas.reduce((n, s) => n + s.tables.length, 0);
        out.line(`Wrote ${tables} table${tables === 1 ? '' : 's'} of ${schemas.length} connection${schemas.length === 1 ? '' : 's'} to ${displayPath(file)}.`);
        return 0;
      }),
    );
}
