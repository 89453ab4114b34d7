/** so-database configured for the bench: `main`, `other` (W5, 2PC) and `split` (W7, replica = the same server). */
import type { ConnectionOptions } from '../../src/index.js';
import type { EngineTarget } from '../engines.js';

/** The library's public API: ours from src/, or a patched copy (see alt.ts). */
export type Library = typeof import('../../src/index.js');

/** What each copy of the library was last configured for. */
const configured = new WeakMap<Library, string>();

function serverOptions(target: EngineTarget, database: string, poolSize: number): ConnectionOptions {
  if (target.id === 'sqlite') return { driver: 'sqlite', database };
  return {
    driver: target.id,
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database,
    pool: { max: poolSize },
  };
}

/** Configures the three connections once per engine (every level of ours shares them). */
export async function configureSodb(lib: Library, target: EngineTarget, poolSize: number): Promise<void> {
  const key = `${target.id}:${target.main}:${poolSize}`;
  if (configured.get(lib) === key) return;
  const split: ConnectionOptions =
    target.id === 'sqlite'
      ? { driver: 'sqlite', database: target.main, write: { database: target.main }, read: [{ database: target.main }] }
      : {
          ...serverOptions(target, target.main, poolSize),
          write: { host: target.host },
          read: [{ host: target.host }],
        };
  await lib.DB.configure({
    default: 'main',
    connections: {
      main: serverOptions(target, target.main, poolSize),
      other: serverOptions(target, target.other, poolSize),
      split,
    },
    transactions: { prefix: 'sodb_bench' },
  });
  configured.set(lib, key);
}

/** The SQL of our raw level: as the raw drivers take it, with RETURNING where the engine reports keys that way. */
export function insertSql(target: EngineTarget, sql: string): string {
  return target.id === 'pgsql' ? `${sql} RETURNING id` : sql;
}
