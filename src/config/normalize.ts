import { resolve } from 'node:path';
import { ConfigurationError } from '../errors/configuration-error.js';
import { type HostPort, parseHostList } from './host-list.js';
import type { DriverName, NormalizedConfig, NormalizedConnectionConfig, ServerConfig, SessionVariable, TargetSessionAttrs } from './types.js';

type Raw = Record<string, unknown>;
type PartialServer = Partial<ServerConfig> & { hostList?: HostPort[] };

const DRIVERS: Record<string, DriverName> = {
  mysql: 'mysql',
  mariadb: 'mysql',
  pgsql: 'pgsql',
  postgres: 'pgsql',
  postgresql: 'pgsql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
};
const DEFAULT_PORT = { mysql: 3306, pgsql: 5432 } as const;
const DEFAULT_USERNAME = { mysql: 'root', pgsql: 'postgres' } as const;
const TEXT_KEYS = ['database', 'username', 'password', 'charset', 'collation', 'schema', 'socket'] as const;
const SERVER_KEYS = ['host', ...TEXT_KEYS, 'port', 'targetSessionAttrs'];
const TARGETS: readonly TargetSessionAttrs[] = ['primary', 'standby', 'prefer-standby', 'any'];
const CONNECTION_KEYS = [
  ...SERVER_KEYS,
  ...['driver', 'url', 'readOnly', 'pool', 'write', 'read', 'sticky', 'fallbackToWriter'],
  ...['maxReplicationLag', 'readYourWrites', 'statementTimeoutMs', 'topology', 'variables'],
];
const CONNECTION_ONLY_KEYS = CONNECTION_KEYS.filter((key) => !SERVER_KEYS.includes(key) && key !== 'url' && key !== 'driver');
// Keys other libraries use for ours: silently ignoring them would connect with the defaults.
const KNOWN_MISSPELLINGS: Record<string, string> = {
  user: 'username',
  hostname: 'host',
  pass: 'password',
  dbname: 'database',
  statementTimeout: 'statementTimeoutMs',
  statement_timeout: 'statementTimeoutMs',
  max_statement_time: 'statementTimeoutMs',
  queryTimeout: 'statementTimeoutMs',
};
const PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,15}$/;
// A server variable: an identifier, or PostgreSQL's custom `prefix.name`.
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}(?:\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/**
 * Validates a configuration and fills in its defaults. Every error names the connection and
 * the key at fault and never contains a password.
 *
 * @example
 * const config = normalizeConfig({ connections: { db: { driver: 'sqlite', database: ':memory:' } } }, 'DB.configure()');
 * config.default;                        // 'db'
 * config.connections.db.write.database;  // ':memory:'
 */
export function normalizeConfig(raw: unknown, source: string, cwd: string = process.cwd()): NormalizedConfig {
  const where = `Database configuration (${source})`;
  if (!isObject(raw) || typeof (raw as { then?: unknown }).then === 'function') {
    throw new ConfigurationError(
      `${where}: expected an object with a "connections" key, got ${kind(raw)} (key "connections").`,
      { key: 'connections' },
    );
  }
  const rawConnections = raw.connections;
  if (!isObject(rawConnections) || Object.keys(rawConnections).length === 0) {
    throw new ConfigurationError(
      `${where}: "connections" must be a non-empty object of named connections (key "connections").`,
      { key: 'connections' },
    );
  }

  // No prototype: a connection named "toString" or "__proto__" must not find Object's members.
  const connections: Record<string, NormalizedConnectionConfig> = Object.create(null);
  for (const [name, options] of Object.entries(rawConnections)) {
    connections[name] = normalizeConnection(name, options, cwd);
  }
  const names = Object.keys(connections);

  let defaultName = names[0];
  if (!isAbsent(raw.default) && raw.default !== '') {
    if (typeof raw.default !== 'string' || !Object.hasOwn(connections, raw.default)) {
      const named = typeof raw.default === 'string' ? `[${raw.default}]` : kind(raw.default);
      throw new ConfigurationError(
        `${where}: default connection ${named} is not configured (key "default"; configured: ${names.join(', ')}).`,
        { key: 'default', ...(typeof raw.default === 'string' ? { connection: raw.default } : {}) },
      );
    }
    defaultName = raw.default;
  }

  return {
    default: defaultName,
    connections,
    transactions: normalizeTransactions(where, raw.transactions, connections),
    cache: normalizeCache(where, raw.cache),
    migrations: resolve(cwd, readMigrations(where, raw.migrations)),
    source,
  };
}

function normalizeConnection(name: string, options: unknown, cwd: string): NormalizedConnectionConfig {
  if (!isObject(options)) {
    fail(name, `connections.${name}`, `the connection must be an object with a "driver" key, got ${kind(options)}`);
  }
  checkMisspellings(name, options, CONNECTION_KEYS, '');

  const fromUrl = isAbsent(options.url) ? undefined : parseUrl(name, options.url);
  const driver = readDriver(name, options.driver, fromUrl?.driver);

  // As in Laravel, the parts a url spells out win over the separate keys next to it.
  const base: PartialServer = { ...readServer(name, options, ''), ...fromUrl?.server };
  const split = !isAbsent(options.write) || !isAbsent(options.read);
  let write: ServerConfig;
  let read: ServerConfig[] = [];
  if (split) {
    const writeEntry = isAbsent(options.write) ? {} : options.write;
    if (!isObject(writeEntry)) fail(name, 'write', `write must be an object, got ${kind(writeEntry)}`);
    checkServerEntry(name, writeEntry, 'write.');
    write = completeServer(name, driver, { ...base, ...readServer(name, writeEntry, 'write.') }, 'write.', true, cwd);
    read = readEntries(name, options.read).map((entry, i) => {
      const prefix = `read[${i}].`;
      return completeServer(name, driver, { ...base, ...readServer(name, entry, prefix) }, prefix, true, cwd);
    });
  } else {
    write = completeServer(name, driver, base, '', false, cwd);
  }

  const connection: NormalizedConnectionConfig = {
    name,
    driver,
    readOnly: readBoolean(name, 'readOnly', options.readOnly, false),
    pool: readPool(name, options.pool),
    write,
    read,
    sticky: readBoolean(name, 'sticky', options.sticky, false),
    fallbackToWriter: readBoolean(name, 'fallbackToWriter', options.fallbackToWriter, true),
    variables: readVariables(name, driver, options.variables),
  };
  if (!isAbsent(options.statementTimeoutMs)) {
    connection.statementTimeoutMs = readInteger(name, 'statementTimeoutMs', options.statementTimeoutMs, 0, 1);
  }
  const lag = options.maxReplicationLag;
  if (!isAbsent(lag)) {
    const seconds = typeof lag === 'string' && /^\d+(\.\d+)?$/.test(lag.trim()) ? Number(lag) : lag;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      fail(name, 'maxReplicationLag', `maxReplicationLag must be a positive number of seconds, got ${show(lag)}`);
    }
    connection.maxReplicationLag = seconds;
  }
  if (!isAbsent(options.readYourWrites)) {
    if (options.readYourWrites !== 'position') {
      fail(name, 'readYourWrites', `readYourWrites must be "position", got ${show(options.readYourWrites)}`);
    }
    connection.readYourWrites = 'position';
  }
  if (!isAbsent(options.topology)) {
    if (options.topology !== 'galera') fail(name, 'topology', `topology must be "galera", got ${show(options.topology)}`);
    if (driver !== 'mysql') fail(name, 'topology', `topology "galera" is a MySQL/MariaDB cluster; the driver is ${driver}`);
    connection.topology = 'galera';
  }
  return connection;
}

/** `variables`: identifier names, scalar values (never shown in an error: one may be a secret). */
function readVariables(name: string, driver: DriverName, value: unknown): Record<string, SessionVariable> {
  if (isAbsent(value)) return {};
  if (!isObject(value)) fail(name, 'variables', `variables must be an object of names and values, got ${kind(value)}`);
  const entries = Object.entries(value);
  if (entries.length > 0 && driver === 'sqlite') {
    fail(name, 'variables', 'SQLite has no server session variables', 'run its PRAGMA statements instead');
  }
  const variables: Record<string, SessionVariable> = Object.create(null);
  for (const [key, variable] of entries) {
    if (!VARIABLE_NAME.test(key)) {
      fail(name, 'variables', `variable name ${show(key)} is not an identifier`, 'letters, digits and _ (PostgreSQL: one . too)');
    }
    const scalar = typeof variable === 'string' || typeof variable === 'boolean' || (typeof variable === 'number' && Number.isFinite(variable));
    if (!scalar) fail(name, `variables.${key}`, `variables.${key} must be a string, a finite number or a boolean, got ${kind(variable)}`);
    variables[key] = variable;
  }
  return variables;
}

function readTarget(name: string, key: string, value: unknown): TargetSessionAttrs {
  const target = typeof value === 'string' ? TARGETS.find((t) => t === value.trim().toLowerCase()) : undefined;
  if (target === undefined) fail(name, key, `${key} must be one of ${TARGETS.join(', ')}, got ${show(value)}`);
  return target;
}

function readDriver(name: string, value: unknown, urlDriver: DriverName | undefined): DriverName {
  const expected = 'expected mysql, pgsql or sqlite';
  if (isAbsent(value)) {
    if (urlDriver !== undefined) return urlDriver;
    fail(name, 'driver', 'missing driver', expected);
  }
  const driver = typeof value === 'string' ? lookup(DRIVERS, value.toLowerCase()) : undefined;
  if (driver === undefined) fail(name, 'driver', `unknown driver ${show(value)}`, expected);
  if (urlDriver !== undefined && urlDriver !== driver) {
    fail(name, 'url', `the url is for ${urlDriver} but the driver is ${show(value)}`);
  }
  return driver;
}

/** Splits a connection url into server keys; its text is never quoted in an error (it may hold a password). */
function parseUrl(name: string, value: unknown): { driver: DriverName; server: PartialServer } {
  if (typeof value !== 'string') fail(name, 'url', `url must be a string, got ${kind(value)}`);
  // A multi-host authority (`postgres://u@pg1:5432,pg2:5432/app`) is no URL: parse it with its first host.
  const authority = /^([a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?)([^/?#]*,[^/?#]*)/i.exec(value);
  const hostList = authority === null ? undefined : parseHostList(authority[2]);
  if (hostList !== undefined && !Array.isArray(hostList)) fail(name, 'url', `url lists hosts of which ${hostList.problem}`);
  let url: URL;
  try {
    url = new URL(authority === null || hostList === undefined ? value : authority[1] + authority[2].split(',')[0] + value.slice(authority[0].length));
  } catch {
    // Not kept as the cause: URL's TypeError carries the input, password included.
    fail(name, 'url', 'url is not a valid URL', 'percent-encode special characters in the user name and password, e.g. @ as %40');
  }
  if (misreadsCredentials(value, url)) {
    fail(
      name,
      'url',
      'url has an "@" after its host, so part of the password would be read as host, port or database',
      'percent-encode reserved characters in the user name and password, e.g. / as %2F, @ as %40, # as %23, ? as %3F, : as %3A',
    );
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const driver = lookup(DRIVERS, scheme);
  if (driver === undefined) {
    fail(name, 'url', `url has the unsupported scheme "${scheme}:"`, 'expected mysql://, mariadb://, postgres://, postgresql:// or sqlite:');
  }

  if (driver === 'sqlite') {
    const path = decode(url.pathname);
    if (url.host !== '' || path === '' || path === '/') {
      fail(name, 'url', 'url names no SQLite file', 'expected sqlite:///absolute/path, sqlite:relative/path or sqlite::memory:');
    }
    return { driver, server: { database: path === '/:memory:' ? ':memory:' : path } };
  }

  const server: PartialServer = {};
  const host = decode(url.hostname).replace(/^\[(.*)\]$/, '$1');
  if (host !== '') server.host = host;
  if (url.port !== '') server.port = Number(url.port);
  const database = decode(url.pathname.replace(/^\//, ''));
  if (database !== '') server.database = database;
  if (url.username !== '') server.username = decode(url.username);
  if (url.password !== '') server.password = decode(url.password);
  for (const key of ['charset', 'collation', 'schema', 'socket'] as const) {
    const option = url.searchParams.get(key);
    if (option !== null && option !== '') server[key] = option;
  }
  if (Array.isArray(hostList)) server.hostList = hostList;
  const target = url.searchParams.get('target_session_attrs') ?? url.searchParams.get('targetSessionAttrs');
  if (target !== null) server.targetSessionAttrs = readTarget(name, 'url', target);
  return { driver, server };
}

/**
 * True when the URL parser ended the authority before the user info did: an unencoded `/`, `?` or `#` in a
 * password (`mysql://app:4321/Zq9secret@host/db`) makes the parser read `app:4321` as host and port and the rest
 * as the database. The `@` that closed the user info is then left in the path, query or fragment, where a real
 * database name or option would have it percent-encoded.
 */
function misreadsCredentials(text: string, url: URL): boolean {
  const afterScheme = text.indexOf('//');
  if (afterScheme < 0) return false; // sqlite:relative/path has no authority
  const authorityEnd = text.slice(afterScheme + 2).search(/[/?#]/);
  return authorityEnd >= 0 && text.slice(afterScheme + 2 + authorityEnd).includes('@') && url.protocol !== 'sqlite:';
}

/** Reads and type-checks the server keys of a connection, `write` or `read` entry. */
function readServer(name: string, entry: Raw, prefix: string): PartialServer {
  const server: PartialServer = {};
  if (!isAbsent(entry.host) && entry.host !== '') {
    const key = `${prefix}host`;
    const host = entry.host;
    if (typeof host !== 'string' && !Array.isArray(host)) fail(name, key, `${key} must be a string or an array of strings, got ${kind(host)}`);
    const list = Array.isArray(host) || host.includes(',') ? parseHostList(host) : [{ host }];
    if (!Array.isArray(list)) fail(name, key, `${key} lists hosts of which ${list.problem}`, "e.g. ['pg1', 'pg2:5433']");
    server.host = list[0].host;
    // Present even for one host, so that an entry's own host replaces a list it is merged over.
    server.hostList = list;
  }
  if (!isAbsent(entry.targetSessionAttrs)) {
    server.targetSessionAttrs = readTarget(name, `${prefix}targetSessionAttrs`, entry.targetSessionAttrs);
  }
  for (const key of TEXT_KEYS) {
    let value = entry[key];
    if (isAbsent(value)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
    if (typeof value !== 'string') fail(name, prefix + key, `${prefix + key} must be a string, got ${kind(value)}`);
    if (value === '' && key === 'socket') continue;
    server[key] = value;
  }
  const port = readPort(name, `${prefix}port`, entry.port);
  if (port !== undefined) server.port = port;
  return server;
}

function readPort(name: string, key: string, value: unknown): number | undefined {
  if (isAbsent(value) || value === '') return undefined;
  const port = toInteger(value);
  if (port === undefined || port < 1 || port > 65535) {
    fail(name, key, `${key} must be an integer from 1 to 65535, got ${show(value)}`);
  }
  return port;
}

function readEntries(name: string, value: unknown): Raw[] {
  if (isAbsent(value)) return [];
  const entries: unknown[] = isObject(value) ? [value] : Array.isArray(value) ? value : []; // one replica may skip the array
  if (!isObject(value) && !Array.isArray(value)) {
    fail(name, 'read', `read must be an array of server objects, got ${kind(value)}`);
  }
  return entries.map((entry, i) => {
    if (!isObject(entry)) fail(name, `read[${i}]`, `read[${i}] must be an object, got ${kind(entry)}`);
    checkServerEntry(name, entry, `read[${i}].`);
    return entry;
  });
}

/** Fills the defaults of one server; on a split connection a host must have been given somewhere. */
function completeServer(
  name: string,
  driver: DriverName,
  server: PartialServer,
  prefix: string,
  split: boolean,
  cwd: string,
): ServerConfig {
  if (driver === 'sqlite') {
    const database = server.database;
    if (database === undefined || database === '') {
      fail(name, `${prefix}database`, 'a SQLite connection needs a database file', "a path, or ':memory:'");
    }
    // Against the working directory, not the config file's folder (API.md section 1).
    const path = database === ':memory:' ? database : resolve(cwd, database);
    return { host: '', port: 0, database: path, username: '', password: '' };
  }
  if (split && server.host === undefined && server.socket === undefined) {
    const entry = prefix === '' ? 'the connection' : prefix.slice(0, -1);
    fail(name, `${prefix}host`, `${entry} has no host after merging over the connection's keys`, 'set host on it or on the connection');
  }
  const username = server.username ?? DEFAULT_USERNAME[driver];
  const { hostList, targetSessionAttrs, ...rest } = server;
  const port = server.port ?? DEFAULT_PORT[driver];
  const checked = hostList !== undefined && (hostList.length > 1 || targetSessionAttrs !== undefined);
  const several = checked ? hostList.map((h) => ({ host: h.host, port: h.port ?? port })) : undefined;
  // One host serves whatever it is, unless a target was asked for.
  return {
    ...rest,
    host: server.host ?? 'localhost',
    port: several?.[0].port ?? hostList?.[0]?.port ?? port,
    ...(several === undefined
      ? {}
      : { hosts: several, targetSessionAttrs: targetSessionAttrs ?? (prefix.startsWith('read') ? 'prefer-standby' : 'primary') }),
    // PostgreSQL itself falls back to a database named after the user; MySQL can run without one.
    database: server.database ?? (driver === 'pgsql' ? username : ''),
    username,
    password: server.password ?? '',
  };
}

function readPool(name: string, value: unknown): NormalizedConnectionConfig['pool'] {
  if (isAbsent(value)) return { min: 0, max: 10, acquireTimeoutMs: 10000, allowExitOnIdle: true };
  if (!isObject(value)) fail(name, 'pool', `pool must be an object, got ${kind(value)}`, 'e.g. { min: 0, max: 10 }');
  checkMisspellings(name, value, ['min', 'max', 'acquireTimeoutMs', 'allowExitOnIdle'], 'pool.');
  const min = readInteger(name, 'pool.min', value.min, 0, 0);
  const max = readInteger(name, 'pool.max', value.max, 10, 1);
  const acquireTimeoutMs = readInteger(name, 'pool.acquireTimeoutMs', value.acquireTimeoutMs, 10000, 1);
  const allowExitOnIdle = readBoolean(name, 'pool.allowExitOnIdle', value.allowExitOnIdle, true);
  if (min > max) fail(name, 'pool.min', `pool.min (${min}) must not exceed pool.max (${max})`);
  return { min, max, acquireTimeoutMs, allowExitOnIdle };
}

function normalizeTransactions(
  where: string,
  value: unknown,
  connections: Record<string, NormalizedConnectionConfig>,
): NormalizedConfig['transactions'] {
  if (isAbsent(value)) return { prefix: 'sodb' };
  if (!isObject(value)) top(where, 'transactions', `must be an object, got ${kind(value)}`);
  const prefix = isAbsent(value.prefix) ? 'sodb' : value.prefix;
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    top(where, 'transactions.prefix', `must be a letter then up to 15 letters, digits or underscores, got ${show(prefix)}`);
  }
  const result: NormalizedConfig['transactions'] = { prefix };
  if (!isAbsent(value.log)) {
    const log = value.log;
    if (typeof log !== 'string' || !Object.hasOwn(connections, log)) {
      const named = typeof log === 'string' ? `[${log}]` : kind(log);
      top(where, 'transactions.log', `names connection ${named}, which is not configured`, undefined, log);
    }
    if (connections[log].readOnly) {
      top(where, 'transactions.log', `names connection [${log}], which is read-only`, 'the decision log is written to', log);
    }
    result.log = log;
  }
  return result;
}

function normalizeCache(where: string, value: unknown): NormalizedConfig['cache'] {
  if (isAbsent(value)) return { store: 'memory', prefix: 'sodb:', max: 10000 };
  if (!isObject(value)) top(where, 'cache', `must be an object, got ${kind(value)}`);
  const store = isAbsent(value.store) ? 'memory' : value.store;
  if (store !== 'memory' && store !== 'redis') top(where, 'cache.store', `must be "memory" or "redis", got ${show(store)}`);
  const prefix = isAbsent(value.prefix) ? 'sodb:' : value.prefix;
  if (typeof prefix !== 'string') top(where, 'cache.prefix', `must be a string, got ${kind(prefix)}`);
  const max = isAbsent(value.max) ? 10000 : toInteger(value.max);
  if (max === undefined || max < 1) top(where, 'cache.max', `must be a positive integer, got ${show(value.max)}`);
  const cache: NormalizedConfig['cache'] = { store, prefix, max };
  if (!isAbsent(value.url)) {
    // The url may hold a Redis password: its type only, never its text.
    if (typeof value.url !== 'string') top(where, 'cache.url', `must be a string, got ${kind(value.url)}`);
    cache.url = value.url;
  }
  return cache;
}

function readMigrations(where: string, value: unknown): string {
  if (isAbsent(value)) return 'database/migrations';
  if (typeof value !== 'string' || value === '') top(where, 'migrations', `must be a folder path, got ${show(value)}`);
  return value;
}

function readInteger(name: string, key: string, value: unknown, fallback: number, least: number): number {
  if (isAbsent(value)) return fallback;
  const number = toInteger(value);
  if (number === undefined || number < least) {
    fail(name, key, `${key} must be ${least === 0 ? 'a non-negative' : 'a positive'} integer, got ${show(value)}`);
  }
  return number;
}

function readBoolean(name: string, key: string, value: unknown, fallback: boolean): boolean {
  if (isAbsent(value)) return fallback;
  if (typeof value !== 'boolean') fail(name, key, `${key} must be true or false, got ${show(value)}`);
  return value;
}

/** Refuses a key of the whole connection (e.g. statementTimeoutMs) in one server's entry, where it would be ignored. */
function checkServerEntry(name: string, entry: Raw, prefix: string): void {
  checkMisspellings(name, entry, SERVER_KEYS, prefix);
  for (const key of CONNECTION_ONLY_KEYS) {
    if (Object.hasOwn(entry, key)) {
      fail(name, prefix + key, `${key} belongs to the connection, not to one server`, 'set it on the connection: it applies to every server');
    }
  }
}

/** Refuses near-misses of our keys (`readonly`, `read_only`, `user`) rather than ignore them. */
function checkMisspellings(name: string, entry: Raw, known: readonly string[], prefix: string): void {
  const bySquashedName = new Map(known.map((key) => [squash(key), key]));
  for (const key of Object.keys(entry)) {
    if (known.includes(key)) continue;
    const meant = lookup(KNOWN_MISSPELLINGS, key) ?? bySquashedName.get(squash(key));
    if (meant !== undefined && known.includes(meant)) {
      fail(name, prefix + key, `unknown key "${key}"`, `did you mean "${meant}"?`);
    }
  }
}

/** An own entry only: `DRIVERS['constructor']` must not be Object. */
function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

function fail(connection: string, key: string, problem: string, hint?: string): never {
  const detail = hint === undefined ? '' : `; ${hint}`;
  throw new ConfigurationError(`Connection [${connection}]: ${problem} (key "${key}"${detail}).`, { connection, key });
}

function top(where: string, key: string, problem: string, hint?: string, connection?: unknown): never {
  const detail = hint === undefined ? '' : `; ${hint}`;
  const named = typeof connection === 'string' ? { connection } : {};
  throw new ConfigurationError(`${where}: ${key} ${problem} (key "${key}"${detail}).`, { key, ...named });
}

/** A whole number, or the digits of one (values from .env are text); undefined for anything else. */
function toInteger(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray '%' is taken literally, as PHP's rawurldecode does
  }
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

/** A value for a message; only ever called on values that cannot be secrets. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return kind(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') return 'a Promise';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
