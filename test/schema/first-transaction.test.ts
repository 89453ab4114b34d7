import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/first-transaction.ts', import.meta.url));

// Node 20/22 track an AsyncLocalStorage only from its first run()/enterWith(): a transaction
// begun inside an awaited call as the first of the process used to leak into the caller.
// Only a fresh process shows it, hence the child. (SQLite: one session, so a caller outside
// the transaction would wait for it; the engines with several sessions show the difference.)
describeEachEngine(
  'the first transaction of a process',
  (engine) => {
    let database: ThrowawayDatabase;

    before(async () => {
      database = await engine.createDatabase();
    });

    after(async () => {
      await database.drop();
    });

    test('stays in the flow that holds it, not in its caller', () => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(database.options)], {
        encoding: 'utf8',
      });
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout), { seenByCaller: 0, callerInTransaction: false });
    });
  },
  ['mariadb', 'postgres'],
);
