import assert from 'node:assert/strict';
import { DB, DatabaseError, QueryError } from '../../src/index.js';

/**
 * `call` (a builder call and its terminal) fails with a QueryError from connection `db`
 * whose message starts with `Connection [db]: method() `, and nothing is sent.
 */
export async function refused(method: string, call: () => unknown, says?: RegExp): Promise<void> {
  const sent: string[] = [];
  const stop = DB.listen((event) => sent.push(event.sql));
  try {
    await assert.rejects(
      async () => call(),
      (error: unknown) => {
        assert.ok(error instanceof QueryError, `QueryError from ${method}(), got ${String(error)}`);
        assert.ok(error instanceof DatabaseError);
        assert.equal(error.connection, 'db');
        assert.ok(error.message.startsWith(`Connection [db]: ${method}() `), error.message);
        if (says !== undefined) assert.match(error.message, says);
        return true;
      },
    );
  } finally {
    stop();
  }
  assert.deepEqual(sent, [], `${method}(): nothing was sent`);
}
