import { connect, type Socket } from 'node:net';
import { PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type PostgresJs from 'postgres';
import { compileOnlyKysely } from '../compile-only-kysely.js';
import type { Dialect, KyselyParts } from '../dialect.js';
import { loadDriver } from '../load-driver.js';
import { postgresMigrations } from './postgres-migrations.js';
import { standardTransactionSql } from '../transaction-sql.js';
import { quoteDoubled } from '../quote-identifier.js';
import { postgresCatalog } from './postgres-catalog.js';
import { postgresRetryableFailure, translatePostgresError } from './postgres-errors.js';
import { postgresReplication } from './postgres-replication.js';
import { PostgresSession } from './postgres-session.js';
import { postgresTwoPhase } from './postgres-two-phase.js';
import { postgresReadOnlyRefusal, postgresSyntax } from './postgres-read-only.js';
import { postgresList } from './postgres-list.js';
import { cachedQuestionToDollar } from './question-to-dollar.js';

const parts: KyselyParts = {
  createAdapter: () => new PostgresAdapter(),
  createQueryCompiler: () => new PostgresQueryCompiler(),
  createIntrospector: (db) => new PostgresIntrospector(db),
};

/** int8 (COUNT(*), BIGSERIAL) as a number while it is exact, else as a string, like mysql2's supportBigNumbers. */
const int8 = {
  to: 20,
  from: [20],
  serialize: (value: unknown) => String(value),
  parse: (value: string) => {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  },
};

/** PostgreSQL through postgres.js. */
export const postgresDialect: Dialect = {
  driver: 'pgsql',
  packageName: 'postgres',
  fromQuestionMarks: cachedQuestionToDollar,
  pipelining: true,
  maxSessions: Number.POSITIVE_INFINITY,
  caseInsensitiveColumns: false,
  insertReturning: true,
  maxParameters: 65_533,
  arrayParameters: true,
  valuesDefault: true,
  insertIdRow: 'first',
  upsert: 'on-conflict',
  longList: postgresList,
  compiler: compileOnlyKysely(parts),
  kysely: parts,
  catalog: postgresCatalog,
  transactionSql: standardTransactionSql({ begin: 'BEGIN' }),
  unlimited: null,
  sharedLockClause: 'FOR SHARE',
migrations: postgresMigrations,
    twoPhase: postgresTwoPhase,

  sqlSyntax: postgresSyntax,
  readOnlyRefusal: postgresReadOnlyRefusal,

  async openSession(server, options) {
    const postgres = loadDriver<typeof PostgresJs>('postgres', options.connection);
    // Session settings go in the startup packet, so the server enforces them from the first statement on.
    const startup: Record<string, string> = { application_name: 'so-database' };
    // Startup parameters, as `SET` at the session's start; the library's own settings below win.
    for (const [name, value] of Object.entries(options.variables)) {
      startup[name] = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
    }
    if (server.schema) startup.search_path = quoteDoubled(server.schema);
    if (options.readOnly) {
      startup.default_transaction_read_only = 'on';
      // The read-only check reads '\' in strings as text (postgres-read-only.ts): make sure the server does.
      startup.standard_conforming_strings = 'on';
    }
    if (options.statementTimeoutMs !== undefined) startup.statement_timeout = String(options.statementTimeoutMs);
    let session: PostgresSession | undefined;
    // The session's socket is ours to make (postgres.js's `socket` option, documented but
    // missing from its types), so the pool can unref it while the session is idle.
    const host = server.socket ?? server.host;
    const socket = (): Socket => {
      // Where postgres.js itself would connect: a host with a slash is a Unix socket folder.
      const made = host.includes('/') ? connect(`${host}/.s.PGSQL.${server.port}`) : connect(server.port, host);
      Object.assign(made, { host, port: server.port }); // postgres.js names them in connection errors
      session?.attach(made);
      return made;
    };
    const driverOptions: PostgresJs.Options<{ int8: typeof int8 }> & { socket: () => Socket } = {
      host,
      port: server.port,
      database: server.database,
      username: server.username,
      password: server.password,
      // One server session per instance: the pool above owns the sessions, so a
      // transaction keeps its session and a dead one is noticed, never silently replaced.
      max: 1,
      max_lifetime: null,
      idle_timeout: 0,
      connect_timeout: 10,
      prepare: true,
      onnotice: () => {},
      onclose: () => session?.markBroken(),
      // The server reports these settings whenever they change (ParameterStatus), before the
      // statement that changed them completes: a read-only session learns it was lifted for free.
      onparameter: options.readOnly ? (key: string, value: string) => session?.parameterChanged(key, value) : undefined,
      connection: startup,
      types: { int8 },
      socket,
    };
    const sql = postgres(driverOptions);
    // postgres.js logs in on the first statement, so login errors surface there (see postgres-errors.ts).
    session = new PostgresSession(sql, options.onBroken);
    return session;
  },

  standbySql: 'SELECT pg_is_in_recovery() AS standby',
  sessionSetup: () => [],
  translateError: translatePostgresError,
  retryableFailure: postgresRetryableFailure,
  quoteIdentifier: quoteDoubled,
  replication: postgresReplication,
};
