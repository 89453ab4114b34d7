import type { SessionVariable } from '../../config/types.js';
import { MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler } from 'kysely';
import type * as Mysql2 from 'mysql2';
import { compileOnlyKysely } from '../compile-only-kysely.js';
import type { Dialect, KyselyParts } from '../dialect.js';
import { loadDriver } from '../load-driver.js';
import { mysqlMigrations } from './mysql-migrations.js';
import { standardTransactionSql } from '../transaction-sql.js';
import { quoteBacktick } from '../quote-identifier.js';
import { mysqlCatalog } from './mysql-catalog.js';
import { charsetSetup, checkCharsetNames, wireCharset } from './mysql-charset.js';
import { mysqlRetryableFailure, translateMysqlError } from './mysql-errors.js';
import { mysqlReplication } from './mysql-replication.js';
import { MysqlSession } from './mysql-session.js';
import { mysqlTwoPhase } from './mysql-two-phase.js';
import { mysqlReadOnlyRefusal, mysqlSyntax } from './mysql-read-only.js';
import { mysqlList } from './mysql-list.js';

/** Whether mysql2 has a number for this collation name (it throws on the others). */
function knownCollation(name: string): boolean {
  const charsets = (loadDriver<typeof Mysql2>('mysql2', 'mysql') as unknown as { Charsets: Record<string, number> }).Charsets;
  return Object.hasOwn(charsets, name);
}

const parts: KyselyParts = {
  createAdapter: () => new MysqlAdapter(),
  createQueryCompiler: () => new MysqlQueryCompiler(),
  createIntrospector: (db) => new MysqlIntrospector(db),
};

/** MySQL and MariaDB through mysql2. */
export const mysqlDialect: Dialect = {
  driver: 'mysql',
  packageName: 'mysql2',
  pipelining: false,
  maxSessions: Number.POSITIVE_INFINITY,
  caseInsensitiveColumns: true,
  insertReturning: false,
  maxParameters: 65_535,
  arrayParameters: false,
  valuesDefault: true,
  insertIdRow: 'first',
  upsert: 'on-duplicate-key',
  longList: mysqlList,
  compiler: compileOnlyKysely(parts),
  kysely: parts,
  catalog: mysqlCatalog,
  transactionSql: standardTransactionSql({ begin: 'START TRANSACTION' }),
  // MariaDB has no FOR SHARE; both MySQL and MariaDB take this form.
  // OFFSET needs a LIMIT in MySQL: the largest one it takes.
  unlimited: 18446744073709551615n,
  sharedLockClause: 'LOCK IN SHARE MODE',
migrations: mysqlMigrations,
    twoPhase: mysqlTwoPhase,

  sqlSyntax: mysqlSyntax,
  readOnlyRefusal: mysqlReadOnlyRefusal,

  async openSession(server, options) {
    const mysql = loadDriver<typeof Mysql2>('mysql2', options.connection);
    checkCharsetNames(server, options.connection);
    const connection = mysql.createConnection({
      host: server.socket ? undefined : server.host,
      port: server.port,
      socketPath: server.socket,
      user: server.username,
      password: server.password,
      database: server.database || undefined,
      // What mysql2 encodes and decodes text with: always UTF-8 (see mysql-charset.ts).
      charset: wireCharset(server, knownCollation),
      supportBigNumbers: true,
      connectTimeout: 10_000,
    });
    const session = new MysqlSession(connection, options.onBroken, options.readOnly);
    try {
      await session.connected;
    } catch (error) {
      throw translateMysqlError(error, {
        connection: options.connection,
        host: server.host,
        port: server.port,
        connecting: true,
      });
    }
    return session;
  },

  // A replica, or a primary that was demoted: it refuses writes from a user without SUPER.
  standbySql: 'SELECT (@@read_only OR @@innodb_read_only) AS standby',

  sessionSetup(server, { readOnly, statementTimeoutMs, variables }, session) {
    const setup = charsetSetup(server, wireCharset(server, knownCollation));
    for (const [name, value] of Object.entries(variables)) setup.push(`SET SESSION ${name} = ${mysqlLiteral(value)}`);
    if (readOnly) setup.push('SET SESSION TRANSACTION READ ONLY');
    if (statementTimeoutMs !== undefined) {
      // MariaDB counts seconds (fractions allowed) for every statement; MySQL milliseconds, for SELECT only.
      setup.push(
        (session as MysqlSession).mariadb
          ? `SET SESSION max_statement_time = ${statementTimeoutMs / 1000}`
          : `SET SESSION max_execution_time = ${statementTimeoutMs}`,
      );
    }
    return setup;
  },

  translateError: translateMysqlError,
  retryableFailure: mysqlRetryableFailure,
  quoteIdentifier: quoteBacktick,
  replication: mysqlReplication,
};

/**
 * A variable's value as SQL (names are identifiers, checked by the configuration). Quotes and
 * backslashes are doubled: the text stays inside its quotes with or without NO_BACKSLASH_ESCAPES.
 */
function mysqlLiteral(value: SessionVariable): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
