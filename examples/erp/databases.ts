/**
 * Where the demo's four databases live. SQLite files by default (nothing to
 * install); `DEMO_DRIVER=mysql` or `pgsql` uses the local servers (databases
 * `sodb_demo_*`, created afresh on every run); `DEMO_DRIVER=mixed` spreads the
 * connections over all three engines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, DB, type DriverName, env } from './so-database.js';

export const CONNECTIONS = ['db', 'inventory', 'essentials', 'legacy'] as const;
export type ConnectionName = (typeof CONNECTIONS)[number];

export interface DemoDatabases {
  /** One line saying where the databases are. */
  description: string;
  drivers: Record<ConnectionName, DriverName>;
  options: Record<ConnectionName, ConnectionOptions>;
  /** Drops what `DEMO_CLEANUP=1` asks to drop, and removes the SQLite folder. */
  cleanup(): Promise<void>;
}

const MODES: Record<string, Record<ConnectionName, DriverName>> = {
  sqlite: { db: 'sqlite', inventory: 'sqlite', essentials: 'sqlite', legacy: 'sqlite' },
  mysql: { db: 'mysql', inventory: 'mysql', essentials: 'mysql', legacy: 'mysql' },
  pgsql: { db: 'pgsql', inventory: 'pgsql', essentials: 'pgsql', legacy: 'pgsql' },
  mixed: { db: 'mysql', inventory: 'sqlite', essentials: 'pgsql', legacy: 'mysql' },
};

const ENGINE_NAMES: Record<DriverName, string> = { sqlite: 'SQLite', mysql: 'MariaDB/MySQL', pgsql: 'PostgreSQL' };

function server(driver: 'mysql' | 'pgsql'): ConnectionOptions {
  if (driver === 'mysql') {
    return {
      driver,
      host: env('DEMO_MYSQL_HOST', '127.0.0.1'),
      port: env('DEMO_MYSQL_PORT', '3306'),
      username: env('DEMO_MYSQL_USER', 'root'),
      password: env('DEMO_MYSQL_PASSWORD', ''),
    };
  }
  return {
    driver,
    host: env('DEMO_PG_HOST', '127.0.0.1'),
    port: env('DEMO_PG_PORT', '5432'),
    username: env('DEMO_PG_USER', 'postgres'),
    password: env('DEMO_PG_PASSWORD', ''),
  };
}

/** Creates empty databases for the four connections (dropping those of an earlier run). */
export async function createDatabases(mode: string): Promise<DemoDatabases> {
  const drivers = MODES[mode];
  if (drivers === undefined) throw new Error(`DEMO_DRIVER must be one of ${Object.keys(MODES).join(', ')}; got "${mode}".`);
  const prefix = env('DEMO_DATABASE_PREFIX', 'sodb_demo_');
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`DEMO_DATABASE_PREFIX must be lower-case letters, digits and _: "${prefix}".`);
  const used = new Set(Object.values(drivers));
  const folder = used.has('sqlite') ? mkdtempSync(join(tmpdir(), 'sodb-erp-')) : undefined;

  // Database creation runs on each server's admin database, through so-database itself.
  const admin: Record<string, ConnectionOptions> = {};
  if (used.has('mysql')) admin.mysql = { ...server('mysql'), database: 'mysql' };
  if (used.has('pgsql')) admin.pgsql = { ...server('pgsql'), database: 'postgres' };
  if (Object.keys(admin).length > 0) await DB.configure({ connections: admin });

  const options = {} as Record<ConnectionName, ConnectionOptions>;
  const created: [DriverName, string][] = [];
  for (const name of CONNECTIONS) {
    const driver = drivers[name];
    const latin1 = name === 'legacy';
    if (driver === 'sqlite') {
      options[name] = { driver, database: join(folder as string, `${name}.sqlite`) };
      continue;
    }
    const database = `${prefix}${name}`;
    const adminDb = DB.connection(driver);
    if (driver === 'mysql') {
      await adminDb.statement(`DROP DATABASE IF EXISTS \`${database}\``);
      const charset = latin1 ? 'latin1 COLLATE latin1_swedish_ci' : 'utf8mb4 COLLATE utf8mb4_unicode_ci';
      await adminDb.statement(`CREATE DATABASE \`${database}\` CHARACTER SET ${charset}`);
      options[name] = latin1
        ? { ...server(driver), database, charset: 'latin1', collation: 'latin1_swedish_ci' }
        : { ...server(driver), database, charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' };
    } else {
      await adminDb.statement(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      const encoding = latin1 ? ` ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0` : '';
      await adminDb.statement(`CREATE DATABASE "${database}"${encoding}`);
      options[name] = { ...server(driver), database };
    }
    created.push([driver, database]);
  }
  await DB.disconnect();

  const engines = [...used].map((d) => ENGINE_NAMES[d]).join(' + ');
  const where = [
    folder !== undefined ? `SQLite files in ${folder} (removed at exit)` : '',
    created.length > 0 ? `server databases ${created.map(([, d]) => d).join(', ')}` : '',
  ].filter(Boolean);
  return {
    description: `${engines}: ${where.join('; ')}`,
    drivers,
    options,
    async cleanup() {
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      if (process.env.DEMO_CLEANUP !== '1' || created.length === 0) return;
      await DB.configure({ connections: admin });
      for (const [driver, database] of created) {
        const target = driver === 'mysql' ? `\`${database}\`` : `"${database}" WITH (FORCE)`;
        await DB.connection(driver).statement(`DROP DATABASE IF EXISTS ${target}`);
      }
      await DB.disconnect();
    },
  };
}
