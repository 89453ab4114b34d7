import { type Migration, type MigrationResult, type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely';
import type { Connection } from '../connection/connection.js';
import { ReadOnlyError } from '../errors/read-only-error.js';
import { createConnectionKysely } from '../schema/connection-kysely.js';
import { MigrationError } from './migration-error.js';
import type { MigrationDb, MigrationFile } from './migration-file.js';
import { type MigrationHelpers, migrationHelpers } from './migration-helpers.js';
import { displayPath } from './migration-loader.js';
import { type MigrationPolicy, migrationAdapter, migrationPolicy, withMigrationLock } from './migration-lock.js';
import { StatementRecorder } from './statement-recorder.js';

/** One migration and whether this connection's database has it. */
export interface MigrationState {
  name: string;
  /** The file, relative to the working directory. */
  file: string;
  appliedAt: Date | null;
}

/**
 * What one run did to one migration: `done` (applied, or rolled back on the way down),
 * `failed`, `skipped` (after a failure), `reverted` (done, then undone with the failure
 * because the whole run was one transaction).
 */
export interface MigrationStep {
  name: string;
  file: string;
  direction: 'up' | 'down';
  status: 'done' | 'failed' | 'skipped' | 'reverted';
}

export interface MigrationRun {
  connection: string;
  steps: MigrationStep[];
  error?: MigrationError;
}

/**
 * The migrations of one connection, run by Kysely's Migrator on that connection's
 * own migrations table (`kysely_migration`, with `kysely_migration_lock`) in its
 * database, under a lock per database (see `withMigrationLock`).
 *
 * @example
 * const migrator = new ConnectionMigrator(DB.connection('essentials'), files, 10);
 * const run = await migrator.migrate();
 * if (run.error) throw run.error;
 */
export class ConnectionMigrator {
  readonly connection: Connection;
  readonly files: readonly MigrationFile[];
  readonly #poolMax: number;
  readonly #policy: MigrationPolicy;
  readonly #db: MigrationDb;
  readonly #helpers: MigrationHelpers;
  readonly #recorder = new StatementRecorder();
  readonly #migrator: Migrator;

  constructor(connection: Connection, files: readonly MigrationFile[], poolMax: number) {
    this.connection = connection;
    this.files = files;
    this.#poolMax = poolMax;
    this.#policy = migrationPolicy(connection.driver);
    this.#helpers = migrationHelpers(connection.driver);
    // On the primary only: a replica that lags would show migrations as not yet applied.
    this.#db = createConnectionKysely(connection, {
      adapter: (base) => migrationAdapter(base, this.#policy),
      writer: true,
    });
    const migrations: Record<string, Migration> = {};
    for (const file of files) migrations[file.name] = this.#recorded(file);
    this.#migrator = new Migrator({
      db: this.#db,
      provider: { getMigrations: async () => migrations },
      // As Laravel does: a migration merged late (older name) still runs.
      allowUnorderedMigrations: true,
    });
  }

  /** Every migration of the connection, applied or pending. */
  async status(): Promise<MigrationState[]> {
    const infos = await this.#migrator.getMigrations();
    return infos.map((info) => ({
      name: info.name,
      file: this.#fileOf(info.name),
      appliedAt: info.executedAt ?? null,
    }));
  }

  /** Applies every pending migration. */
  migrate(): Promise<MigrationRun> {
    return this.#run('up', () => this.#migrator.migrateToLatest());
  }

  /** Undoes the last `steps` applied migrations, newest first. */
  rollback(steps = 1): Promise<MigrationRun> {
    return this.#run('down', async () => {
      const applied = (await this.#migrator.getMigrations())
        .filter((info) => info.executedAt !== undefined)
        .sort((a, b) => (a.executedAt as Date).getTime() - (b.executedAt as Date).getTime() || a.name.localeCompare(b.name));
      if (applied.length === 0 || steps <= 0) return { results: [] };
      const target = steps >= applied.length ? NO_MIGRATIONS : applied[applied.length - steps - 1].name;
      return this.#migrator.migrateTo(target);
    });
  }

  async #run(direction: 'up' | 'down', run: () => Promise<MigrationResultSet>): Promise<MigrationRun> {
    const { connection } = this;
    if (connection.readOnly) throw ReadOnlyError.forConnection(connection.name, 'migrate');
    const stop = this.#recorder.listen(connection.name);
    let result: MigrationResultSet;
    try {
      result = await withMigrationLock(connection, this.#poolMax, run);
    } catch (error) {
      if (error instanceof MigrationError || error instanceof ReadOnlyError) throw error;
      result = { error };
    } finally {
      stop();
    }
    return this.#report(direction, result);
  }

  #report(direction: 'up' | 'down', result: MigrationResultSet): MigrationRun {
    const results: readonly MigrationResult[] = result.results ?? [];
    const failedAt = results.findIndex((r) => r.status === 'Error');
    const failed = result.error !== undefined;
    const steps: MigrationStep[] = results.map((r, index) => ({
      name: r.migrationName,
      file: this.#fileOf(r.migrationName),
      direction,
      status:
        r.status === 'Error'
          ? 'failed'
          : r.status === 'NotExecuted'
            ? 'skipped'
            : failed && this.#policy.transactionalDdl && index < failedAt
              ? 'reverted'
              : 'done',
    }));
    if (!failed) return { connection: this.connection.name, steps };
    const error =
      failedAt >= 0
        ? this.#migrationFailure(results[failedAt].migrationName, direction, steps, result.error)
        : new MigrationError(`Migrations on connection [${this.connection.name}] failed: ${messageOf(result.error)}`, {
            connection: this.connection.name,
            cause: result.error,
          });
    return { connection: this.connection.name, steps, error };
  }

  #migrationFailure(name: string, direction: 'up' | 'down', steps: MigrationStep[], cause: unknown): MigrationError {
    const connection = this.connection.name;
    const file = this.#fileOf(name);
    let message = `Migration ${file} (${direction}) failed on connection [${connection}]: ${messageOf(cause)}`;
    let statementsRun: string[] = [];
    if (this.#policy.transactionalDdl) {
      const reverted = steps.filter((s) => s.status === 'reverted').map((s) => s.name);
      message += `\nNothing of it was applied: the run's transaction was rolled back`;
      message += reverted.length > 0 ? `, undoing also ${reverted.join(', ')}.` : '.';
    } else {
      const recorded = this.#recorder.statementsOf(name);
      statementsRun = recorded.filter((s) => !s.failed).map((s) => s.sql);
      const failing = recorded.find((s) => s.failed);
      message += `\n${this.#policy.engine} commits schema changes at once, so what ran before the failure stays applied.`;
      message +=
        statementsRun.length === 0
          ? '\nNo statement of it had run.'
          : `\nStatements of it that ran (${statementsRun.length}):${statementsRun.map((sql, i) => `\n  ${i + 1}. ${sql}`).join('')}`;
      if (failing !== undefined) message += `\nFailed statement:\n  ${failing.sql}`;
    }
    return new MigrationError(message, { connection, migration: name, file, direction, statementsRun, cause });
  }

  /** Wraps a file's up/down so its statements are recorded and it gets the helpers. */
  #recorded(file: MigrationFile): Migration {
    const { up, down } = file.module;
    const t = this.#helpers;
    return {
      up: (db) => this.#recorder.record(file.name, () => up.call(file.module, db, t)),
      // Without a down, Kysely would skip the migration yet keep it applied: refuse instead.
      down: (db) =>
        down === undefined
          ? Promise.reject(new Error(`it exports no down(db) function, so it cannot be rolled back`))
          : this.#recorder.record(file.name, () => down.call(file.module, db, t)),
    };
  }

  #fileOf(name: string): string {
    const file = this.files.find((f) => f.name === name);
    return file === undefined ? name : displayPath(file.path);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
