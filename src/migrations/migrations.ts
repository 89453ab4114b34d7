import type { Connection } from '../connection/connection.js';
import { registry } from '../registry/connection-registry.js';
import { ConnectionMigrator } from './connection-migrator.js';
import { MigrationError } from './migration-error.js';
import type { MigrationFile } from './migration-file.js';
import { displayPath, loadMigrationFiles } from './migration-loader.js';

/**
 * The migration files of the configured folder, grouped by the connection each names,
 * with one `ConnectionMigrator` per connection that has any.
 *
 * @example
 * const migrations = await Migrations.load();
 * for (const name of migrations.connections()) console.log(name, await migrations.migrator(name).status());
 */
export class Migrations {
  /** Absolute path of the migrations folder. */
  readonly folder: string;
  readonly files: readonly MigrationFile[];
  readonly #migrators = new Map<string, ConnectionMigrator>();

  private constructor(folder: string, files: MigrationFile[]) {
    this.folder = folder;
    this.files = files;
  }

  /** Loads the files of the configuration's `migrations` folder (or `folder`). */
  static async load(folder?: string): Promise<Migrations> {
    const config = registry.config();
    const where = folder ?? config.migrations;
    const files = await loadMigrationFiles(where, config.default);
    for (const file of files) {
      if (!Object.hasOwn(config.connections, file.connection)) {
        throw new MigrationError(
          `Migration ${displayPath(file.path)} names connection [${file.connection}], which is not configured.`,
          { connection: file.connection, migration: file.name, file: displayPath(file.path) },
        );
      }
    }
    return new Migrations(where, files);
  }

  /** Names of the connections that have migrations, in the configuration's order. */
  connections(): string[] {
    const named = new Set(this.files.map((file) => file.connection));
    return registry.names().filter((name) => named.has(name));
  }

  /** The migrator of one connection (with no migrations if no file names it). */
  migrator(name: string): ConnectionMigrator {
    let migrator = this.#migrators.get(name);
    if (migrator === undefined) {
      const connection: Connection = registry.get(name);
      const files = this.files.filter((file) => file.connection === connection.name);
      const poolMax = registry.config().connections[connection.name].pool.max;
      migrator = new ConnectionMigrator(connection, files, poolMax);
      this.#migrators.set(name, migrator);
    }
    return migrator;
  }
}
