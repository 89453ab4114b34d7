import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ConnectionOptions } from '../../src/config/types.js';
import { describeEachEngine, MYSQL, type ThrowawayDatabase } from '../support/engines.js';
import { ensureBuilt, TempProject } from './cli-harness.js';

/** Characters that break naive URL and shell handling; it must never be printed. */
const PASSWORD = 'Pw:@/#?&%+ "x\'y';

interface StatusJson {
  ok: boolean;
  connections: {
    name: string;
    driver: string;
    default: boolean;
    readOnly: boolean;
    servers: {
      role: 'write' | 'read' | null;
      target: string;
      status: 'up' | 'down' | 'new';
      reachable: boolean;
      error?: string;
      version?: string;
      latencyMs?: number;
    }[];
  }[];
}

describeEachEngine('so-db status', (engine) => {
  let database: ThrowawayDatabase;
  let project: TempProject;
  let main: ConnectionOptions;
  let dropUser = async () => {};

  before(async () => {
    ensureBuilt();
    database = await engine.createDatabase();
    main = { ...database.options };
    if (engine.driver === 'mysql') {
      // A login whose password needs escaping everywhere.
      const user = `sodb_${randomBytes(4).toString('hex')}`;
      const mysql = (await import('mysql2/promise')).default;
      const admin = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
      await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', PASSWORD]);
      await admin.query(`GRANT ALL ON \`${database.database}\`.* TO ?@?`, [user, '%']);
      await admin.end();
      main = { ...main, username: user, password: PASSWORD };
      dropUser = async () => {
        const again = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
        await again.query('DROP USER IF EXISTS ?@?', [user, '%']);
        await again.end();
      };
    } else if (engine.driver === 'sqlite') {
      writeFileSync(database.database, ''); // an empty file is an empty database; status never creates one
    } else if (engine.driver === 'pgsql') {
      main = { ...main, password: PASSWORD }; // the local server trusts the login, so any password connects
    }
    project = new TempProject({
      default: 'main',
      connections: {
        main,
        legacy: { ...main, readOnly: true },
        // Nothing listens on port 1: refused at once.
        down: { driver: 'mysql', url: `mysql://app:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/shop` },
        ...(engine.driver === 'sqlite'
          ? {}
          : { split: { ...main, write: {}, read: [{ port: 1 }, {}] } as ConnectionOptions }),
      },
    });
  });

  after(async () => {
    project?.cleanup();
    await dropUser();
    await database?.drop();
  });

  test('lists every connection, says which is down and why, and exits 1', async () => {
    const { code, value, stderr } = await project.json<StatusJson>(['status']);
    assert.equal(code, 1, stderr);
    assert.equal(value.ok, false);
    const byName = new Map(value.connections.map((c) => [c.name, c]));
    const expected = engine.driver === 'sqlite' ? ['main', 'legacy', 'down'] : ['main', 'legacy', 'down', 'split'];
    assert.deepEqual(value.connections.map((c) => c.name), expected);

    const up = byName.get('main')!;
    assert.equal(up.driver, engine.driver);
    assert.equal(up.default, true);
    assert.equal(up.readOnly, false);
    assert.equal(up.servers.length, 1);
    assert.equal(up.servers[0].role, null);
    assert.equal(up.servers[0].reachable, true, up.servers[0].error);
    assert.equal(up.servers[0].status, 'up');
    assert.match(up.servers[0].version ?? '', /\d+\.\d+/);
    assert.equal(typeof up.servers[0].latencyMs, 'number');
    assert.ok(up.servers[0].target.includes(engine.driver === 'sqlite' ? '.sqlite' : `/${database.database}`));

    assert.equal(byName.get('legacy')!.readOnly, true);
    assert.equal(byName.get('legacy')!.servers[0].reachable, true);

    const down = byName.get('down')!.servers[0];
    assert.equal(down.reachable, false);
    assert.equal(down.status, 'down');
    assert.equal(down.target, '127.0.0.1:1/shop');
    assert.match(down.error ?? '', /ECONNREFUSED/);
    assert.match(down.error ?? '', /connection \[down\]/);

    if (engine.driver !== 'sqlite') {
      const split = byName.get('split')!.servers;
      assert.deepEqual(split.map((s) => [s.role, s.reachable]), [
        ['write', true],
        ['read', false],
        ['read', true],
      ]);
    }
  });

  test('the table names every connection and prints no password', async () => {
    const result = await project.run(['status']);
    assert.equal(result.code, 1);
    const text = result.stdout + result.stderr;
    for (const name of ['main', 'legacy', 'down']) assert.match(result.stdout, new RegExp(`│ ${name}\\b`));
    assert.match(result.stdout, /DOWN/);
    assert.match(result.stdout, /main \(default\)/);
    assert.match(result.stdout, /down: SQLSTATE\[HY000\] \[2002\]/);
    for (const shown of [PASSWORD, encodeURIComponent(PASSWORD), 'Pw:@']) {
      assert.ok(!text.includes(shown), `output contains the password (${shown})`);
    }
    const json = await project.run(['status', '--json']);
    assert.ok(!(json.stdout + json.stderr).includes('Pw:@'), 'JSON contains the password');
    assert.ok(!json.stdout.includes('"password"'));
  });

  test('exits 0 when every connection is reachable', async () => {
    project.writeConfig({ default: 'main', connections: { main } }, 'config/up.json');
    const { code, value } = await project.json<StatusJson>(['--config', 'config/up.json', 'status']);
    assert.equal(code, 0, JSON.stringify(value));
    assert.equal(value.ok, true);
    assert.deepEqual(value.connections.map((c) => c.name), ['main']);
  });
});

// Only SQLite opens (and so creates) a local file; the other engines have a server to reach.
describe('so-db status and a SQLite file that does not exist yet', () => {
  let project: TempProject;
  const suffix = randomBytes(4).toString('hex');
  const fresh = `storage/fresh_${suffix}.sqlite`;
  const unread = `storage/readonly_${suffix}.sqlite`;

  before(() => {
    ensureBuilt();
    project = new TempProject({
      default: 'fresh',
      connections: {
        fresh: { driver: 'sqlite', database: fresh },
        legacy: { driver: 'sqlite', database: unread, readOnly: true },
      },
    });
    mkdirSync(join(project.dir, 'storage'));
  });

  after(() => project?.cleanup());

  test('is new (created on first use), not down; exit 0; status does not create it', async () => {
    const { code, value, stderr } = await project.json<StatusJson>(['status']);
    assert.equal(code, 0, stderr);
    assert.equal(value.ok, true);
    for (const connection of value.connections) {
      const [server] = connection.servers;
      assert.equal(server.status, 'new', connection.name);
      assert.equal(server.reachable, true);
      assert.equal(server.error, undefined);
      assert.equal(server.version, undefined);
    }
    assert.deepEqual(value.connections.map((c) => c.servers[0].target), [fresh, unread]);

    const text = await project.run(['status']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /│ fresh \(default\) .*│ new /);
    assert.match(text.stdout, new RegExp(`^• fresh: ${fresh.replace('.', '\\.')} does not exist yet; the first query creates it\\.$`, 'm'));
    assert.doesNotMatch(text.stdout, /DOWN|✗/);
    assert.equal(existsSync(join(project.dir, fresh)), false, 'status created the file');
    assert.equal(existsSync(join(project.dir, unread)), false, 'status created the file');
  });

  test('after the first query it is up', async () => {
    const query = await project.run(['query', 'fresh', 'SELECT 1 AS one']);
    assert.equal(query.code, 0, query.stderr);
    assert.equal(existsSync(join(project.dir, fresh)), true);
    const { code, value } = await project.json<StatusJson>(['status']);
    assert.equal(code, 0);
    assert.deepEqual(value.connections.map((c) => [c.name, c.servers[0].status]), [
      ['fresh', 'up'],
      ['legacy', 'new'],
    ]);
    assert.match(value.connections[0].servers[0].version ?? '', /^3\./);
  });

  test('a file whose folder is missing cannot be created: down, exit 1', async () => {
    project.writeConfig({ connections: { lost: { driver: 'sqlite', database: `nowhere_${suffix}/app.sqlite` } } }, 'config/lost.json');
    const { code, value } = await project.json<StatusJson>(['--config', 'config/lost.json', 'status']);
    assert.equal(code, 1);
    assert.equal(value.ok, false);
    const [server] = value.connections[0].servers;
    assert.equal(server.status, 'down');
    assert.equal(server.reachable, false);
    assert.equal(server.error, `database file not found, and its folder nowhere_${suffix} does not exist`);
  });
});
