import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import mysql from 'mysql2';
import { MysqlSession, type ReadOnlyKeeping } from '../../../src/dialect/mysql/mysql-session.js';
import { describeEachEngine, MYSQL, type ThrowawayDatabase } from '../../support/engines.js';

/**
 * The session layer under a read-only MySQL/MariaDB connection, both ways it keeps the mode
 * through a stored function that lifts it: MariaDB's `SET STATEMENT` (what a MariaDB server
 * gets) and the re-assert that MySQL servers get (tried here on MariaDB, the server at hand).
 */
describeEachEngine(
  'MySQL read-only session keeps its mode',
  (engine) => {
    let database: ThrowawayDatabase;
    let admin: mysql.Connection;

    before(async () => {
      database = await engine.createDatabase();
      admin = mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password, database: database.database });
      const run = (sql: string) => new Promise<void>((resolve, reject) => admin.query(sql, (error) => (error ? reject(error) : resolve())));
      await run('CREATE TABLE t (id INT)');
      await run('INSERT INTO t VALUES (1)');
      await run("CREATE FUNCTION lift() RETURNS VARCHAR(10) NOT DETERMINISTIC BEGIN SET SESSION TRANSACTION READ WRITE; RETURN 'lifted'; END");
      await run('CREATE FUNCTION wipe() RETURNS INT NOT DETERMINISTIC MODIFIES SQL DATA BEGIN DELETE FROM t; RETURN ROW_COUNT(); END');
    });

    after(async () => {
      await new Promise((resolve) => admin.end(resolve));
      await database.drop();
    });

    for (const keeping of ['set-statement', 'reassert'] as ReadOnlyKeeping[]) {
      test(`${keeping}: after a read that lifted the mode, a write on the same session is refused`, async () => {
        const connection = mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password, database: database.database });
        const session = new MysqlSession(connection, () => {}, true, keeping);
        await session.connected;
        try {
          await session.exec('SET SESSION TRANSACTION READ ONLY', []);
          assert.deepEqual(await session.all('SELECT lift() AS r', []), [{ r: 'lifted' }]);
          await assert.rejects(session.all('SELECT wipe() AS n', []), /READ ONLY transaction/);
          assert.deepEqual(await session.all('SELECT @@session.tx_read_only AS mode', []), [{ mode: 1 }]);
          assert.equal(session.broken, false);
        } finally {
          await session.close();
        }
        const rows = await new Promise<unknown>((resolve, reject) => admin.query('SELECT id FROM t', (e, r) => (e ? reject(e) : resolve(r))));
        assert.deepEqual(rows, [{ id: 1 }]);
      });
    }
  },
  ['mariadb'],
);
