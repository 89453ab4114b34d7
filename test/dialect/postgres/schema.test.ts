import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DB } from '../../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../../support/engines.js';

describeEachEngine(
  'PostgreSQL schema and types',
  (engine) => {
    let database: ThrowawayDatabase;
    let app: Connection;
    let spaced: Connection;
    let plain: Connection;

    before(async () => {
      database = await engine.createDatabase();
      await DB.configure({
        default: 'plain',
        connections: {
          plain: database.options,
          app: { ...database.options, schema: 'app' },
          // A name that needs quoting: mixed case and a space.
          spaced: { ...database.options, schema: 'Legacy Data' },
        },
      });
      plain = DB.connection('plain');
      app = DB.connection('app');
      spaced = DB.connection('spaced');
      await plain.statement('CREATE SCHEMA app');
      await plain.statement('CREATE SCHEMA "Legacy Data"');
      for (const schema of ['public', 'app', '"Legacy Data"']) {
        await plain.statement(`CREATE TABLE ${schema}.things (id BIGSERIAL PRIMARY KEY, owner TEXT)`);
        await plain.insert(`INSERT INTO ${schema}.things (owner) VALUES (?)`, [schema.replaceAll('"', '')]);
      }
    });

    after(async () => {
      await DB.disconnect();
      await database.drop();
    });

    test('schema puts the schema first on the search path: unqualified names find its tables', async () => {
      assert.deepEqual(await app.selectOne('SELECT current_schema() AS schema'), { schema: 'app' });
      assert.deepEqual(await app.select('SELECT owner FROM things'), [{ owner: 'app' }]);
      assert.deepEqual(await app.table('things').pluck('owner'), ['app']);
      assert.deepEqual(await spaced.select('SELECT owner FROM things'), [{ owner: 'Legacy Data' }]);
      assert.deepEqual(await plain.select('SELECT owner FROM things'), [{ owner: 'public' }]);
    });

    test('writes and DDL without a schema name land in the schema', async () => {
      const inserted = await app.insert('INSERT INTO things (owner) VALUES (?) RETURNING id', ['app again']);
      assert.equal(inserted.affectedRows, 1);
      assert.equal(inserted.insertId, 2, 'insert() with RETURNING reports the key');
      assert.equal(await app.table('things').insertGetId({ owner: 'builder' }), 3);
      await app.statement('CREATE TABLE made_here (id INT)');
      assert.deepEqual(
        await plain.select("SELECT table_schema FROM information_schema.tables WHERE table_name = 'made_here'"),
        [{ table_schema: 'app' }],
      );
      assert.deepEqual(await plain.select('SELECT owner FROM app.things ORDER BY id'), [
        { owner: 'app' },
        { owner: 'app again' },
        { owner: 'builder' },
      ]);
      assert.deepEqual(await plain.select('SELECT owner FROM public.things'), [{ owner: 'public' }]);
    });

    test('every pooled session and transaction uses the schema', async () => {
      const owners = await Promise.all(Array.from({ length: 8 }, () => app.selectOne<{ owner: string }>('SELECT owner FROM things WHERE id = 1')));
      assert.deepEqual(new Set(owners.map((row) => row?.owner)), new Set(['app']));
      await app.transaction(async () => {
        assert.deepEqual(await app.selectOne('SELECT current_schema() AS schema'), { schema: 'app' });
      });
    });

    test('int8 (COUNT, BIGSERIAL) reads as a number while exact, else as a string', async () => {
      const counted = await app.selectOne('SELECT COUNT(*) AS n, MAX(id) AS top FROM things');
      assert.deepEqual(counted, { n: 3, top: 3 });
      assert.equal(await app.table('things').count(), 3);
      assert.deepEqual(await app.selectOne('SELECT 9007199254740993::int8 AS big, (-5)::int8 AS neg'), {
        big: '9007199254740993',
        neg: -5,
      });
      // And back: an int8 parameter accepts a bigint and a string beyond 2^53.
      assert.deepEqual(await app.selectOne('SELECT ?::int8 + 1 AS next', [9007199254740993n]), { next: '9007199254740994' });
      assert.deepEqual(await app.selectOne('SELECT ?::int8 AS same', ['9007199254740993']), { same: '9007199254740993' });
    });
  },
  ['postgres'],
);
