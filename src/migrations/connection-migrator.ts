import { type Migration, type MigrationResult, type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely';
import type { Connection } from '../connection/connection.js';
import { ReadOnlyError } from '../errors/read-only-error.js';
import { createConnectionKysely } from '../schema/connection-kysely.js';
import { MigrationBatches } from './migration-batches.js';
import { MigrationError } from './migration-error.js';
import type { MigrationDb, MigrationFile } from './migration-file.js';
import { type MigrationHelpers, migrationHelpers } from './migration-helpers.js';
import { displayPath } from './migration-loader.js';
import type { MigrationPolicy } from '../dialect/dialect.js';
import { migrationAdapter, withMigrationLock } from './migration-lock.js';
import { type WipedObjects, wipeSchema } from './schema-wipe.js';
import { StatementRecorder } from './statement-recorder.js';

/** One migration and whether this connection's database has it. */
export interface MigrationState {
  name: string;
  /** The file, relative to the working directory. */
  file: string;
  appliedAt: Date | null;
  /** The `migrate` run it was applied in (1, 2, ...); null when pending, or applied before batches were recorded. */
  batch: number | null;
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
  /** What `fresh()` dropped before migrating. */
  dropped?: WipedObjects;
  error?: MigrationError;
}

/** Which applied migrations `rollback` undoes. */
export interface RollbackOptions {
  /** This many, newest first; absent: the last batch (every migration of the last `migrate` run). */
  steps?: number;
}

/** A run's work inside the lock: Kysely's result, and what a fresh run dropped first. */
type RunResult = MigrationResultSet & { dropped?: WipedObjects; note?: string };

/** Thrown out of a failed run so that its transaction rolls back; carries what the run reports. */
class RolledBack extends Error {
  readonly result: RunResult;

  constructor(result: RunResult) {
    super('the migration run failed');
    this.result = result;
  }
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

  constructor(connection: Connection, files: readonly MigrationFile[], poolMax: number) {
    this.connection = connection;
    this.files = files;
    this.#poolMax = poolMax;
    this.#policy = connection.dialect.migrations;
    this.#helpers = migrationHelpers(connection.driver);
    // On the primary only: a replica that lags would show migrations as not yet applied.
    this.#db = createConnectionKysely(connection, {
      adapter: (base) => migrationAdapter(base, this.#policy),
      writer: true,
    });
  }

  /** Every migration of the connection, applied (with its batch) or pending. */
  async status(): Promise<MigrationState[]> {
    const infos = await this.#migrator(0).getMigrations();
    const batches = (await MigrationBatches.exists(this.#db)) ? await MigrationBatches.read(this.#db) : new Map<string, number>();
    return infos.map((info) => ({
      name: info.name,
      file: this.#fileOf(info.name),
      appliedAt: info.executedAt ?? null,
      batch: info.executedAt === undefined ? null : (batches.get(info.name) ?? null),
    }));
  }

  /** Applies every pending migration, as one new batch. */
  migrate(): Promise<MigrationRun> {
    return this.#run('up', async () => {
      await MigrationBatches.ensure(this.#db);
      return this.#migrator(await MigrationBatches.next(this.#db)).migrateToLatest();
    });
  }

  /**
   * Undoes the last batch (every migration the last `migrate` run applied), or the last `steps`
   * applied migrations, newest first. A migration applied before batches were recorded is a
   * batch of its own.
   */
  rollback(options: RollbackOptions = {}): Promise<MigrationRun> {
    return this.#run('down', async () => {
      await MigrationBatches.ensure(this.#db);
      const migrator = this.#migrator(0);
      // Oldest first, in the order Kysely's migrator undoes them from the end.
      const applied = (await migrator.getMigrations())
        .filter((info) => info.executedAt !== undefined)
        .sort((a, b) => (a.executedAt as Date).getTime() - (b.executedAt as Date).getTime() || a.name.localeCompare(b.name))
        .map((info) => info.name);
      const steps = options.steps ?? lastBatchSize(applied, await MigrationBatches.read(this.#db));
      if (applied.length === 0 || steps <= 0) return { results: [] };
      return migrator.migrateTo(steps >= applied.length ? NO_MIGRATIONS : applied[applied.length - steps - 1]);
    });
  }

  /** Undoes every applied migration, newest first. */
  reset(): Promise<MigrationRun> {
    return this.#run('down', async () => {
      await MigrationBatches.ensure(this.#db);
      return this.#migrator(0).migrateTo(NO_MIGRATIONS);
    });
  }

  /**
   * Drops every table and view of the connection's database (PostgreSQL: of its schema), whether
   * a migration made it or not, then applies every migration as batch 1. On PostgreSQL and SQLite
   * it is one transaction: if a migration fails, the dropped tables are back.
   */
  fresh(): Promise<MigrationRun> {
    return this.#run('up', async () => {
      let dropped: WipedObjects;
      try {
        dropped = await wipeSchema(this.#db, this.connection.driver);
      } catch (error) {
        throw new MigrationError(`Connection [${this.connection.name}]: dropping its tables failed: ${messageOf(error)}`, {
          connection: this.connection.name,
          cause: error,
        });
      }
      await MigrationBatches.ensure(this.#db);
      const result = await this.#migrator(1).migrateToLatest();
      // Kysely rolled back only its own part (a savepoint): failing the run's transaction brings the tables back.
      if (result.error === undefined) return { ...result, dropped };
      if (this.#policy.transactionalDdl) throw new RolledBack({ ...result, note: 'The tables and views it dropped first are back.' });
      return { ...result, dropped, note: 'The tables and views it dropped first stay dropped.' };
    });
  }

  /** Kysely's migrator over this connection's files; what it applies is recorded in `batch`. */
  #migrator(batch: number): Migrator {
    const migrations: Record<string, Migration> = {};
    for (const file of this.files) migrations[file.name] = this.#recorded(file, batch);
    return new Migrator({
      db: this.#db,
      provider: { getMigrations: async () => migrations },
      // As Laravel does: a migration merged late (older name) still runs.
      allowUnorderedMigrations: true,
    });
  }

  async #run(direction: 'up' | 'down', run: () => Promise<RunResult>): Promise<MigrationRun> {
    const { connection } = this;
    if (connection.readOnly) throw ReadOnlyError.forConnection(connection.name, 'migrate');
    const stop = this.#recorder.listen(connection.name);
    let result: RunResult;
    try {
      result = await withMigrationLock(connection, this.#poolMax, run);
    } catch (error) {
      if (error instanceof MigrationError || error instanceof ReadOnlyError) throw error;
      result = error instanceof RolledBack ? error.result : { error };
    } finally {
      stop();
    }
    return this.#report(direction, result);
  }

  #report(direction: 'up' | 'down', result: RunResult): MigrationRun {
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
    const dropped = result.dropped === undefined ? {} : { dropped: result.dropped };
    if (!failed) return { connection: this.connection.name, steps, ...dropped };
    const error =
      failedAt >= 0
        ? this.#migrationFailure(results[failedAt].migrationName, direction, steps, result)
        : new MigrationError(`Migrations on connection [${this.connection.name}] failed: ${messageOf(result.error)}${note(result)}`, {
            connection: this.connection.name,
            cause: result.error,
          });
    return { connection: this.connection.name, steps, ...dropped, error };
  }

  #migrationFailure(name: string, direction: 'up' | 'down', steps: MigrationStep[], result: RunResult): MigrationError {
    const cause = result.error;
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
    message += note(result);
    return new MigrationError(message, { connection, migration: name, file, direction, statementsRun, cause });
  }

  /**
   * Wraps a file's up/down so that its statements are recorded, it gets the helpers, and its batch
   * row is written (or removed) right after it, on the same transaction or session as Kysely's row.
   */
  #recorded(file: MigrationFile, batch: number): Migration {
    const { up, down } = file.module;
    const t = this.#helpers;
    return {
      up: async (db) => {
        await this.#recorder.record(file.name, () => up.call(file.module, db, t));
        await MigrationBatches.record(db, file.name, batch);
      },
      // Without a down, Kysely would skip the migration yet keep it applied: refuse instead.
      down: async (db) => {
        if (down === undefined) throw new Error(`it exports no down(db) function, so it cannot be rolled back`);
        await this.#recorder.record(file.name, () => down.call(file.module, db, t));
        await MigrationBatches.forget(db, file.name);
      },
    };
  }

  #fileOf(name: string): string {
    const file = this.files.find((f) => f.name === name);
    return file === undefined ? name : displayPath(file.path);
  }
}

/**
 * How many of the newest applied migrations (`applied` oldest first) share the newest one's batch;
 * 1 when the newest has none (applied before batches were recorded: a batch of its own).
 */
function lastBatchSize(applied: readonly string[], batches: ReadonlyMap<string, number>): number {
  if (applied.length === 0) return 0;
  const last = batches.get(applied[applied.length - 1]);
  if (last === undefined) return 1;
  let count = 0;
  while (count < applied.length && batches.get(applied[applied.length - 1 - count]) === last) count++;
  return count;
}

function note(result: RunResult): string {
  return result.note === undefined ? '' : `\n${result.note}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
