/** Shapes of the user's configuration (`config/database.ts`) and of its normalised form. */

export type DriverName = 'mysql' | 'pgsql' | 'sqlite';

/** Keys that may differ per server of a read/write connection. */
export interface ServerOptions {
  /**
   * The server's host; or several (`['pg1', 'pg2:5433']`), tried in order for the session
   * `targetSessionAttrs` asks for: PostgreSQL failover groups, MySQL/MariaDB where the first
   * writable host serves writes.
   */
  host?: string | string[];
  /**
   * With several hosts, which one serves: `'primary'` (takes writes; the default for the
   * connection and `write`), `'prefer-standby'` (the default for `read` entries), `'standby'`, `'any'`.
   */
  targetSessionAttrs?: TargetSessionAttrs;
  port?: number | string;
  database?: string;
  username?: string;
  password?: string;
  /** MySQL/MariaDB connection character set, e.g. `utf8mb4` or `latin1`. */
  charset?: string;
  /** MySQL/MariaDB collation, e.g. `utf8mb4_unicode_ci`. */
  collation?: string;
  /** PostgreSQL schema put first on the search path. */
  schema?: string;
  /** Unix socket path (MySQL/MariaDB `socketPath`, PostgreSQL `host`). */
  socket?: string;
}

export interface PoolOptions {
  min?: number;
  max?: number;
  /** How long a query waits for a free pooled session before `PoolTimeoutError` (default 10000). */
  acquireTimeoutMs?: number;
  /**
   * Idle pooled sessions do not keep the process alive (default true): a script that is done exits
   * without `DB.disconnect()`. Statements in flight and open transactions always keep it alive.
   */
  allowExitOnIdle?: boolean;
}

/** A connection's keys: `driver`, or a `url` that names it (`mysql://`, `postgres://`, `sqlite:`), or both. */
export type ConnectionOptions = ConnectionKeys & ({ driver: DriverName } | { url: string });

export interface ConnectionKeys extends ServerOptions {
  driver?: DriverName;
  /** `mysql://user:pass@host:3306/db`, `postgres://...`, `sqlite:///path` or `sqlite::memory:`. */
  url?: string;
  readOnly?: boolean;
  pool?: PoolOptions;
  /**
   * The server ends a statement that runs longer, with a `QueryError`: PostgreSQL
   * `statement_timeout`, MariaDB `max_statement_time`, MySQL `max_execution_time`
   * (SELECT only). SQLite has no such limit: accepted and ignored there.
   */
  statementTimeoutMs?: number | string;
  /** Read/write splitting: each entry is merged over the connection's own keys. */
  write?: ServerOptions;
  read?: ServerOptions[];
  /** After a flow has written, its reads go to the writer. */
  sticky?: boolean;
  /** With no healthy replica, reads go to the writer (default true). */
  fallbackToWriter?: boolean;
  /** Seconds of replica lag after which a replica leaves rotation. */
  maxReplicationLag?: number;
  /** Read-your-writes by replication position instead of (or besides) time. */
  readYourWrites?: 'position';
  /**
   * The servers form a cluster of this kind (MySQL/MariaDB only). `'galera'`: MariaDB Galera,
   * every node takes writes; health from wsrep status; read-your-writes through `wsrep_sync_wait`;
   * no XA, so only ever the one participant without two-phase commit in `DB.transaction([...])`.
   */
  topology?: Topology;
  /**
   * Server session variables set on every new session: MySQL/MariaDB `SET SESSION name = value`,
   * PostgreSQL as startup parameters (what `SET name = value` would do, before the first statement).
   * Names are identifiers (PostgreSQL: `app.tenant` too); values strings, numbers or booleans. SQLite refuses it.
   */
  variables?: Record<string, SessionVariable>;
}

/** Clusters whose behaviour differs from one server with replicas (API.md section 16). */
export type Topology = 'galera';

/** The value of a server session variable. */
export type SessionVariable = string | number | boolean;

export interface TransactionsOptions {
  /** Connection that keeps the two-phase commit decision log. */
  log?: string;
  /** Prefix of every transaction id this application creates (default `sodb`). */
  prefix?: string;
}

export interface CacheOptions {
  store?: 'memory' | 'redis';
  url?: string;
  prefix?: string;
  /** Memory store: most entries kept (default 10000). */
  max?: number;
}

export interface DatabaseConfig {
  default?: string;
  connections: Record<string, ConnectionOptions>;
  transactions?: TransactionsOptions;
  cache?: CacheOptions;
  /** Folder of migration files (default `database/migrations`). */
  migrations?: string;
}

/** Which of several hosts a session goes to (PostgreSQL's `target_session_attrs`). */
export type TargetSessionAttrs = 'primary' | 'standby' | 'prefer-standby' | 'any';

/** One server after merging, validated and typed. */
export interface ServerConfig {
  /** The host (the first of `hosts` when there are several). */
  host: string;
  port: number;
  /** The hosts in the order they are tried: two or more, or one with `targetSessionAttrs` given; absent otherwise. */
  hosts?: readonly { host: string; port: number }[];
  /** Which of `hosts` serves; set with `hosts`. */
  targetSessionAttrs?: TargetSessionAttrs;
  database: string;
  username: string;
  password: string;
  charset?: string;
  collation?: string;
  schema?: string;
  socket?: string;
}

export interface NormalizedConnectionConfig {
  name: string;
  driver: DriverName;
  readOnly: boolean;
  pool: { min: number; max: number; acquireTimeoutMs: number; allowExitOnIdle: boolean };
  /** On every server of the connection; absent: no limit. */
  statementTimeoutMs?: number;
  /** The server that takes writes (the only one on an unsplit connection). */
  write: ServerConfig;
  /** Replicas; empty on an unsplit connection. */
  read: ServerConfig[];
  sticky: boolean;
  fallbackToWriter: boolean;
  maxReplicationLag?: number;
  readYourWrites?: 'position';
  topology?: Topology;
  /** Session variables, in the order given; empty when none. */
  variables: Readonly<Record<string, SessionVariable>>;
}

export interface NormalizedConfig {
  default: string;
  connections: Record<string, NormalizedConnectionConfig>;
  transactions: { log?: string; prefix: string };
  cache: { store: 'memory' | 'redis'; url?: string; prefix: string; max: number };
  migrations: string;
  /** Where the configuration came from, for messages (`config/database.ts`, `DB.configure()`). */
  source: string;
}
