import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Connection, type ConnectionOptions, DB } from '../../src/index.js';
import { describeEachEngine, engines, MYSQL, POSTGRES, type TestEngine, type ThrowawayDatabase } from '../support/engines.js';

const root = resolve(import.meta.dirname, '../..');

/** Counts the server sessions open on one database, seen from outside the library. */
async function sessionCounter(engine: TestEngine, database: string): Promise<{ count(): Promise<number>; end(): Promise<void> }> {
  if (engine.driver === 'mysql') {
    const mysql = (await import('mysql2/promise')).default;
    const admin = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
    return {
      count: async () => {
        const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?', [database]);
        return Number((rows as { n: number }[])[0].n);
      },
      end: () => admin.end(),
    };
  }
  if (engine.driver === 'pgsql') {
    const pg = (await import('postgres')).default;
    const admin = pg({ host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user, password: POSTGRES.password, database: 'postgres', max: 1, onnotice: () => {} });
    return {
      count: async () => {
        const rows = await admin`SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = 'so-database' AND datname = ${database}`;
        return rows[0].n as number;
      },
      end: () => admin.end(),
    };
  }
  // SQLite: the "session" is the open file; before the first query it is not even created.
  return { count: async () => (existsSync(database) ? 1 : 0), end: async () => {} };
}

/** Server session lists lag a little behind a client's goodbye. */
async function eventually(read: () => Promise<number>, expected: number): Promise<number> {
  let value = await read();
  for (let i = 0; i < 100 && value !== expected; i++) {
    await new Promise((done) => setTimeout(done, 20));
    value = await read();
  }
  return value;
}

describe('the registry', () => {
  after(() => DB.disconnect());

  test('one object per name, the default without a name, DB.connection is getInstance', async () => {
    await DB.configure({
      default: 'second',
      connections: { first: { driver: 'sqlite', database: ':memory:' }, second: { driver: 'sqlite', database: ':memory:' } },
    });
    const first = Connection.getInstance('first');
    assert.equal(Connection.getInstance('first'), first);
    assert.equal(DB.connection('first'), first);
    assert.equal(Connection.getInstance(), Connection.getInstance('second'));
    assert.equal(DB.connection(), Connection.getInstance('second'));
    assert.notEqual(first, Connection.getInstance('second'));
    assert.equal(first.name, 'first');
    assert.equal(first.driver, 'sqlite');
    // Separate objects are separate databases.
    await first.statement('CREATE TABLE only_in_first (id INTEGER)');
    await assert.rejects(DB.connection('second').select('SELECT * FROM only_in_first'));
  });

  test('DB.configure without a default makes the first connection the default', async () => {
    await DB.configure({ connections: { alpha: { driver: 'sqlite', database: ':memory:' }, beta: { driver: 'sqlite', database: ':memory:' } } });
    assert.equal(Connection.getInstance().name, 'alpha');
  });
});

describeEachEngine('the registry on a server', (engine) => {
  let database: ThrowawayDatabase;
  let other: ThrowawayDatabase;
  let counter: Awaited<ReturnType<typeof sessionCounter>>;
  let otherCounter: Awaited<ReturnType<typeof sessionCounter>>;
  /** SQLite has no server to ask which sessions are open; its file shows only the first connect. */
  const server = engine.driver !== 'sqlite';
  const sessionId =
    engine.driver === 'mysql'
      ? 'SELECT CONNECTION_ID() AS id'
      : engine.driver === 'pgsql'
        ? 'SELECT pg_backend_pid() AS id'
        : "SELECT 'sqlite' AS id";

  before(async () => {
    database = await engine.createDatabase();
    other = await engine.createDatabase();
    counter = await sessionCounter(engine, database.database);
    otherCounter = await sessionCounter(engine, other.database);
  });

  after(async () => {
    await DB.disconnect();
    await counter.end();
    await otherCounter.end();
    await database.drop();
    await other.drop();
  });

  test('lazy: no server session before the first query', async () => {
    await DB.configure({ default: 'db', connections: { db: { ...database.options, pool: { max: 4 } } } });
    const db = Connection.getInstance('db');
    assert.equal(db.name, 'db');
    db.table('anything'); // building a query does not connect either
    assert.equal(await counter.count(), 0, 'nothing connected before the first query');
    await db.select('SELECT 1 AS one');
    assert.equal(await counter.count(), 1, 'one session after the first query');
  });

  test('close() ends the sessions; the next query reconnects transparently', async () => {
    const db = DB.connection('db');
    const before = await db.selectOne<{ id: unknown }>(sessionId);
    await db.close();
    if (server) assert.equal(await eventually(counter.count, 0), 0, 'the server session is gone');
    const after = await db.selectOne<{ id: unknown }>(sessionId);
    if (server) assert.notEqual(after?.id, before?.id, 'a new server session');
    assert.equal(await counter.count(), 1);
    // close() twice, and on a connection that never connected, is harmless.
    await db.close();
    await db.close();
    assert.deepEqual(await db.select('SELECT 2 AS two'), [{ two: 2 }]);
  });

  test('DB.configure replaces the configuration and closes the old connections', async () => {
    const old = DB.connection('db');
    await old.select('SELECT 1 AS one');
    assert.equal(await counter.count(), 1);

    await DB.configure({ default: 'db', connections: { db: other.options } });
    if (server) assert.equal(await eventually(counter.count, 0), 0, "the old configuration's sessions were closed");
    const fresh = DB.connection('db');
    assert.notEqual(fresh, old, 'a new Connection object for the new configuration');
    assert.equal(await otherCounter.count(), 0, 'and it is lazy too');
    await fresh.statement('CREATE TABLE marker (id INT)');
    assert.equal(await otherCounter.count(), 1);
    // The new object talks to the new database: the old one has no such table.
    await DB.configure({ default: 'db', connections: { db: database.options } });
    await assert.rejects(DB.connection('db').select('SELECT * FROM marker'));
    await DB.disconnect();
  });

  test('DB.disconnect() closes every connection; queries afterwards reconnect', async () => {
    await DB.configure({ default: 'db', connections: { db: database.options, second: database.options } });
    await DB.connection('db').select('SELECT 1 AS one');
    await DB.connection('second').select('SELECT 1 AS one');
    if (server) assert.equal(await counter.count(), 2);
    await DB.disconnect();
    if (server) assert.equal(await eventually(counter.count, 0), 0);
    assert.deepEqual(await DB.connection('db').select('SELECT 3 AS three'), [{ three: 3 }]);
    await DB.disconnect();
  });
});

describe('process exit', () => {
  test('after queries on every engine and DB.disconnect(), the process exits on its own', async (t) => {
    const running = engines.filter((e) => e.skipReason === undefined);
    const skipped = engines.filter((e) => e.skipReason !== undefined).map((e) => e.name);
    if (skipped.length > 0) t.diagnostic(`engines not reachable, left out: ${skipped.join(', ')}`);
    const databases = await Promise.all(running.map((e) => e.createDatabase()));
    const project = mkdtempSync(join(tmpdir(), 'sodb-exit-'));
    try {
      const connections: Record<string, ConnectionOptions> = {};
      running.forEach((e, i) => {
        connections[e.name] = { ...databases[i].options, pool: { max: 3 } };
      });
      writeFileSync(
        join(project, 'main.mts'),
        `import { DB } from ${JSON.stringify(pathToFileURL(join(root, 'src/index.ts')).href)};
await DB.configure({ connections: ${JSON.stringify(connections)} });
const out = {};
for (const name of ${JSON.stringify(running.map((e) => e.name))}) {
  const db = DB.connection(name);
  await db.statement('CREATE TABLE t (v INT)');
  await db.transaction(async () => { await db.insert('INSERT INTO t (v) VALUES (?)', [1]); });
  await Promise.all([1, 2, 3, 4, 5].map((v) => db.insert('INSERT INTO t (v) VALUES (?)', [v])));
  await db.close();
  out[name] = await db.table('t').count();
}
console.log(JSON.stringify(out));
await DB.disconnect();
`,
      );
      const child = spawnSync(
        process.execPath,
        ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, 'main.mts'],
        { cwd: project, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' },
      );
      assert.equal(child.signal, null, `the process did not exit on its own (killed after 20 s); stderr: ${child.stderr}`);
      assert.equal(child.status, 0, child.stderr);
      const expected = Object.fromEntries(running.map((e) => [e.name, 6]));
      assert.deepEqual(JSON.parse(child.stdout.trim()), expected);
    } finally {
      rmSync(project, { recursive: true, force: true });
      await Promise.all(databases.map((d) => d.drop()));
    }
  });
});
