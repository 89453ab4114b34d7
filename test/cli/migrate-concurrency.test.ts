import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DB } from '../../src/index.js';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { ensureBuilt, recordingMigration, TempProject } from './cli-harness.js';

describeEachEngine('two so-db migrate processes at once', (engine) => {
  let database: ThrowawayDatabase;
  let project: TempProject;

  before(async () => {
    ensureBuilt();
    database = await engine.createDatabase();
    const config = { default: 'main', connections: { main: database.options } };
    project = new TempProject(config);
    // Slow migrations widen the window in which a second process could start the same one.
    for (const table of ['alpha', 'beta', 'gamma']) {
      project.migration(`2025010100000${['alpha', 'beta', 'gamma'].indexOf(table)}_create_${table}.mjs`, recordingMigration(table, { delayMs: 300 }));
    }
    await DB.configure(config);
    await DB.connection('main').statement('CREATE TABLE migration_runs (name VARCHAR(50))');
  });

  after(async () => {
    await DB.disconnect();
    project?.cleanup();
    await database?.drop();
  });

  test('apply each migration exactly once, and both succeed', async () => {
    const [first, second] = await Promise.all([
      project.run(['migrate', '--connection', 'main']),
      project.run(['migrate', '--connection', 'main']),
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const runs = await DB.connection('main').select<{ name: string; n: number }>(
      'SELECT name, COUNT(*) AS n FROM migration_runs GROUP BY name ORDER BY name',
    );
    assert.deepEqual(
      runs.map((r) => [r.name, Number(r.n)]),
      [
        ['alpha', 1],
        ['beta', 1],
        ['gamma', 1],
      ],
    );
    const applied = await DB.connection('main').select<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    assert.equal(applied.length, 3);
    // One process applied all three; the other waited for the lock, then found nothing pending.
    const outputs = [first.stdout, second.stdout];
    assert.equal(outputs.filter((o) => /nothing to migrate/.test(o)).length, 1, outputs.join('\n---\n'));
    assert.equal(outputs.filter((o) => (o.match(/applied/g) ?? []).length === 3).length, 1, outputs.join('\n---\n'));
  });
});
