/**
 * Streaming in a fresh process (started by stream-memory.ts, on plain `node` like rss-child.ts):
 *
 * - `--mode rss`: streams `--rows` rows of `bench_million` (1,000,000 at full size) through one
 *   reader and prints its peak RSS; `--reader empty` runs the same loop over as many made-up rows
 *   without a query, after loading and connecting the same library (the baseline).
 * - `--mode break`: on a pool of one session, `--repeat` times: read 10 rows of `orders`, leave
 *   the loop, then run `SELECT 1` on the same pool; prints the median time of that and of a plain `SELECT 1`.
 *
 * Readers: `raw` (better-sqlite3 iterate, postgres.js cursor, mysql2 stream), `sodb-cursor`
 * (`conn.cursor(sql)`), `sodb-lazy` (the builder's `cursor()`), each batching STREAM_BATCH rows.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { countRow, STREAM_BATCH, type Streamed } from './contender.js';
import { MILLION_VIEW } from './data.js';
import { engineTarget } from './engines.js';
import type { EngineId } from './options.js';

const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    reader: { type: 'string' },
    mode: { type: 'string' },
    prefix: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '20' },
  },
});
const engine = values.engine as EngineId;
const target = engineTarget(engine, String(values.prefix));
const rows = Number(values.rows);
const breakMode = values.mode === 'break';
const reader = String(values.reader);
const streamSql = breakMode ? 'SELECT * FROM orders' : `SELECT * FROM ${MILLION_VIEW} WHERE id < ${rows}`;

/** A reader: streams `streamSql` through `body` (which returns false to leave), and runs `SELECT 1`. */
interface Reader {
  stream(body: (row: unknown) => boolean): Promise<void>;
  ping(): Promise<unknown>;
  close(): Promise<void>;
}

async function rawReader(): Promise<Reader> {
  if (engine === 'sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(target.main);
    db.pragma('journal_mode = WAL');
    const statement = db.prepare(streamSql);
    const one = db.prepare('SELECT 1 AS one');
    return {
      stream: async (body) => {
        for (const row of statement.iterate()) if (!body(row)) break;
      },
      ping: async () => one.get(),
      close: async () => {
        db.close();
      },
    };
  }
  if (engine === 'pgsql') {
    const postgres = (await import('postgres')).default;
    const sql = postgres({ host: target.host, port: target.port, username: target.user, password: target.password, database: target.main, max: 1, onnotice: () => {} });
    return {
      stream: async (body) => {
        outer: for await (const batch of sql.unsafe(streamSql).cursor(STREAM_BATCH)) {
          for (const row of batch) if (!body(row)) break outer;
        }
      },
      ping: () => sql.unsafe('SELECT 1 AS one'),
      close: () => sql.end({ timeout: 1 }),
    };
  }
  const mysql = await import('mysql2');
  const pool = mysql.createPool({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.main, connectionLimit: 1 });
  const promisePool = pool.promise();
  return {
    // As mysql2's users stream: a pooled connection's query(...).stream(), released when the loop ends.
    stream: (body) =>
      new Promise<void>((resolve, reject) => {
        pool.getConnection(async (error, conn) => {
          if (error) return reject(error);
          try {
            for await (const row of conn.query(streamSql).stream({ highWaterMark: STREAM_BATCH })) if (!body(row)) break;
            resolve();
          } catch (e) {
            reject(e);
          } finally {
            conn.release();
          }
        });
      }),
    ping: () => promisePool.query('SELECT 1 AS one'),
    close: () => promisePool.end(),
  };
}

async function sodbReader(lazy: boolean): Promise<Reader> {
  const { DB } = await import('../src/index.js');
  const connection =
    engine === 'sqlite'
      ? { driver: 'sqlite' as const, database: target.main }
      : { driver: engine, host: target.host, port: target.port, username: target.user, password: target.password, database: target.main, pool: { max: 1 } };
  await DB.configure({ default: 'main', connections: { main: connection } });
  const main = DB.connection('main');
  const builder = breakMode ? () => main.table('orders') : () => main.table(MILLION_VIEW).where('id', '<', rows);
  return {
    stream: async (body) => {
      const source = lazy ? builder().cursor() : main.cursor(streamSql, [], { batchSize: STREAM_BATCH });
      for await (const row of source) if (!body(row)) break;
    },
    ping: () => main.selectOne('SELECT 1 AS one'),
    close: () => DB.disconnect(),
  };
}

function peakRssKiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const base = reader === 'empty-raw' || reader === 'raw' ? 'raw' : 'sodb';
const opened = base === 'raw' ? await rawReader() : await sodbReader(reader === 'sodb-lazy');
try {
  await opened.ping(); // connected, as the streaming readers are
  if (breakMode) {
    const breakMs: number[] = [];
    const pingMs: number[] = [];
    for (let k = 0; k < Number(values.repeat); k++) {
      let seen = 0;
      const began = performance.now();
      await opened.stream(() => ++seen < 10);
      await opened.ping();
      breakMs.push(performance.now() - began);
      const pinged = performance.now();
      await opened.ping();
      pingMs.push(performance.now() - pinged);
    }
    process.stdout.write(`${JSON.stringify({ breakMs: median(breakMs), pingMs: median(pingMs) })}\n`);
  } else {
    const streamed: Streamed = { rows: 0, total: 0 };
    const began = performance.now();
    if (reader.startsWith('empty')) {
      for (let i = 0; i < rows; i++) countRow(streamed, { id: i, total: i % 10, label: 'a generated row' });
    } else {
      await opened.stream((row) => {
        countRow(streamed, row);
        return true;
      });
    }
    if (streamed.rows !== rows) throw new Error(`${reader} read ${streamed.rows} rows, expected ${rows}`);
    process.stdout.write(`${JSON.stringify({ rows: streamed.rows, ms: performance.now() - began, maxRssKiB: peakRssKiB() })}\n`);
  }
} finally {
  await opened.close();
}
