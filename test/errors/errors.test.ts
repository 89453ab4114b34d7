import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import {
  Connection,
  ConnectionError,
  ConnectionNotConfiguredError,
  DatabaseError,
  DB,
  type QueryEvent,
} from '../../src/index.js';
import { describeEachEngine, MYSQL, type ThrowawayDatabase } from '../support/engines.js';

const root = resolve(import.meta.dirname, '../..');
const PASSWORD = "p@ss:w/rd#?&'%";

/** A port nothing listens on: bound by us for a moment, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * Runs `fn` and collects everything that could carry the password: events, warnings and
 * whatever the process writes to stdout and stderr meanwhile.
 */
async function observed<T>(fn: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; output: string[] }> {
  const output: string[] = [];
  const stop = DB.listen((event: QueryEvent) => output.push(inspect(event, { depth: 10 }), JSON.stringify(event)));
  const onWarning = (warning: Error) => output.push(inspect(warning, { depth: 10 }));
  process.on('warning', onWarning);
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  }
  try {
    const [result] = await Promise.allSettled([fn()]);
    await new Promise((done) => setImmediate(done));
    return { result, output };
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i];
    });
    process.off('warning', onWarning);
    stop();
  }
}

/** Every rendering of an error a user or a logger might produce, cause chain included. */
function renderings(error: unknown): string[] {
  const err = error as Error;
  return [err.message, String(err.stack), String(err), inspect(err, { depth: 10 }), JSON.stringify(err)];
}

function assertNoPassword(texts: string[], what: string): void {
  for (const text of texts) {
    assert.ok(!text.includes(PASSWORD), `${what} contains the password:\n${text}`);
    assert.ok(!text.includes(encodeURIComponent(PASSWORD)), `${what} contains the encoded password:\n${text}`);
  }
}

describe('ConnectionNotConfiguredError', () => {
  after(() => DB.disconnect());

  test('getInstance of an unknown name throws synchronously, with the exact message', async () => {
    await DB.configure({ default: 'local', connections: { local: { driver: 'sqlite', database: ':memory:' } } });
    assert.throws(
      () => Connection.getInstance('xyz'),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionNotConfiguredError);
        assert.ok(error instanceof DatabaseError);
        assert.equal(error.message, 'Connection [xyz] not configured.');
        assert.equal(error.connection, 'xyz');
        assert.equal(error.name, 'ConnectionNotConfiguredError');
        return true;
      },
    );
    assert.throws(() => DB.connection('xyz'), { message: 'Connection [xyz] not configured.' });
    // Names that exist on Object.prototype are not connections either.
    assert.throws(() => Connection.getInstance('toString'), { message: 'Connection [toString] not configured.' });
  });

  test('also when the configuration came from config/database.json', () => {
    const project = mkdtempSync(join(tmpdir(), 'sodb-errors-'));
    try {
      mkdirSync(join(project, 'config'));
      writeFileSync(
        join(project, 'config', 'database.json'),
        JSON.stringify({ default: 'local', connections: { local: { driver: 'sqlite', database: ':memory:' } } }),
      );
      writeFileSync(
        join(project, 'check.mts'),
        `import { Connection, DB } from ${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)};
let sync = false;
let caught;
try { Connection.getInstance('xyz'); } catch (error) { sync = true; caught = error; }
const local = Connection.getInstance();
const row = await local.selectOne('SELECT 41 + 1 AS answer');
console.log(JSON.stringify({ sync, name: caught?.name, message: caught?.message, connection: caught?.connection, dflt: local.name, row }));
await DB.disconnect();
`,
      );
      const child = spawnSync(
        process.execPath,
        ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, 'check.mts'],
        { cwd: project, encoding: 'utf8', timeout: 30_000, env: { ...process.env, SO_DB_CONFIG: '' } },
      );
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1) as string), {
        sync: true,
        name: 'ConnectionNotConfiguredError',
        message: 'Connection [xyz] not configured.',
        connection: 'xyz',
        dflt: 'local',
        row: { answer: 42 },
      });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describeEachEngine(
  'connection errors',
  (engine) => {
    let database: ThrowawayDatabase;
    let port: number;

    before(async () => {
      database = await engine.createDatabase();
      port = await closedPort();
    });

    after(async () => {
      await DB.disconnect();
      await database.drop();
    });

    test('a failed login: ConnectionError with SQLSTATE, connection, host and port, and no password anywhere', async () => {
      const options = { ...database.options, username: 'sodb_nobody', password: PASSWORD };
      await DB.configure({ connections: { bad: options } });
      const bad = DB.connection('bad');
      const { result, output } = await observed(() => bad.select('SELECT 1 AS one'));
      assert.equal(result.status, 'rejected');
      const error = (result as PromiseRejectedResult).reason;
      assert.ok(error instanceof ConnectionError, `ConnectionError, got ${inspect(error)}`);
      assert.equal(error.connection, 'bad');
      assert.equal(error.host, '127.0.0.1');
      assert.equal(error.port, Number(database.options.port));
      assert.match(error.message, /\[bad\]/);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${database.options.port}`));
      if (engine.driver === 'mysql') {
        assert.ok(error.message.startsWith('SQLSTATE[28000] [1045] Access denied'), error.message);
        assert.equal(error.code, 'ER_ACCESS_DENIED_ERROR');
        assert.equal(error.sqlState, '28000');
      } else {
        // The shared server trusts every password, so the failure is the unknown role.
        assert.ok(error.message.startsWith('SQLSTATE[28000] role "sodb_nobody" does not exist'), error.message);
        assert.equal(error.sqlState, '28000');
      }
      assertNoPassword(renderings(error), 'the error');
      assertNoPassword(output, 'events, warnings or output');
      assertNoPassword([inspect(bad, { depth: 10 }), inspect(DB, { depth: 10 }), String(bad)], 'the Connection object');
      // A second attempt fails the same way (nothing half-open was left in the pool).
      await assert.rejects(bad.select('SELECT 1 AS one'), ConnectionError);
    });

    test('a database that does not exist: ConnectionError naming connection, host and port', async () => {
      await DB.configure({ connections: { nodb: { ...database.options, database: 'sodb_no_such_database' } } });
      const error = await DB.connection('nodb')
        .select('SELECT 1 AS one')
        .then(() => assert.fail('connected to a missing database'), (e: unknown) => e);
      assert.ok(error instanceof ConnectionError, inspect(error));
      assert.equal(error.connection, 'nodb');
      if (engine.driver === 'mysql') {
        assert.ok(error.message.startsWith('SQLSTATE[42000] [1049] Unknown database'), error.message);
        assert.equal(error.code, 'ER_BAD_DB_ERROR');
      } else {
        assert.ok(error.message.startsWith('SQLSTATE[3D000] database "sodb_no_such_database" does not exist'), error.message);
        assert.equal(error.sqlState, '3D000');
      }
      assert.match(error.message, /\[nodb\] at 127\.0\.0\.1:\d+/);
      assertNoPassword(renderings(error), 'the error');
    });

    test('an unreachable port: ConnectionError', async () => {
      await DB.configure({ connections: { down: { ...database.options, port, password: PASSWORD } } });
      const error = await DB.connection('down')
        .select('SELECT 1 AS one')
        .then(() => assert.fail('connected to a closed port'), (e: unknown) => e);
      assert.ok(error instanceof ConnectionError, inspect(error));
      assert.equal(error.connection, 'down');
      assert.equal(error.port, port);
      assert.equal(error.code, 'ECONNREFUSED');
      if (engine.driver === 'mysql') assert.ok(error.message.startsWith('SQLSTATE[HY000] [2002] '), error.message);
      else assert.ok(error.message.startsWith('SQLSTATE[08006] '), error.message);
      assert.match(error.message, new RegExp(`\\[down\\] at 127\\.0\\.0\\.1:${port}`));
      assertNoPassword(renderings(error), 'the error');
    });

    test('concurrent queries to an unreachable server each fail with ConnectionError, none waits for the pool', async () => {
      await DB.configure({ connections: { down: { ...database.options, port, pool: { max: 2, acquireTimeoutMs: 3000 } } } });
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => DB.connection('down').select('SELECT 1 AS one')));
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        const reason = (result as PromiseRejectedResult).reason;
        assert.ok(reason instanceof ConnectionError, `ConnectionError, got ${String(reason)}`);
      }
    });

    test('a password with special characters works unencoded in the object form', async (t) => {
      if (engine.driver !== 'mysql') {
        t.skip('the shared PostgreSQL server uses trust authentication: it checks no password');
        return;
      }
      const mysql = (await import('mysql2/promise')).default;
      const admin = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
      // Per run: two runs on one server must not drop each other's login.
      const user = `sodb_special_${randomBytes(4).toString('hex')}`;
      try {
        for (const host of ['%', 'localhost']) {
          await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, host, PASSWORD]);
          await admin.query(`GRANT ALL ON \`${database.database}\`.* TO ?@?`, [user, host]);
        }
        await DB.configure({
          connections: {
            special: { ...database.options, username: user, password: PASSWORD },
            wrong: { ...database.options, username: user, password: `${PASSWORD}x` },
          },
        });
        const row = await DB.connection('special').selectOne<{ user: string }>('SELECT CURRENT_USER() AS user');
        assert.ok(String(row?.user).startsWith(`${user}@`), String(row?.user));
        await assert.rejects(DB.connection('wrong').select('SELECT 1'), (error: unknown) => {
          assert.ok(error instanceof ConnectionError);
          assert.ok(error.message.startsWith(`SQLSTATE[28000] [1045] Access denied for user '${user}'`), error.message);
          assertNoPassword(renderings(error), 'the error');
          return true;
        });
      } finally {
        await DB.disconnect();
        for (const host of ['%', 'localhost']) await admin.query('DROP USER IF EXISTS ?@?', [user, host]);
        await admin.end();
      }
    });
  },
  ['mariadb', 'postgres'],
);
