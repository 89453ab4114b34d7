import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachEngine } from '../support/engines.js';
import { TypedProject } from './typed-project.js';

describeEachEngine('conn.table() typed by so-db types', (engine) => {
  let typed: TypedProject;

  before(async () => {
    typed = await TypedProject.create(engine);
  });

  after(async () => {
    await typed?.cleanup();
  });

  test('the generated file registers its databases with so-database', () => {
    assert.match(typed.types, /^declare module 'so-database' \{\n {2}interface Register \{\n {4}databases: Databases;\n {4}defaultConnection: 'shop';\n {2}\}\n\}$/m);
  });

  test('the default connection is registered only when its types are in the file', async () => {
    const archive = await typed.project.run(['types', '--connection', 'archive']);
    assert.equal(archive.code, 0, archive.stderr);
    assert.match(archive.stdout, /^ {2}interface Register \{\n {4}databases: Databases;\n {2}\}$/m);
    assert.doesNotMatch(archive.stdout, /defaultConnection/);
  });

  test('unknown connections, tables, columns and values of the wrong type do not compile; typed code, DB.table and subqueries compile and read the rows', () => {
    const compiled = typed.compile('typed-query-builder.ts');
    assert.equal(compiled.code, 0, `${compiled.output}\n${typed.types}`);
    const result = typed.run<Record<string, unknown>>('typed-query-builder.ts');
    const total = (value: string) => (engine.name === 'sqlite' ? Number(value) : value);
    assert.deepEqual(result, {
      same: true,
      changed: 1,
      rows: [
        { id: 1, user_id: 1, total: total('12.50'), status: 'new', note: null },
        { id: 2, user_id: 1, total: total('3.25'), status: 'paid', note: 'thanks' },
      ],
      picked: { id: 1, amount: total('12.50'), status: 'new' },
      statuses: ['new', 'paid'],
      awaited: 1,
      email: null,
      names: ['Ada', 'Ada'],
      aliased: 1,
      inTransaction: 2,
      kysely: 'orders',
      viaDefault: 1,
      overFive: 1,
      subqueries: [1, 1, 1],
    });
  });

  test('an expected error that does not happen fails the compile: the checks can fail', () => {
    const source = "import { DB } from 'so-database';\n// @ts-expect-error\nDB.connection('shop').table('orders').where('status', 'new');\n";
    const compiled = typed.compile('loose.ts', source);
    assert.notEqual(compiled.code, 0);
    assert.match(compiled.output, /Unused '@ts-expect-error' directive/);
  });
});
