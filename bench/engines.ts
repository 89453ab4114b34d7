/**
 * Where each engine's bench data lives, how to reach its server, and a small
 * admin client (raw driver, loaded on demand) for creating, seeding and
 * dropping the two bench databases of an engine.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineId } from './options.js';

export type Row = Record<string, unknown>;

export interface EngineTarget {
  id: EngineId;
  /** Human name: `SQLite`, `MariaDB/MySQL`, `PostgreSQL`. */
  label: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** The database with users, orders and new_orders (SQLite: a file path). */
  main: string;
  /** The second database (users only), for W5 and 2PC across connections. */
  other: string;
}

const env = process.env;
const MYSQL = {
  host: env.SO_DB_BENCH_MYSQL_HOST ?? '127.0.0.1',
  port: Number(env.SO_DB_BENCH_MYSQL_PORT ?? 3306),
  user: env.SO_DB_BENCH_MYSQL_USER ?? 'root',
  password: env.SO_DB_BENCH_MYSQL_PASSWORD ?? '',
};
const PGSQL = {
  host: env.SO_DB_BENCH_PG_HOST ?? '127.0.0.1',
  port: Number(env.SO_DB_BENCH_PG_PORT ?? 5432),
  user: env.SO_DB_BENCH_PG_USER ?? 'postgres',
  password: env.SO_DB_BENCH_PG_PASSWORD ?? '',
};

/** Folder of the SQLite bench files. */
export const SQLITE_DIR = join(tmpdir(), 'sodb-bench');

export function engineTarget(id: EngineId, prefix: string): EngineTarget {
  if (id === 'sqlite') {
    return {
      id,
      label: 'SQLite',
      host: '',
      port: 0,
      user: '',
      password: '',
      main: join(SQLITE_DIR, `${prefix}_main.sqlite`),
      other: join(SQLITE_DIR, `${prefix}_other.sqlite`),
    };
  }
  const server = id === 'mysql' ? MYSQL : PGSQL;
  return { id, label: id === 'mysql' ? 'MariaDB/MySQL' : 'PostgreSQL', ...server, main: `${prefix}_main`, other: `${prefix}_other` };
}

/** Why the engine cannot run (server not listening), or undefined. */
export async function unreachable(target: EngineTarget): Promise<string | undefined> {
  if (target.id === 'sqlite') return undefined;
  const up = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: target.host, port: target.port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  return up ? undefined : `${target.label} not reachable at ${target.host}:${target.port}`;
}

/** A raw-driver client for set-up work; `?` placeholders on every engine. */
export interface AdminClient {
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  rows(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** `?` to `$n` (set-up SQL never has `?` inside strings). */
function dollars(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A client on `database` (undefined: the server's admin database). */
export async function adminClient(target: EngineTarget, database?: string): Promise<AdminClient> {
  if (target.id === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    mkdirSync(SQLITE_DIR, { recursive: true });
    const db = new Database(database ?? ':memory:');
    return {
      run: async (sql, params = []) => {
        db.prepare(sql).run(...(params as unknown[]));
      },
      rows: async (sql, params = []) => db.prepare(sql).all(...(params as unknown[])) as Row[],
      close: async () => {
        db.close();
      },
    };
  }
  if (target.id === 'mysql') {
    const mysql = (await import('mysql2/promise')).default;
    const conn = await mysql.createConnection({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database,
      charset: 'UTF8MB4_UNICODE_CI',
    });
    return {
      run: async (sql, params = []) => {
        await conn.query(sql, params as unknown[]);
      },
      rows: async (sql, params = []) => (await conn.query(sql, params as unknown[]))[0] as Row[],
      close: () => conn.end(),
    };
  }
  const postgres = (await import('postgres')).default;
  const sql = postgres({
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database: database ?? 'postgres',
    max: 1,
    onnotice: () => {},
  });
  return {
    run: async (text, params = []) => {
      await sql.unsafe(dollars(text), params as never[]);
    },
    rows: async (text, params = []) => [...(await sql.unsafe(dollars(text), params as never[]))] as Row[],
    close: () => sql.end({ timeout: 1 }),
  };
}

/** Server version string, for the report. */
export async function serverVersion(target: EngineTarget): Promise<string> {
  const client = await adminClient(target);
  try {
    const sql = target.id === 'sqlite' ? 'SELECT sqlite_version() AS v' : 'SELECT version() AS v';
    const [row] = await client.rows(sql);
    const version = String(row?.v ?? '?');
    // PostgreSQL's version() is a sentence; its first two words are enough.
    return target.id === 'pgsql' ? version.split(' ').slice(0, 2).join(' ') : version;
  } finally {
    await client.close();
  }
}

/** Creates the two databases empty (dropping old ones first). */
export async function createDatabases(target: EngineTarget): Promise<void> {
  await dropDatabases(target);
  if (target.id === 'sqlite') return; // better-sqlite3 creates the file on open
  const admin = await adminClient(target);
  try {
    for (const name of [target.main, target.other]) {
      if (target.id === 'mysql') await admin.run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      else await admin.run(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await admin.close();
  }
}

export async function dropDatabases(target: EngineTarget): Promise<void> {
  if (target.id === 'sqlite') {
    for (const file of [target.main, target.other]) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
    }
    return;
  }
  const admin = await adminClient(target);
  try {
    for (const name of [target.main, target.other]) {
      if (target.id === 'mysql') await admin.run(`DROP DATABASE IF EXISTS \`${name}\``);
      else await admin.run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await admin.close();
  }
}

/** True when both databases exist (SQLite: both files). */
export async function databasesExist(target: EngineTarget): Promise<boolean> {
  if (target.id === 'sqlite') {
    const { existsSync } = await import('node:fs');
    return existsSync(target.main) && existsSync(target.other);
  }
  const admin = await adminClient(target);
  try {
    const sql =
      target.id === 'mysql'
        ? 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?)'
        : 'SELECT datname AS name FROM pg_database WHERE datname IN (?, ?)';
    return (await admin.rows(sql, [target.main, target.other])).length === 2;
  } finally {
    await admin.close();
  }
}
