import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { normalizeConfig } from '../../src/config/normalize.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { DatabaseError } from '../../src/errors/database-error.js';

const PASSWORD = "p@ss:w/rd#?&'%";
const ENCODED_PASSWORD = encodeURIComponent(PASSWORD); // p%40ss%3Aw%2Frd%23%3F%26'%25

function normalize(connections: Record<string, unknown>, rest: Record<string, unknown> = {}) {
  return normalizeConfig({ connections, ...rest }, 'test');
}

/** Runs fn, expects a ConfigurationError for that connection and key, and checks that no secret leaks. */
function expectError(
  fn: () => unknown,
  expected: { connection?: string; key: string; message?: string | RegExp },
  secrets: string[] = [PASSWORD],
): ConfigurationError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigurationError, `expected a ConfigurationError, got ${inspect(caught)}`);
  assert.ok(caught instanceof DatabaseError);
  assert.equal(caught.name, 'ConfigurationError');
  assert.equal(caught.key, expected.key);
  assert.equal(caught.connection, expected.connection);
  assert.ok(caught.message.includes(`(key "${expected.key}"`), `message names the key: ${caught.message}`);
  if (expected.connection !== undefined) {
    assert.ok(caught.message.includes(`[${expected.connection}]`), `message names the connection: ${caught.message}`);
  }
  if (typeof expected.message === 'string') assert.equal(caught.message, expected.message);
  else if (expected.message) assert.match(caught.message, expected.message);
  for (const secret of secrets) assertNoSecret(caught, secret);
  return caught;
}

function assertNoSecret(error: unknown, secret: string): void {
  const views = [
    error instanceof Error ? error.message : '',
    String(error),
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
    error instanceof Error ? String(error.stack) : '',
  ];
  for (const view of views) {
    assert.ok(!view.includes(secret), `secret leaked into: ${view}`);
  }
}

describe('normalizeConfig: defaults', () => {
  it('fills a minimal mysql connection', () => {
    const config = normalize({ db: { driver: 'mysql', database: 'myapp' } });
    assert.deepEqual(config.connections.db, {
      name: 'db',
      driver: 'mysql',
      readOnly: false,
      pool: { min: 0, max: 10, acquireTimeoutMs: 10000, allowExitOnIdle: true },
      write: { host: 'localhost', port: 3306, database: 'myapp', username: 'root', password: '' },
      read: [],
      sticky: false,
      fallbackToWriter: true,
      variables: {},
    });
    assert.equal(config.default, 'db');
    assert.deepEqual(config.transactions, { prefix: 'sodb' });
    assert.deepEqual(config.cache, { store: 'memory', prefix: 'sodb:', max: 10000 });
    assert.equal(config.migrations, resolve(process.cwd(), 'database/migrations'));
    assert.equal(config.source, 'test');
  });

  it('fills a pgsql connection: port 5432, user postgres, database named after the user', () => {
    const config = normalize({ analytics: { driver: 'pgsql', host: 'pg.local', schema: 'public' } });
    assert.deepEqual(config.connections.analytics.write, {
      host: 'pg.local',
      port: 5432,
      database: 'postgres',
      username: 'postgres',
      password: '',
      schema: 'public',
    });
  });

  it('keeps charset and collation', () => {
    const config = normalize({ legacy: { driver: 'mysql', host: 'legacy', charset: 'latin1', collation: 'latin1_swedish_ci' } });
    assert.equal(config.connections.legacy.write.charset, 'latin1');
    assert.equal(config.connections.legacy.write.collation, 'latin1_swedish_ci');
  });

  it('treats null (env "null") as not given', () => {
    const config = normalize({ db: { driver: 'mysql', host: null, password: null, port: null, readOnly: null } });
    assert.equal(config.connections.db.write.host, 'localhost');
    assert.equal(config.connections.db.write.password, '');
    assert.equal(config.connections.db.write.port, 3306);
    assert.equal(config.connections.db.readOnly, false);
  });

  it('keeps a password with special characters exactly as written', () => {
    const config = normalize({ db: { driver: 'mysql', username: 'app', password: PASSWORD } });
    assert.equal(config.connections.db.write.password, PASSWORD);
    assert.equal(config.connections.db.write.username, 'app');
  });

  it('takes numeric passwords from JSON as text', () => {
    const config = normalize({ db: { driver: 'mysql', password: 1234 } });
    assert.equal(config.connections.db.write.password, '1234');
  });
});

describe('normalizeConfig: the configuration as a whole', () => {
  it('requires a non-empty connections object', () => {
    for (const raw of [{}, { connections: {} }, { connections: [] }, { connections: 'db' }]) {
      expectError(() => normalizeConfig(raw, 'config/database.ts'), {
        key: 'connections',
        message: /^Database configuration \(config\/database\.ts\): "connections" must be a non-empty object/,
      });
    }
    expectError(() => normalizeConfig(null, 'x'), { key: 'connections', message: /got null/ });
    expectError(() => normalizeConfig(Promise.resolve({}), 'x'), { key: 'connections', message: /got a Promise/ });
  });

  it('uses the configured default, else the first connection', () => {
    const connections = { first: { driver: 'sqlite', database: ':memory:' }, second: { driver: 'sqlite', database: ':memory:' } };
    assert.equal(normalize(connections).default, 'first');
    assert.equal(normalize(connections, { default: 'second' }).default, 'second');
    assert.equal(normalize(connections, { default: '' }).default, 'first');
  });

  it('refuses a default that names no connection', () => {
    expectError(() => normalize({ db: { driver: 'sqlite', database: ':memory:' } }, { default: 'xyz' }), {
      connection: 'xyz',
      key: 'default',
      message: 'Database configuration (test): default connection [xyz] is not configured (key "default"; configured: db).',
    });
  });

  it('does not mistake Object members for connections or drivers', () => {
    const config = normalize({ db: { driver: 'sqlite', database: ':memory:' } });
    assert.equal(config.connections.toString, undefined);
    assert.deepEqual(Object.keys(config.connections), ['db']);
    expectError(() => normalize({ db: { driver: 'sqlite', database: ':memory:' } }, { default: 'toString' }), {
      connection: 'toString',
      key: 'default',
    });
    expectError(() => normalize({ db: { driver: 'constructor' } }), { connection: 'db', key: 'driver' });
    expectError(() => normalize({ db: { driver: 'sqlite', database: ':memory:' } }, { transactions: { log: 'constructor' } }), {
      connection: 'constructor',
      key: 'transactions.log',
    });
  });

  it('refuses a connection that is not an object', () => {
    expectError(() => normalize({ db: 'mysql://localhost' }), { connection: 'db', key: 'connections.db' });
  });
});

describe('normalizeConfig: drivers', () => {
  it('accepts the aliases', () => {
    const config = normalize({
      a: { driver: 'mariadb' },
      b: { driver: 'postgres' },
      c: { driver: 'postgresql' },
      d: { driver: 'sqlite3', database: ':memory:' },
      e: { driver: 'MySQL' },
    });
    assert.deepEqual(
      Object.values(config.connections).map((c) => c.driver),
      ['mysql', 'pgsql', 'pgsql', 'sqlite', 'mysql'],
    );
  });

  it('refuses an unknown driver, naming connection and key', () => {
    expectError(() => normalize({ x: { driver: 'oracle', password: PASSWORD } }), {
      connection: 'x',
      key: 'driver',
      message: 'Connection [x]: unknown driver "oracle" (key "driver"; expected mysql, pgsql or sqlite).',
    });
    expectError(() => normalize({ x: { driver: 42 } }), { connection: 'x', key: 'driver', message: /unknown driver 42/ });
  });

  it('refuses a missing driver', () => {
    expectError(() => normalize({ x: { host: 'h', password: PASSWORD } }), {
      connection: 'x',
      key: 'driver',
      message: 'Connection [x]: missing driver (key "driver"; expected mysql, pgsql or sqlite).',
    });
  });
});

describe('normalizeConfig: ports', () => {
  it('accepts numbers and numeric strings', () => {
    const config = normalize({ a: { driver: 'mysql', port: '3307' }, b: { driver: 'pgsql', port: 6543 }, c: { driver: 'mysql', port: '' } });
    assert.equal(config.connections.a.write.port, 3307);
    assert.equal(config.connections.b.write.port, 6543);
    assert.equal(config.connections.c.write.port, 3306);
  });

  it('refuses anything else, naming connection and key', () => {
    for (const port of ['abc', '33o6', -1, 0, 70000, 3306.5, true, '-1', '1e3']) {
      const error = expectError(() => normalize({ db: { driver: 'mysql', port, password: PASSWORD } }), {
        connection: 'db',
        key: 'port',
      });
      assert.match(error.message, /^Connection \[db\]: port must be an integer from 1 to 65535, got /);
    }
  });
});

describe('normalizeConfig: url', () => {
  it('splits a mysql url and percent-decodes its parts', () => {
    const url = `mysql://app%20user:${ENCODED_PASSWORD}@db.example.com:3307/my%20app?charset=utf8mb4`;
    const config = normalize({ db: { driver: 'mysql', url } });
    assert.deepEqual(config.connections.db.write, {
      host: 'db.example.com',
      port: 3307,
      database: 'my app',
      username: 'app user',
      password: PASSWORD,
      charset: 'utf8mb4',
    });
  });

  it('lets the url parts win over the separate keys, and keeps keys the url leaves out', () => {
    const config = normalize({
      db: { driver: 'pgsql', url: 'postgres://u:pw@url-host/urldb', host: 'key-host', database: 'keydb', port: 6000, password: 'keypw' },
    });
    assert.deepEqual(config.connections.db.write, {
      host: 'url-host',
      port: 6000,
      database: 'urldb',
      username: 'u',
      password: 'pw',
    });
  });

  it('takes the driver from the scheme when none is given', () => {
    const config = normalize({
      a: { url: 'postgresql://localhost/app' },
      b: { url: 'mariadb://root@[::1]/app' },
      c: { url: 'sqlite::memory:' },
    });
    assert.equal(config.connections.a.driver, 'pgsql');
    assert.equal(config.connections.a.write.port, 5432);
    assert.equal(config.connections.b.driver, 'mysql');
    assert.equal(config.connections.b.write.host, '::1');
    assert.equal(config.connections.c.driver, 'sqlite');
    assert.equal(config.connections.c.write.database, ':memory:');
  });

  it('reads sqlite urls: absolute, relative to cwd, in memory', () => {
    const config = normalize({
      abs: { url: 'sqlite:///var/data/app.sqlite' },
      rel: { url: 'sqlite:storage/my%20app.sqlite' },
      mem: { url: 'sqlite:///:memory:' },
    });
    assert.equal(config.connections.abs.write.database, '/var/data/app.sqlite');
    assert.equal(config.connections.rel.write.database, resolve(process.cwd(), 'storage/my app.sqlite'));
    assert.equal(config.connections.mem.write.database, ':memory:');
  });

  it('refuses a url for another driver', () => {
    expectError(() => normalize({ db: { driver: 'pgsql', url: `mysql://u:${ENCODED_PASSWORD}@h/db` } }), {
      connection: 'db',
      key: 'url',
      message: 'Connection [db]: the url is for mysql but the driver is "pgsql" (key "url").',
    }, [PASSWORD, ENCODED_PASSWORD]);
  });

  it('refuses an invalid url without quoting it', () => {
    // An unencoded '#' ends the authority: the URL parser sees a port "p" and gives up.
    const url = `mysql://user:${PASSWORD}@host/db`;
    expectError(() => normalize({ db: { driver: 'mysql', url } }), { connection: 'db', key: 'url', message: /is not a valid URL/ }, [
      PASSWORD,
      url,
    ]);
    expectError(() => normalize({ db: { url: `oracle://u:${ENCODED_PASSWORD}@h/db` } }), {
      connection: 'db',
      key: 'url',
      message: /unsupported scheme "oracle:"/,
    }, [PASSWORD, ENCODED_PASSWORD]);
    expectError(() => normalize({ db: { url: 42 } }), { connection: 'db', key: 'url' });
  });

  it('refuses a password with an unencoded / ? or # that the parser would read as host, port or database', () => {
    // Each of these parses as a valid URL, with the password split into port, database, query or fragment.
    for (const [password, url] of [
      ['4321/Zq9secret', 'mysql://app:4321/Zq9secret@db.example.com/shop'],
      ['5432?Zq9secret', 'postgres://app:5432?Zq9secret@db.example.com/shop'],
      ['3306#Zq9secret', 'mariadb://app:3306#Zq9secret@db.example.com/shop'],
      ['Zq9/secret', 'mysql://app@db.example.com:3306/x/Zq9/secret@h2/shop'],
    ]) {
      const error = expectError(() => normalize({ db: { url } }), { connection: 'db', key: 'url', message: /percent-encode/ }, [
        password,
        url,
        'Zq9',
        'secret',
      ]);
      assert.match(error.message, /%2F/);
    }
  });

  it('still reads an @ inside a password (the last @ ends the user info) and percent-encoded ones', () => {
    const config = normalize({
      a: { url: 'mysql://app:p@ss@db.example.com/shop' },
      b: { url: `mysql://app:${encodeURIComponent('4321/Zq9@secret')}@db.example.com/shop` },
      c: { url: 'sqlite:///var/data/team@work.sqlite' },
    });
    assert.equal(config.connections.a.write.password, 'p@ss');
    assert.equal(config.connections.a.write.host, 'db.example.com');
    assert.equal(config.connections.b.write.password, '4321/Zq9@secret');
    assert.equal(config.connections.b.write.database, 'shop');
    assert.equal(config.connections.c.write.database, '/var/data/team@work.sqlite');
  });
});

describe('normalizeConfig: read/write splitting', () => {
  it('merges each entry over the connection keys', () => {
    const config = normalize({
      db: {
        driver: 'mysql',
        database: 'myapp',
        username: 'app',
        password: PASSWORD,
        write: { host: 'master.db.local' },
        read: [{ host: 'replica1.db.local' }, { host: 'replica2.db.local', port: '3307', username: 'reader' }],
        sticky: true,
      },
    });
    const db = config.connections.db;
    assert.deepEqual(db.write, { host: 'master.db.local', port: 3306, database: 'myapp', username: 'app', password: PASSWORD });
    assert.deepEqual(db.read, [
      { host: 'replica1.db.local', port: 3306, database: 'myapp', username: 'app', password: PASSWORD },
      { host: 'replica2.db.local', port: 3307, database: 'myapp', username: 'reader', password: PASSWORD },
    ]);
    assert.equal(db.sticky, true);
  });

  it('lets write default to the connection keys and wraps a single read object', () => {
    const config = normalize({ db: { driver: 'pgsql', host: 'primary', database: 'app', read: { host: 'replica' } } });
    assert.equal(config.connections.db.write.host, 'primary');
    assert.deepEqual(
      config.connections.db.read.map((s) => [s.host, s.database, s.port]),
      [['replica', 'app', 5432]],
    );
  });

  it('refuses an entry left without a host', () => {
    const base = { driver: 'mysql', database: 'app', password: PASSWORD };
    expectError(() => normalize({ db: { ...base, write: { host: 'm' }, read: [{ host: 'r1' }, { port: 3307 }] } }), {
      connection: 'db',
      key: 'read[1].host',
      message: /^Connection \[db\]: read\[1\] has no host after merging over the connection's keys/,
    });
    expectError(() => normalize({ db: { ...base, read: [{ host: 'r1' }] } }), { connection: 'db', key: 'write.host' });
    expectError(() => normalize({ db: { ...base, write: { host: '' }, read: [{ host: 'r1' }] } }), {
      connection: 'db',
      key: 'write.host',
    });
  });

  it('accepts a socket instead of a host', () => {
    const config = normalize({ db: { driver: 'mysql', socket: '/run/mysqld/mysqld.sock', read: [{ port: 3307 }] } });
    assert.equal(config.connections.db.read[0].socket, '/run/mysqld/mysqld.sock');
    assert.equal(config.connections.db.read[0].port, 3307);
  });

  it('refuses a malformed read or write', () => {
    expectError(() => normalize({ db: { driver: 'mysql', host: 'h', read: 'replica' } }), { connection: 'db', key: 'read' });
    expectError(() => normalize({ db: { driver: 'mysql', host: 'h', read: ['replica'] } }), { connection: 'db', key: 'read[0]' });
    expectError(() => normalize({ db: { driver: 'mysql', host: 'h', write: [] } }), { connection: 'db', key: 'write' });
    expectError(() => normalize({ db: { driver: 'mysql', host: 'h', password: PASSWORD, read: [{ port: 'abc' }] } }), {
      connection: 'db',
      key: 'read[0].port',
    });
    expectError(() => normalize({ db: { driver: 'mysql', host: 'h', read: [{ password: true }] } }), {
      connection: 'db',
      key: 'read[0].password',
      message: /read\[0\]\.password must be a string, got a boolean/,
    });
  });
});

describe('normalizeConfig: sqlite', () => {
  it('resolves a relative path against process.cwd() and ignores host and port', () => {
    const saved = process.cwd();
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sodb-norm-')));
    try {
      process.chdir(dir);
      const config = normalize({ local: { driver: 'sqlite', database: 'storage/app.sqlite', host: 'ignored', port: 1 } });
      assert.deepEqual(config.connections.local.write, {
        host: '',
        port: 0,
        database: join(dir, 'storage/app.sqlite'),
        username: '',
        password: '',
      });
    } finally {
      process.chdir(saved);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps absolute paths and :memory:', () => {
    const config = normalize({ a: { driver: 'sqlite', database: '/data/a.sqlite' }, m: { driver: 'sqlite', database: ':memory:' } });
    assert.equal(config.connections.a.write.database, '/data/a.sqlite');
    assert.equal(config.connections.m.write.database, ':memory:');
  });

  it('requires a database', () => {
    expectError(() => normalize({ local: { driver: 'sqlite' } }), { connection: 'local', key: 'database' });
    expectError(() => normalize({ local: { driver: 'sqlite', database: '' } }), { connection: 'local', key: 'database' });
  });
});

describe('normalizeConfig: options', () => {
  it('validates the flags', () => {
    const config = normalize({ legacy: { driver: 'mysql', readOnly: true, sticky: true, fallbackToWriter: false } });
    assert.equal(config.connections.legacy.readOnly, true);
    assert.equal(config.connections.legacy.sticky, true);
    assert.equal(config.connections.legacy.fallbackToWriter, false);
    for (const key of ['readOnly', 'sticky', 'fallbackToWriter']) {
      expectError(() => normalize({ legacy: { driver: 'mysql', password: PASSWORD, [key]: 'yes' } }), {
        connection: 'legacy',
        key,
        message: `Connection [legacy]: ${key} must be true or false, got "yes" (key "${key}").`,
      });
    }
  });

  it('refuses near-misses of known keys instead of ignoring them', () => {
    for (const [key, meant] of [['readonly', 'readOnly'], ['read_only', 'readOnly'], ['user', 'username']]) {
      expectError(() => normalize({ legacy: { driver: 'mysql', password: PASSWORD, [key]: true } }), {
        connection: 'legacy',
        key,
        message: new RegExp(`did you mean "${meant}"\\?`),
      });
    }
    expectError(() => normalize({ db: { driver: 'mysql', pool: { MAX: 3 } } }), { connection: 'db', key: 'pool.MAX' });
    // Keys that are not near-misses (Laravel's prefix, options) are left alone.
    assert.equal(normalize({ db: { driver: 'mysql', prefix: '', options: {} } }).connections.db.driver, 'mysql');
  });

  it('validates the pool', () => {
    const config = normalize({ db: { driver: 'mysql', pool: { min: '2', max: 20, acquireTimeoutMs: '500', allowExitOnIdle: false } } });
    assert.deepEqual(config.connections.db.pool, { min: 2, max: 20, acquireTimeoutMs: 500, allowExitOnIdle: false });
    assert.deepEqual(normalize({ db: { driver: 'mysql', pool: { max: 1 } } }).connections.db.pool, {
      min: 0,
      max: 1,
      acquireTimeoutMs: 10000,
      allowExitOnIdle: true,
    });
    const bad: Array<[unknown, string]> = [
      [{ max: 0 }, 'pool.max'],
      [{ max: 2.5 }, 'pool.max'],
      [{ min: -1 }, 'pool.min'],
      [{ min: 5, max: 2 }, 'pool.min'],
      [{ acquireTimeoutMs: 0 }, 'pool.acquireTimeoutMs'],
      [{ acquireTimeoutMs: 'soon' }, 'pool.acquireTimeoutMs'],
      [{ allowExitOnIdle: 'yes' }, 'pool.allowExitOnIdle'],
      [{ allowExitOnIdle: 0 }, 'pool.allowExitOnIdle'],
      [{ allow_exit_on_idle: false }, 'pool.allow_exit_on_idle'],
      [{ allowexitonidle: false }, 'pool.allowexitonidle'],
      [5, 'pool'],
    ];
    for (const [pool, key] of bad) {
      expectError(() => normalize({ db: { driver: 'mysql', password: PASSWORD, pool } }), { connection: 'db', key });
    }
    expectError(() => normalize({ db: { driver: 'mysql', pool: { allowExitOnIdle: 'no' } } }), {
      connection: 'db',
      key: 'pool.allowExitOnIdle',
      message: 'Connection [db]: pool.allowExitOnIdle must be true or false, got "no" (key "pool.allowExitOnIdle").',
    });
  });

  it('validates statementTimeoutMs: a positive whole number of milliseconds, numeric strings accepted', () => {
    assert.equal(normalize({ db: { driver: 'pgsql', statementTimeoutMs: 300 } }).connections.db.statementTimeoutMs, 300);
    assert.equal(normalize({ db: { driver: 'mysql', statementTimeoutMs: ' 1500 ' } }).connections.db.statementTimeoutMs, 1500);
    assert.equal(normalize({ db: { driver: 'sqlite', database: ':memory:', statementTimeoutMs: 5 } }).connections.db.statementTimeoutMs, 5);
    assert.equal(Object.hasOwn(normalize({ db: { driver: 'mysql' } }).connections.db, 'statementTimeoutMs'), false);
    for (const [value, shown] of [[0, '0'], [-5, '-5'], [2.5, '2.5'], ['soon', '"soon"'], [true, 'true'], [{}, 'an object']] as const) {
      expectError(() => normalize({ db: { driver: 'mysql', password: PASSWORD, statementTimeoutMs: value } }), {
        connection: 'db',
        key: 'statementTimeoutMs',
        message: `Connection [db]: statementTimeoutMs must be a positive integer, got ${shown} (key "statementTimeoutMs").`,
      });
    }
    for (const key of ['statementTimeout', 'statement_timeout', 'statement_timeout_ms', 'max_statement_time', 'queryTimeout']) {
      expectError(() => normalize({ db: { driver: 'mysql', password: PASSWORD, [key]: 300 } }), {
        connection: 'db',
        key,
        message: /did you mean "statementTimeoutMs"\?/,
      });
    }
    // It applies to every server of a split connection; one server's entry cannot carry it.
    const split = normalize({ db: { driver: 'pgsql', host: 'w', statementTimeoutMs: '250', read: [{ host: 'r1' }] } });
    assert.equal(split.connections.db.statementTimeoutMs, 250);
    expectError(() => normalize({ db: { driver: 'pgsql', host: 'w', read: [{ host: 'r1', statementTimeoutMs: 250 }] } }), {
      connection: 'db',
      key: 'read[0].statementTimeoutMs',
      message: /statementTimeoutMs belongs to the connection, not to one server.*set it on the connection/,
    });
    expectError(() => normalize({ db: { driver: 'pgsql', host: 'w', write: { statementTimeoutMs: 250 }, read: [{ host: 'r1' }] } }), {
      connection: 'db',
      key: 'write.statementTimeoutMs',
    });
    // So are the other keys of the whole connection.
    expectError(() => normalize({ db: { driver: 'pgsql', host: 'w', read: [{ host: 'r1', pool: { max: 2 } }] } }), {
      connection: 'db',
      key: 'read[0].pool',
    });
  });

  it('validates replication lag and read-your-writes', () => {
    const config = normalize({ db: { driver: 'mysql', maxReplicationLag: '2.5', readYourWrites: 'position' } });
    assert.equal(config.connections.db.maxReplicationLag, 2.5);
    assert.equal(config.connections.db.readYourWrites, 'position');
    expectError(() => normalize({ db: { driver: 'mysql', maxReplicationLag: 0 } }), { connection: 'db', key: 'maxReplicationLag' });
    expectError(() => normalize({ db: { driver: 'mysql', readYourWrites: 'time' } }), { connection: 'db', key: 'readYourWrites' });
  });

  it('takes topology "galera" on MySQL/MariaDB only', () => {
    assert.equal(normalize({ db: { driver: 'mysql', topology: 'galera' } }).connections.db.topology, 'galera');
    assert.equal(normalize({ db: { driver: 'mysql' } }).connections.db.topology, undefined);
    expectError(() => normalize({ db: { driver: 'mysql', topology: 'Galera' } }), {
      connection: 'db',
      key: 'topology',
      message: 'Connection [db]: topology must be "galera", got "Galera" (key "topology").',
    });
    for (const driver of ['pgsql', 'sqlite'] as const) {
      expectError(() => normalize({ db: { driver, database: 'x', topology: 'galera' } }), {
        connection: 'db',
        key: 'topology',
        message: `Connection [db]: topology "galera" is a MySQL/MariaDB cluster; the driver is ${driver} (key "topology").`,
      });
    }
  });

  it('refuses a non-string server key without showing its value', () => {
    expectError(() => normalize({ db: { driver: 'mysql', password: { secret: PASSWORD } } }), {
      connection: 'db',
      key: 'password',
      message: 'Connection [db]: password must be a string, got an object (key "password").',
    });
  });
});

describe('normalizeConfig: transactions, cache, migrations', () => {
  const connections = { db: { driver: 'mysql', password: PASSWORD }, legacy: { driver: 'mysql', readOnly: true } };

  it('validates transactions', () => {
    assert.deepEqual(normalize(connections, { transactions: { log: 'db', prefix: 'erp_1' } }).transactions, {
      log: 'db',
      prefix: 'erp_1',
    });
    for (const prefix of ['1abc', 'my-app', 'a'.repeat(17), '', 5]) {
      expectError(() => normalize(connections, { transactions: { prefix } }), { key: 'transactions.prefix' });
    }
    expectError(() => normalize(connections, { transactions: { log: 'nope' } }), {
      connection: 'nope',
      key: 'transactions.log',
      message: /transactions\.log names connection \[nope\], which is not configured/,
    });
    expectError(() => normalize(connections, { transactions: { log: 'legacy' } }), {
      connection: 'legacy',
      key: 'transactions.log',
      message: /read-only/,
    });
  });

  it('validates the cache', () => {
    assert.deepEqual(normalize(connections, { cache: { store: 'redis', url: 'redis://:secret@cache:6379', max: '50' } }).cache, {
      store: 'redis',
      url: 'redis://:secret@cache:6379',
      prefix: 'sodb:',
      max: 50,
    });
    expectError(() => normalize(connections, { cache: { store: 'memcached' } }), { key: 'cache.store' });
    expectError(() => normalize(connections, { cache: { max: 0 } }), { key: 'cache.max' });
    expectError(() => normalize(connections, { cache: { url: 6379 } }), { key: 'cache.url' });
  });

  it('resolves the migrations folder against the working directory', () => {
    assert.equal(normalize(connections, { migrations: 'db/migrations' }).migrations, resolve(process.cwd(), 'db/migrations'));
    expectError(() => normalize(connections, { migrations: 5 }), { key: 'migrations' });
  });
});
