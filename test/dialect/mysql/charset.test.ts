import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ConfigurationError, type Connection, DB } from '../../../src/index.js';
import { describeEachEngine, MYSQL } from '../../support/engines.js';

/** MySQL's latin1 is Windows-1252: it has the euro sign (0x80), which ISO-8859-1 lacks. */
const CAFE = 'Café Müller';
const CAFE_HEX = '436166E9204DFC6C6C6572';
const AERO = 'Ærø €';
const AERO_HEX = 'C672F82080';

describeEachEngine(
  'latin1 legacy databases',
  () => {
    const name = `sodb_t_latin1_${randomBytes(4).toString('hex')}`;
    let legacy: Connection;
    let modern: Connection;
    // biome-ignore lint/suspicious/noExplicitAny: mysql2's promise connection, loaded at run time
    let admin: any;

    before(async () => {
      const mysql = (await import('mysql2/promise')).default;
      admin = await mysql.createConnection({ host: MYSQL.host, port: MYSQL.port, user: MYSQL.user, password: MYSQL.password });
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
      const server = { driver: 'mysql', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, password: MYSQL.password, database: name } as const;
      await DB.configure({
        connections: {
          legacy: { ...server, charset: 'latin1', collation: 'latin1_swedish_ci' },
          modern: { ...server, charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
        },
      });
      legacy = DB.connection('legacy');
      modern = DB.connection('modern');
      await legacy.statement(
        'CREATE TABLE customers (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(60)) CHARACTER SET latin1 COLLATE latin1_swedish_ci',
      );
    });

    after(async () => {
      await DB.disconnect();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    });

    test("the connection's charset and collation are applied", async () => {
      const row = await legacy.selectOne(
        "SELECT @@character_set_connection AS charset, @@collation_connection AS coll, CHARSET('é') AS literal, LENGTH('é') AS bytes",
      );
      assert.deepEqual(row, { charset: 'latin1', coll: 'latin1_swedish_ci', literal: 'latin1', bytes: 1 });
      // Swedish collation: Ü sorts and compares as Y; in Unicode collations it is a U.
      assert.deepEqual(await legacy.selectOne("SELECT 'Ü' = 'Y' AS same, 'Ü' = 'U' AS other"), { same: 1, other: 0 });
      assert.deepEqual(await modern.selectOne("SELECT 'Ü' = 'Y' AS same, 'Ü' = 'U' AS other"), { same: 0, other: 1 });
    });

    test('text round-trips exactly and is stored as latin1 bytes', async () => {
      const first = await legacy.insert('INSERT INTO customers (name) VALUES (?)', [CAFE]);
      assert.equal(first.affectedRows, 1);
      assert.equal(first.insertId, 1, 'insert() reports the AUTO_INCREMENT key');
      const second = await legacy.table('customers').insertGetId({ name: AERO });
      assert.equal(Number(second), 2);

      const rows = await legacy.select('SELECT id, name, HEX(name) AS hex FROM customers ORDER BY id');
      assert.deepEqual(rows, [
        { id: 1, name: CAFE, hex: CAFE_HEX },
        { id: 2, name: AERO, hex: AERO_HEX },
      ]);
      // Bound values compare as the same latin1 text on the server.
      assert.deepEqual(await legacy.table('customers').where('name', AERO).pluck('id'), [2]);
    });

    test('text written in the SQL itself (text protocol) round-trips too', async () => {
      await legacy.statement(`INSERT INTO customers (name) VALUES ('${AERO} ${CAFE}')`);
      const row = await legacy.selectOne<{ name: string; hex: string }>(
        `SELECT name, HEX(name) AS hex FROM customers WHERE name LIKE '%€%é%'`,
      );
      assert.equal(row?.name, `${AERO} ${CAFE}`);
      assert.equal(row?.hex, `${AERO_HEX}20${CAFE_HEX}`);
    });

    test('a utf8mb4 connection reads the same latin1 rows as the same strings', async () => {
      assert.deepEqual(await modern.table('customers').whereIn('id', [1, 2]).orderBy('id').pluck('name'), [CAFE, AERO]);
      await modern.insert('INSERT INTO customers (name) VALUES (?)', ['Øre €5']);
      const row = await legacy.selectOne('SELECT name, HEX(name) AS hex FROM customers WHERE name = ?', ['Øre €5']);
      assert.deepEqual(row, { name: 'Øre €5', hex: 'D87265208035' });
    });

    test('a charset that is not a name is refused, naming connection and key', async () => {
      await DB.configure({
        connections: { odd: { driver: 'mysql', host: MYSQL.host, port: MYSQL.port, username: MYSQL.user, password: MYSQL.password, charset: "latin1'; --" } },
      });
      await assert.rejects(DB.connection('odd').select('SELECT 1'), (error: unknown) => {
        assert.ok(error instanceof ConfigurationError, String(error));
        assert.equal(error.connection, 'odd');
        assert.equal(error.key, 'charset');
        return true;
      });
    });
  },
  ['mariadb'],
);
