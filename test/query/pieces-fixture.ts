/**
 * 2,500 numbered rows on one connection, for the suites of reading in pieces (chunk, lazy,
 * cursor, paginate): `items (id, grp, name)`, ids 1..2500, `grp` = id % 7, `name` = 'item <id>'.
 * `groups (id, label)`: ids 0..6, `label` = 'group <id>'. Connections on the same database: `db` (pool of 3),
 * `single` (a pool of one session, short acquire timeout), `other` and `reader` (for models of another
 * connection, and a model's `readConnection`).
 */
import { after, before } from 'node:test';
import { type Connection, DB } from '../../src/index.js';
import { autoIncrement, type TestEngine, type ThrowawayDatabase } from '../support/engines.js';

export const ITEMS = 2500;

export interface Pieces {
  readonly db: Connection;
  readonly single: Connection;
  readonly engine: TestEngine;
  /** The database's name (SQLite: its file). */
  readonly database: string;
  /** Deletes rows past id 2500 and sets every row back to its first values. */
  reset(): Promise<void>;
}

export function usePieces(engine: TestEngine): Pieces {
  let database: ThrowawayDatabase;
  const pieces = { engine } as { db: Connection; single: Connection; engine: TestEngine; database: string; reset(): Promise<void> };
  before(async () => {
    database = await engine.createDatabase();
    pieces.database = database.database;
    await DB.configure({
      default: 'db',
      connections: {
        db: { ...database.options, pool: { max: 3 } },
        single: { ...database.options, pool: { max: 1, acquireTimeoutMs: 400 } },
        other: database.options,
        reader: database.options,
      },
    });
    pieces.db = DB.connection('db');
    pieces.single = DB.connection('single');
    await pieces.db.statement(`CREATE TABLE items (${autoIncrement(engine.driver)}, grp INT NOT NULL, name VARCHAR(40) NOT NULL)`);
    const rows = Array.from({ length: ITEMS }, (_, i) => ({ grp: (i + 1) % 7, name: `item ${i + 1}` }));
    await pieces.db.table('items').insert(rows);
    await pieces.db.statement('CREATE TABLE groups (id INT PRIMARY KEY, label VARCHAR(20) NOT NULL)');
    await pieces.db.table('groups').insert(range(0, 6).map((id) => ({ id, label: `group ${id}` })));
    pieces.reset = async () => {
      await pieces.db.table('items').where('id', '>', ITEMS).delete();
      await pieces.db.statement(`UPDATE items SET grp = ${engine.driver === 'mysql' ? 'MOD(id, 7)' : 'id % 7'}, name = ${engine.driver === 'mysql' ? "CONCAT('item ', id)" : "'item ' || id"}`);
    };
  });
  after(async () => {
    await DB.disconnect();
    await database.drop();
  });
  return pieces;
}

/** Every item of an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** `[from, from + 1, ..., to]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
