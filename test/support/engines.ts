/**
 * The engines every integration suite runs on: SQLite (always), MariaDB and
 * PostgreSQL on the local servers. Each suite gets throwaway databases that it
 * creates and drops. A server that cannot be reached skips its suites, unless
 * SO_DB_REQUIRE_SERVERS=1 (set by CI), where it fails them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { ConnectionOptions, DriverName } from '../../src/config/types.js';

export type EngineName = 'sqlite' | 'mariadb' | 'postgres';

export interface ThrowawayDatabase {
  /** Connection options for the new database (merge your own keys over them). */
  options: ConnectionOptions;
  /** The database's name (SQLite: its file). */
  database: string;
  drop(): Promise<void>;
}

export interface TestEngine {
  name: EngineName;
  driver: DriverName;
  /** Why the suites of this engine are skipped, or undefined when they run. */
  skipReason: string | undefined;
  createDatabase(): Promise<ThrowawayDatabase>;
  /** Options of the server's admin login, on its default database. */
  adminOptions(): ConnectionOptions;
}

export const MYSQL = { host: process.env.SO_DB_TEST_MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.SO_DB_TEST_MYSQL_PORT ?? 3306), user: process.env.SO_DB_TEST_MYSQL_USER ?? 'root', password: process.env.SO_DB_TEST_MYSQL_PASSWORD ?? '' };
export const POSTGRES = { host: process.env.SO_DB_TEST_PG_HOST ?? '127.0.0.1', port: Number(process.env.SO_DB_TEST_PG_PORT ?? 5432), user: process.env.SO_DB_TEST_PG_USER ?? 'postgres', password: process.env.SO_DB_TEST_PG_PASSWORD ?? '' };

const requireServers = process.env.SO_DB_REQUIRE_SERVERS === '1';

/** True when something accepts TCP connections at host:port within a second. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const [mysqlUp, postgresUp] = await Promise.all([reachable(MYSQL.host, MYSQL.port), reachable(POSTGRES.host, POSTGRES.port)]);

function uniqueName(): string {
  return `sodb_t_${randomBytes(5).toString('hex')}`;
}

const sqlite: TestEngine = {
  name: 'sqlite',
  driver: 'sqlite',
  skipReason: undefined,
  async createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), 'sodb-test-'));
    const file = join(dir, `${uniqueName()}.sqlite`);
    return {
      options: { driver: 'sqlite', database: file },
      database: file,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
  adminOptions: () => ({ driver: 'sqlite', database: ':memory:' }),
};

const mariadb: TestEngine = {
  name: 'mariadb',
  driver: 'mysql',
  skipReason: mysqlUp ? undefined : `MariaDB/MySQL not reachable at ${MYSQL.host}:${MYSQL.port}`,
  async createDatabase() {
    const mysql = (await import('mysql2/promise')).default;
    const admin = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
    const name = uniqueName();
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    return {
      options: { driver: 'mysql', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, password: MYSQL.password, database: name },
      database: name,
      drop: async () => {
        const again = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
        await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await again.end();
      },
    };
  },
  adminOptions: () => ({ driver: 'mysql', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, password: MYSQL.password, database: 'test' }),
};

const postgres: TestEngine = {
  name: 'postgres',
  driver: 'pgsql',
  skipReason: postgresUp ? undefined : `PostgreSQL not reachable at ${POSTGRES.host}:${POSTGRES.port}`,
  async createDatabase() {
    const pg = (await import('postgres')).default;
    const admin = pg({ host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user, password: POSTGRES.password, database: 'postgres', max: 1, onnotice: () => {} });
    const name = uniqueName();
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    await admin.end();
    return {
      options: { driver: 'pgsql', host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user, password: POSTGRES.password, database: name },
      database: name,
      drop: async () => {
        const again = pg({ host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user, password: POSTGRES.password, database: 'postgres', max: 1, onnotice: () => {} });
        await again.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await again.end();
      },
    };
  },
  adminOptions: () => ({ driver: 'pgsql', host: POSTGRES.host, port: POSTGRES.port, username: POSTGRES.user, password: POSTGRES.password, database: 'postgres' }),
};

export const engines: readonly TestEngine[] = [sqlite, mariadb, postgres];

export function engine(name: EngineName): TestEngine {
  return engines.find((e) => e.name === name) as TestEngine;
}

/**
 * `describe` once per engine. A skipped engine says why; with
 * SO_DB_REQUIRE_SERVERS=1 an unreachable server fails instead.
 */
export function describeEachEngine(title: string, body: (engine: TestEngine) => void, only?: readonly EngineName[]): void {
  for (const e of engines) {
    if (only !== undefined && !only.includes(e.name)) continue;
    const skip = e.skipReason !== undefined && !requireServers ? e.skipReason : false;
    describe(`${title} [${e.name}]`, { skip }, () => {
      if (e.skipReason !== undefined && requireServers) {
        throw new Error(`${e.skipReason} (SO_DB_REQUIRE_SERVERS=1: servers are required)`);
      }
      body(e);
    });
  }
}

/** DDL for an auto-increment key column on each engine. */
export function autoIncrement(driver: DriverName, column = 'id'): string {
  if (driver === 'mysql') return `${column} INT AUTO_INCREMENT PRIMARY KEY`;
  if (driver === 'pgsql') return `${column} SERIAL PRIMARY KEY`;
  return `${column} INTEGER PRIMARY KEY AUTOINCREMENT`;
}
