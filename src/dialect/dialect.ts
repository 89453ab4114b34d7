import type { DatabaseIntrospector, DialectAdapter, Expression, Kysely, QueryCompiler, SqlBool } from 'kysely';
import type { DriverName, ServerConfig, SessionVariable } from '../config/types.js';
import type { DatabaseError } from '../errors/database-error.js';
import type { SqlSyntax } from './sql-scanner.js';
import type { TransactionSql } from './transaction-sql.js';

export type Row = Record<string, unknown>;

/** What a write statement reports back. */
export interface WriteResult {
  affectedRows: number;
  /** The generated key, or null where the driver reports none. */
  insertId: number | string | bigint | null;
}

/**
 * One server session (one TCP connection, or the SQLite handle). Sessions run
 * statements in native placeholder syntax; the pool above decides who may use them.
 */
export interface DriverSession {
  /** Runs a statement that returns rows. */
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement for its effect. */
  exec(sql: string, params: readonly unknown[]): Promise<WriteResult>;
  /**
   * `all` and `exec` at once, for a driver whose calls are synchronous (better-sqlite3): the result,
   * or a throw. The connection then makes one promise per statement instead of three or four, which
   * on a key lookup of a few microseconds is a large share (bench W1, FINDINGS.md).
   */
  allNow?(sql: string, params: readonly unknown[]): Row[];
  /** `allNow` of a read that wants its first row (or null): better-sqlite3 steps once (`get`) and builds no array. */
  firstNow?(sql: string, params: readonly unknown[]): Row | null;
  execNow?(sql: string, params: readonly unknown[]): WriteResult;
  close(): Promise<void>;
  /** Set once the server or the network closed the session: it must not be used again. */
  readonly broken: boolean;
  /**
   * A read-only session whose read-only mode a statement switched off (seen after the fact,
   * e.g. inside a stored function): its transaction, if any, stays read-only, and the pool
   * closes it instead of letting it serve another statement.
   */
  readonly modeLifted?: boolean;
  /**
   * Runs a read whose rows arrive in batches through the driver's own streaming (postgres.js
   * cursors, mysql2 row events, better-sqlite3 `iterate()`), so memory holds one batch, not the result.
   */
  stream(sql: string, params: readonly unknown[], options: StreamOptions): DriverRowStream;
  /**
   * A statement the server goes on running for this session, which the library stopped reading
   * and closed (MySQL/MariaDB run a SELECT to its end even after the client left): the statement
   * that stops it, to send on another session of the same server (`KILL CONNECTION 42`).
   */
  readonly leftRunning?: string;
  /** The session keeps the process alive again (its socket is ref'd), as it does when opened. */
  ref?(): void;
  /** An idle session stops keeping the process alive (its socket is unref'd). Absent without a socket (SQLite). */
  unref?(): void;
}

/** How a session streams one read. */
export interface StreamOptions {
  /** Rows per batch: per round trip (PostgreSQL), per pause of the socket (MySQL), per pull (SQLite). */
  readonly batchSize: number;
  /**
   * The session holds this flow's transaction, whose other statements may run while the stream
   * is open: the stream must read inside the transaction and let them through.
   */
  readonly inTransaction: boolean;
}

/** The rows of one streamed read, a batch at a time. */
export interface DriverRowStream {
  /**
   * While the stream is open (outside a transaction) its session can serve nothing else, so the
   * pool lends it for the stream's life; false where it reads on a handle of its own (SQLite).
   */
  readonly holdsSession: boolean;
  /** The next rows (at most the batch size, never an empty batch), or null after the last. */
  next(): Promise<Row[] | null>;
  /**
   * Stops reading, before the end or after it, and resolves once the session can serve the next
   * statement (or is marked broken, when stopping meant closing it). Never rejects.
   */
  close(): Promise<void>;
}

/** Settings of every session of a connection, whichever server it is on. */
export interface SessionSettings {
  readOnly: boolean;
  /** Server session variables (`variables`), set before the library's own settings so those win. */
  variables: Readonly<Record<string, SessionVariable>>;
  /** The server ends a statement that runs longer than this; absent: no limit. */
  statementTimeoutMs?: number;
}

export interface OpenSessionOptions extends SessionSettings {
  connection: string;
  /** Called when the session dies on its own (killed, server restart). */
  onBroken(): void;
}

/** Statements of two-phase commit; absent where the engine has none (SQLite). */
export interface TwoPhaseStatements {
  begin(xid: string): string[];
  /** Ends the work and prepares it. Must fail, not silently roll back, when the transaction cannot commit. */
  prepare(xid: string): string[];
  commitPrepared(xid: string): string;
  rollbackPrepared(xid: string): string;
  /** Rolls back a transaction begun by `begin(xid)` that is not prepared (yet); each statement is tried, the last one decides. */
  rollback(xid: string): string[];
  /** Lists prepared transactions (rows read by `readPrepared`); the prefix only narrows the list. */
  listPrepared(prefix: string): string;
  /** One row of `listPrepared`: its transaction id and, where the server records it, when it was prepared; null for ids of another form. */
  readPrepared(row: Row): PreparedTransaction | null;
  /** A query whose first row tells whether the server can prepare transactions at all; null where it always can. */
  readonly availability: { sql: string; problem(row: Row | undefined): string | null } | null;
}

/**
 * `column IN (list)` for a list longer than one statement binds, still one statement
 * with the same matches as `IN (?, ?, ...)`: PostgreSQL binds the list as one array,
 * SQLite as one JSON text; MySQL/MariaDB writes it as literals no value can break out
 * of (its JSON_TABLE is re-read for every row: seconds for a few hundred rows).
 */
export interface LongList {
  /**
   * The condition (`not`: `NOT IN`) and the values it binds, in order (one, or none
   * when the values are written into the SQL: then the SQL depends on them and is
   * never cached); or what one of the values is that cannot travel that way.
   */
  condition(
    column: Expression<unknown>,
    values: readonly unknown[],
    not: boolean,
  ): { condition: Expression<SqlBool>; bound: readonly unknown[] } | { problem: string };
}

export interface PreparedTransaction {
  xid: string;
  preparedAt: Date | null;
}

export interface ErrorContext {
  connection: string;
  host?: string;
  port?: number;
  sql?: string;
  bindings?: readonly unknown[];
  role?: 'read' | 'write';
  /** The error happened while opening the session. */
  connecting: boolean;
}

/** Everything that differs per engine. Core code asks these capabilities, never the driver's name. */
export interface Dialect {
  readonly driver: DriverName;
  /** npm package that provides the driver. */
  readonly packageName: string;
  /**
   * SQL written with `?` placeholders in the syntax the session takes (PostgreSQL: `$1`);
   * absent where `?` is the engine's own (MySQL, SQLite).
   */
  readonly fromQuestionMarks?: (sql: string) => string;
  /** How the engine writes strings, quoted names and comments: where a `?` is text, not a placeholder. */
  readonly sqlSyntax: SqlSyntax;
  /**
   * Several statements can be in flight on one session (PostgreSQL's pipelining). Used only on a
   * session one caller holds (two-phase commit's statements in one round trip): the pool never
   * shares a busy session, so the acquire timeout holds.
   */
  readonly pipelining: boolean;
  /** Most sessions one connection may hold, whatever the pool says (SQLite: 1). */
  readonly maxSessions: number;
  /** Column names match whatever their case (MySQL/MariaDB, SQLite); PostgreSQL's quoted names do not. */
  readonly caseInsensitiveColumns: boolean;
  /** INSERT ... RETURNING is how this engine reports generated keys. */
  readonly insertReturning: boolean;
  /**
   * Most parameters one statement may bind: beyond it the driver fails, or (postgres.js)
   * leaves the session hung. PostgreSQL's protocol counts 65535 but postgres.js sends at
   * most 65533; MySQL/MariaDB 65535; SQLite 32766 (the bundled SQLite's
   * SQLITE_MAX_VARIABLE_NUMBER).
   */
  readonly maxParameters: number;
  /**
   * `DEFAULT` stands for a column's default in a multi-row VALUES list. SQLite has no such
   * keyword (Kysely writes NULL there), so rows with other columns go in statements of their own.
   */
  readonly valuesDefault: boolean;
  /**
   * Which row of a multi-row INSERT the driver's insertId names: MySQL/MariaDB the first
   * (LAST_INSERT_ID()), SQLite the last (last_insert_rowid()); PostgreSQL has one only with
   * RETURNING, its first row.
   */
  readonly insertIdRow: 'first' | 'last';
  /**
   * How an INSERT updates the row it conflicts with: `ON CONFLICT (columns) DO UPDATE SET
   * c = excluded.c` on the named unique columns (PostgreSQL, SQLite), or `ON DUPLICATE KEY
   * UPDATE c = VALUES(c)` on any unique key (MySQL/MariaDB).
   */
  readonly upsert: 'on-conflict' | 'on-duplicate-key';
  /** A JavaScript array binds as one array parameter (PostgreSQL: `= ANY(?)`); elsewhere it cannot be bound. */
  readonly arrayParameters: boolean;
  /** `IN` lists for a statement whose lists pass `maxParameters`. */
  readonly longList: LongList;
  /** Kysely instance that only compiles (it has no driver behind it). */
  // biome-ignore lint/suspicious/noExplicitAny: table shapes are only known at run time
  readonly compiler: Kysely<any>;
  /** Kysely's parts for this engine, for a Kysely instance that executes through a Connection. */
  readonly kysely: KyselyParts;
  /** BEGIN, COMMIT, ROLLBACK and savepoints. */
  readonly transactionSql: TransactionSql;
  /** LIMIT that means "no limit", for an OFFSET without LIMIT where the engine needs one (null: not needed). */
  readonly unlimited: number | bigint | null;
  /** Clause for a shared-lock read, or null where the engine has none. */
  readonly sharedLockClause: string | null;
  readonly twoPhase: TwoPhaseStatements | null;
  /** Why `twoPhase` is null, for messages (Galera: its servers refuse XA); absent: the driver's name says it (SQLite). */
  readonly noTwoPhase?: string;
  /**
   * On a read-only connection, why `sql` must not run as a read: it is not a read
   * (`SET`, `BEGIN`, `COMMIT`, `PRAGMA x = y`, a second statement that is not one...)
   * or calls a function that changes the session (`set_config()`). Null when it may run.
   */
  readOnlyRefusal(sql: string): string | null;
  /**
   * One row whose `standby` is truthy when the server takes no writes (a hot standby, a MySQL
   * `read_only` server): how a host list finds the host `targetSessionAttrs` asks for. Absent
   * where a connection has one server (SQLite).
   */
  readonly standbySql?: string;
  /** Opens one session (loading the driver package on first use). */
  openSession(server: ServerConfig, options: OpenSessionOptions): Promise<DriverSession>;
  /**
   * The local file a session opens, which opening creates when it does not exist (SQLite);
   * null for an in-memory database; absent for engines behind a server.
   */
  databaseFile?(server: ServerConfig): string | null;
  /** Statements sent once on every new session, just opened by `openSession` (read-only mode, timeouts, pragmas). */
  sessionSetup(server: ServerConfig, settings: SessionSettings, session: DriverSession): string[];
  /**
   * Why a transaction failed in a way that running it again from the start may cure: a deadlock
   * or serialization failure (`conflict`), or a lock wait timeout; null for any other error.
   * Absent where no such failure happens inside a transaction (SQLite: BEGIN IMMEDIATE takes the
   * write lock before the first statement).
   */
  retryableFailure?(error: DatabaseError): RetryableFailure | null;
  /** Turns a driver error into the library's error, without a password in it. */
  translateError(error: unknown, context: ErrorContext): DatabaseError;
  /** Quotes an identifier (for the few statements written by hand: savepoints, XA). */
  quoteIdentifier(name: string): string;
  /** Replication queries for read/write splitting (lag, read-your-writes); absent where the engine has no replicas. */
  readonly replication?: ReplicationSql;
  /** How a migration run is kept exclusive (and atomic where DDL is transactional). */
  readonly migrations: MigrationPolicy;
  /** How the engine's catalog lists tables and columns (`so-db types`). */
  readonly catalog: SchemaCatalog;
}

/** How one engine keeps a migration run exclusive and, where it can, atomic. */
export interface MigrationPolicy {
  /** Schema changes roll back with their transaction (PostgreSQL, SQLite). */
  readonly transactionalDdl: boolean;
  /** The engine as messages name it. */
  readonly engine: string;
  /** Taken first inside the run's transaction, released when it ends; absent where BEGIN itself locks. */
  readonly transactionLock?: string;
  /** Held on a session of its own for the whole run, where DDL cannot be in a transaction. */
  readonly sessionLock?: { acquire: string; release: string; timeoutSeconds: number };
}

/** A transaction failure that `transaction(fn, { retries })` may retry. */
export type RetryableFailure = 'conflict' | 'lock-wait-timeout';

/** Reads of the engine's catalog. */
export interface SchemaCatalog {
  /**
   * One row (a `CatalogColumn`) per column of every table and view the session can see in
   * its database, in table, then column order. Flags are booleans or 0/1, as the driver returns them.
   */
  readonly columnsSql: string;
  /** The TypeScript type of a column's values as the driver returns them, from its lower-case `data_type`. */
  typeScriptType(dataType: string): string;
  /** One row whose `version` column is the server's version (`so-db status`). */
  readonly versionSql: string;
}

/** One row of `SchemaCatalog.columnsSql`. */
export interface CatalogColumn {
  /** The schema (PostgreSQL) or database (MySQL) of the table; null on SQLite. */
  table_schema: string | null;
  table_name: string;
  is_view: boolean | number;
  column_name: string;
  /** The type name as the catalog spells it (`int4`, `varchar`, SQLite's declared type). */
  data_type: string;
  is_nullable: boolean | number;
  /** An auto-increment, serial or identity key (SQLite: the rowid). */
  auto_increment: boolean | number;
  /** The database fills it when an insert leaves it out (a DEFAULT, an identity). */
  has_default: boolean | number;
  /** The database computes it and refuses a value (a generated column, PostgreSQL's GENERATED ALWAYS identity). */
  generated_always: boolean | number;
}

/**
 * How read/write splitting asks servers about replication. Placeholders are the
 * engine's own (`?` or `$1`).
 */
export interface ReplicationSql {
  /** On the writer: one row whose `position` column is its current replication position (text). */
  readonly writerPosition: string;
  /** On a replica, with that position as the one parameter: one row whose `caught_up` is truthy once replayed that far. */
  readonly replicaCaughtUp: string;
  /** On a replica: the statement whose rows `replicaLagSeconds` reads. */
  readonly replicaLag: string;
  /** Seconds the replica is behind, or null when it is not replicating (then it counts as unhealthy). */
  replicaLagSeconds(rows: readonly Row[]): number | null;
  /**
   * A cluster that checks causality itself (Galera): the read as it must be sent to see every write
   * committed anywhere before it. Read-your-writes then needs no positions: a flow that wrote sends
   * its replica reads this way.
   */
  causalRead?(sql: string): string;
  /**
   * Every replica's state (`replicaLag`) is checked on this period even without `maxReplicationLag`
   * (Galera: a node that is not Synced leaves the rotation). Milliseconds.
   */
  readonly stateCheckMs?: number;
}

export interface KyselyParts {
  createAdapter(): DialectAdapter;
  createQueryCompiler(): QueryCompiler;
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector takes an untyped instance
  createIntrospector(db: Kysely<any>): DatabaseIntrospector;
}
