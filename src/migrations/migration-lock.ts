import type { DialectAdapter } from 'kysely';
import type { Connection } from '../connection/connection.js';
import type { MigrationPolicy } from '../dialect/dialect.js';
import { MigrationError } from './migration-error.js';

/**
 * The engine's Kysely adapter as Kysely's Migrator sees it: transactional DDL as the
 * engine really has it (Kysely says false for SQLite), and no locking of its own,
 * because `withMigrationLock` holds the lock around the whole run, table creation included.
 */
export function migrationAdapter(base: DialectAdapter, policy: MigrationPolicy): DialectAdapter {
  return {
    supportsCreateIfNotExists: base.supportsCreateIfNotExists,
    supportsTransactionalDdl: policy.transactionalDdl,
    supportsReturning: base.supportsReturning,
    ...(base.supportsOutput === undefined ? {} : { supportsOutput: base.supportsOutput }),
    acquireMigrationLock: async () => {},
    releaseMigrationLock: async () => {},
  };
}

/**
 * Runs `fn` (one migrator run) while this process alone migrates the connection's database:
 * - transactional DDL: all of it in one transaction of the connection, whose first
 *   statement takes the lock (or whose BEGIN does); Kysely's own transaction becomes a savepoint;
 * - otherwise: a session lock held by a second session for as long as `fn` runs, while
 *   `fn`'s statements run and commit one by one on the others.
 */
export async function withMigrationLock<T>(connection: Connection, poolMax: number, fn: () => Promise<T>): Promise<T> {
  const policy = connection.dialect.migrations;
  if (connection.inTransaction()) {
    throw new MigrationError(
      `Connection [${connection.name}]: migrations cannot run inside a transaction of the connection; run them outside it.`,
      { connection: connection.name },
    );
  }
  if (policy.sessionLock === undefined) {
    const lock = policy.transactionLock;
    return connection.transaction(async () => {
      if (lock !== undefined) await connection.select(lock);
      return fn();
    });
  }
  if (poolMax < 2) {
    throw new MigrationError(
      `Connection [${connection.name}]: migrations on ${policy.engine} need pool.max of at least 2 (one session holds the migration lock), got ${poolMax}.`,
      { connection: connection.name },
    );
  }
  return holdingSessionLock(connection, policy.sessionLock, fn);
}

async function holdingSessionLock<T>(
  connection: Connection,
  lock: NonNullable<MigrationPolicy['sessionLock']>,
  fn: () => Promise<T>,
): Promise<T> {
  let acquired!: () => void;
  let finished!: () => void;
  const lockTaken = new Promise<void>((resolve) => {
    acquired = resolve;
  });
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  // A transaction is how a flow reserves one session; nothing is written in it.
  const holder = connection.transaction(async () => {
    const row = await connection.selectOne<{ acquired: unknown }>(lock.acquire);
    if (Number(row?.acquired) !== 1) {
      throw new MigrationError(
        `Connection [${connection.name}]: another process held the migration lock for more than ${lock.timeoutSeconds} s.`,
        { connection: connection.name },
      );
    }
    acquired();
    await done;
    await connection.select(lock.release);
  });
  holder.catch(() => {}); // observed below; this keeps an early failure from being "unhandled"
  await Promise.race([lockTaken, holder]);
  try {
    return await fn();
  } finally {
    finished();
    // If RELEASE_LOCK failed, the session is gone or will be closed, which releases it.
    await holder.catch(() => {});
  }
}
