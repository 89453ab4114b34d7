import type BetterSqlite3 from 'better-sqlite3';
import { SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { ServerConfig } from '../../config/types.js';
import { compileOnlyKysely } from '../compile-only-kysely.js';
import type { Dialect, KyselyParts } from '../dialect.js';
import { loadDriver } from '../load-driver.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { standardTransactionSql } from '../transaction-sql.js';
import { quoteDoubled } from '../quote-identifier.js';
import { sqliteCatalog } from './sqlite-catalog.js';
import { SqliteSession } from './sqlite-session.js';
import { translateSqliteError } from './sqlite-errors.js';
import { sqliteReadOnlyRefusal, sqliteSyntax } from './sqlite-read-only.js';
import { sqliteList } from './sqlite-list.js';

const parts: KyselyParts = {
  createAdapter: () => new SqliteAdapter(),
  createQueryCompiler: () => new SqliteQueryCompiler(),
  createIntrospector: (db) => new SqliteIntrospector(db),
};

/** SQLite through better-sqlite3: one synchronous handle per connection. */
export const sqliteDialect: Dialect = {
  driver: 'sqlite',
  packageName: 'better-sqlite3',
  pipelining: false,
  maxSessions: 1,
  caseInsensitiveColumns: true,
  insertReturning: false,
  maxParameters: 32_766,
  arrayParameters: false,
  valuesDefault: false,
  insertIdRow: 'last',
  upsert: 'on-conflict',
  longList: sqliteList,
  compiler: compileOnlyKysely(parts),
  kysely: parts,
  catalog: sqliteCatalog,
  transactionSql: standardTransactionSql({ begin: 'BEGIN IMMEDIATE', readOnlyBegin: 'BEGIN' }),
  unlimited: -1,
  sharedLockClause: null,
migrations: sqliteMigrations,
    twoPhase: null,

  sqlSyntax: sqliteSyntax,
  readOnlyRefusal: sqliteReadOnlyRefusal,

  async openSession(server, options) {
    const Database = loadDriver<typeof BetterSqlite3>('better-sqlite3', options.connection);
    try {
      // Streams read on a second handle of the file (see SqliteSession), opened on the first one.
      const openReader = () => new Database(server.database, { readonly: true, fileMustExist: true, timeout: 5000 });
      return new SqliteSession(new Database(server.database, { timeout: 5000 }), options.readOnly, openReader);
    } catch (error) {
      throw translateSqliteError(error, { connection: options.connection, connecting: true });
    }
  },

  databaseFile(server) {
    // '' is a temporary database, deleted when closed.
    return server.database === ':memory:' || server.database === '' ? null : server.database;
  },

  sessionSetup(server: ServerConfig, { readOnly }) {
    const setup = ['PRAGMA foreign_keys = ON'];
    // WAL lets readers in other processes work while this one writes.
    if (server.database !== ':memory:' && server.database !== '' && !readOnly) setup.push('PRAGMA journal_mode = WAL');
    if (readOnly) setup.push('PRAGMA query_only = ON');
    return setup;
  },

  translateError: translateSqliteError,
  quoteIdentifier: quoteDoubled,
};
