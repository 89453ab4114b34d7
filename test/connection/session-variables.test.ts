import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConfigurationError, type Connection, DB } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** `variables` on a connection: set on every new session, read back from two sessions at once. */
describeEachEngine(
  'session variables',
  (engine) => {
    let database: ThrowawayDatabase;
    let db: Connection;
    const mysql = engine.driver === 'mysql';
    // A text with a quote and a backslash, a number and a boolean on each engine.
    const variables: Record<string, string | number | boolean> = mysql
      ? { sql_mode: 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES', max_join_size: 123456, sql_quote_show_create: false, lc_time_names: 'de_DE' }
      : { 'app.tenant': "O'Brien\\1", work_mem: '8MB', enable_seqscan: false };
    const readBack = mysql
      ? 'SELECT @@SESSION.sql_mode AS a, @@SESSION.max_join_size AS b, @@SESSION.sql_quote_show_create AS c, @@SESSION.lc_time_names AS d'
      : "SELECT current_setting('app.tenant') AS a, current_setting('work_mem') AS b, current_setting('enable_seqscan') AS c";
    const expected = mysql
      ? { a: 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES', b: 123456, c: 0, d: 'de_DE' }
      : { a: "O'Brien\\1", b: '8MB', c: 'off' };

    before(async () => {
      database = await engine.createDatabase();
      await DB.configure({ connections: { db: { ...database.options, variables, pool: { max: 2 } } } });
      db = DB.connection('db');
    });

    after(async () => {
      await DB.disconnect();
      await database.drop();
    });

    test('every new session has them (two sessions at once, and one inside a transaction)', async () => {
      const normalise = (row: Record<string, unknown> | null) =>
        row === null ? null : Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' || k === 'b' && mysql ? Number(v) : v]));
      let inTransaction: Record<string, unknown> | null = null;
      let outside: Record<string, unknown> | null = null;
      const sessionId = mysql ? 'SELECT CONNECTION_ID() AS id' : 'SELECT pg_backend_pid() AS id';
      const ids: unknown[] = [];
      // The transaction holds one session while the other read needs a second one.
      await db.transaction(async () => {
        inTransaction = await db.selectOne(readBack);
        ids.push((await db.selectOne(sessionId))?.id);
        await db.transactions.runOutside(async () => {
          outside = await db.selectOne(readBack);
          ids.push((await db.selectOne(sessionId))?.id);
        });
      });
      assert.notEqual(ids[0], ids[1], 'two sessions');
      assert.deepEqual(normalise(inTransaction), expected);
      assert.deepEqual(normalise(outside), expected);
    });

    test('names must be identifiers and values scalars; the errors name the connection and the key', async () => {
      const refused = async (value: Record<string, unknown>, key: RegExp) => {
        const error = await Promise.resolve()
          .then(() => DB.configure({ connections: { bad: { ...database.options, variables: value } } } as never))
          .then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(error instanceof ConfigurationError, String(error));
        assert.match(error.message, /Connection \[bad\]/);
        assert.match(error.message, key);
        assert.doesNotMatch(error.message, /s3cret/);
      };
      await refused({ 'x = 1; DROP TABLE t; --': 1 }, /key "variables".*is not an identifier|is not an identifier.*key "variables"/s);
      await refused({ work_mem: { nested: 's3cret' } }, /key "variables\.work_mem"/);
      await refused({ work_mem: null }, /key "variables\.work_mem"/);
      await DB.configure({ connections: { db: { ...database.options, variables, pool: { max: 2 } } } });
      db = DB.connection('db');
    });
  },
  ['mariadb', 'postgres'],
);

describeEachEngine(
  'session variables',
  (engine) => {
    test('are refused with a ConfigurationError (SQLite has none; PRAGMA statements are its settings)', async () => {
      const database = await engine.createDatabase();
      try {
        await assert.rejects(
          async () => DB.configure({ connections: { local: { ...database.options, variables: { cache_size: 100 } } } }),
          (error: unknown) =>
            error instanceof ConfigurationError && /Connection \[local\]/.test(error.message) && /key "variables"/.test(error.message),
        );
      } finally {
        await DB.disconnect();
        await database.drop();
      }
    });
  },
  ['sqlite'],
);
