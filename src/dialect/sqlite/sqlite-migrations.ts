import type { MigrationPolicy } from '../dialect.js';

/** BEGIN IMMEDIATE takes the database file's write lock; other processes wait (busy timeout). */
export const sqliteMigrations: MigrationPolicy = { transactionalDdl: true, engine: 'SQLite' };
