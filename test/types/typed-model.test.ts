import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachEngine } from '../support/engines.js';
import { TypedProject } from './typed-project.js';

describeEachEngine('models typed by Model.for() and so-db types', (engine) => {
  let typed: TypedProject;

  before(async () => {
    typed = await TypedProject.create(engine);
  });

  after(async () => {
    await typed?.cleanup();
  });

  test('unknown columns, values, relations, scopes, casts and connections do not compile; typed models, scopes and subqueries compile and read the rows', () => {
    const compiled = typed.compile('typed-model.ts');
    assert.equal(compiled.code, 0, `${compiled.output}\n${typed.types}`);
    const result = typed.run<Record<string, unknown>>('typed-model.ts');
    const total = (value: string) => (engine.name === 'sqlite' ? Number(value) : value);
    assert.deepEqual(result, {
      userId: 1,
      changed: 1,
      orders: [
        [1, total('12.50'), 'new', null],
        [2, total('3.25'), 'paid', 'thanks'],
      ],
      priced: 12.5,
      statuses: ['new', 'paid'],
      loaded: [true, true],
      count: 2,
      having: 2,
      filled: 'draft',
      legacy: [2],
      onShop: 1,
      paid: [2],
      ofUser: 1,
      overFive: 1,
      inList: 2,
      subqueries: [1, 2, 1],
      incremented: 1,
      viaRelation: 1,
    });
  });
});
