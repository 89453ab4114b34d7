import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Connection, DB, Model, QueryError, type QueryEvent, TwoPhaseCommitError } from '../../src/index.js';
import {
  type Kind,
  type Mix,
  createParticipants,
  killSession,
  rollbackPreparedNow,
  leftPrepared,
  MIXES,
  type Participant,
  sessionIdSql,
  skipReason,
  stopServers,
  uniquePrefix,
} from './fixtures/two-phase-setups.js';

after(stopServers);

type Handles = Record<string, Connection>;

const PREPARE = /^(XA PREPARE|PREPARE TRANSACTION) /;
const COMMIT_PREPARED = /^(XA COMMIT|COMMIT PREPARED) /;
const DECISION = /^INSERT INTO so_transaction_log/;

/** A model of participant b: models of a participant join its transaction too. */
class Account extends Model {
  static table = 'accounts';
  static connection = 'b';
  static fillable = ['id', 'balance'];
  static timestamps = false;
  declare balance: number;
}

/** Kinds of the participants that are prepared: all but the decider (SQLite if it takes part, else the first). */
function preparedKinds(mix: Mix): Kind[] {
  const decider = mix.kinds.includes('sqlite') ? mix.kinds.indexOf('sqlite') : 0;
  return mix.kinds.filter((_, i) => i !== decider);
}

async function listenedTo<T>(fn: () => Promise<T>): Promise<{ result: T; events: QueryEvent[] }> {
  const events: QueryEvent[] = [];
  const stop = DB.listen((e) => events.push(e));
  try {
    return { result: await fn(), events };
  } finally {
    stop();
  }
}

for (const mix of MIXES) {
  describe(`DB.transaction across ${mix.title}`, { skip: skipReason(mix) }, () => {
    const prefix = uniquePrefix();
    let participants: Participant[];
    let names: string[];
    /** The participant whose commit carries the decision: SQLite when it takes part, else the first. */
    let decider: Participant;
    /** The participants that are prepared in phase one. */
    let prepared: Participant[];

    async function balances(id = 1): Promise<number[]> {
      return Promise.all(
        names.map(async (name) => {
          const row = await DB.connection(name).selectOne<{ balance: number }>('SELECT balance FROM accounts WHERE id = ?', [id]);
          return Number(row?.balance);
        }),
      );
    }

    async function update(handles: Handles, amount: number): Promise<void> {
      for (const name of names) await handles[name].update('UPDATE accounts SET balance = balance + ? WHERE id = 1', [amount]);
    }

    async function assertNothingLeft(): Promise<void> {
      assert.deepEqual(await leftPrepared(participants, prefix), [], 'no prepared transaction is left');
    }

    before(async () => {
      participants = await createParticipants(mix);
      names = participants.map((p) => p.name);
      decider = participants.find((p) => p.kind === 'sqlite') ?? participants[0];
      prepared = participants.filter((p) => p !== decider);
      await DB.configure({
        connections: Object.fromEntries(participants.map((p) => [p.name, p.options])),
        transactions: { prefix },
      });
      for (const p of participants) {
        const db = DB.connection(p.name);
        await db.statement('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
        await db.statement('CREATE TABLE parents (id INT PRIMARY KEY)');
        // MariaDB checks foreign keys at once; PostgreSQL and SQLite can defer the check to COMMIT / PREPARE.
        const deferred = p.kind === 'mariadb' ? '' : ' REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED';
        await db.statement(`CREATE TABLE children (id INT PRIMARY KEY, parent_id INT${deferred})`);
      }
    });

    beforeEach(async () => {
      for (const name of names) {
        const db = DB.connection(name);
        await db.delete('DELETE FROM accounts');
        await db.delete('DELETE FROM children');
        for (let id = 1; id <= 10; id++) await db.insert('INSERT INTO accounts (id, balance) VALUES (?, ?)', [id, 100]);
      }
    });

    after(async () => {
      await DB.disconnect();
      await Promise.all((participants ?? []).map((p) => p.drop()));
    });

    test('commits every participant, returns the value of the function, and DB.listen shows both phases', async () => {
      const events: QueryEvent[] = [];
      const stop = DB.listen((e) => events.push(e));
      let result: string;
      try {
        result = await DB.transaction(names, async (handles: Handles) => {
          await update(handles, 10);
          // The query builder of a participant joins its transaction too, and so do its models.
          await handles[names[0]].table('accounts').where('id', 2).update({ balance: 55 });
          await Account.create({ id: 11, balance: 1 });
          return 'done';
        });
      } finally {
        stop();
      }
      assert.equal(result, 'done');
      assert.deepEqual(
        await balances(),
        names.map(() => 110),
      );
      assert.equal((await balances(2))[0], 55);
      assert.equal((await Account.find(11))?.balance, 1);
      assert.ok(
        events.some((e) => e.connection === 'b' && /^insert into `?"?accounts/i.test(e.sql)),
        'the model wrote through b',
      );

      const index = (connection: string, pattern: RegExp) =>
        events.findIndex((e) => e.connection === connection && pattern.test(e.sql));
      const decision = index(decider.name, DECISION);
      const decided = events.findIndex((e, i) => i > decision && e.connection === decider.name && e.sql === 'COMMIT');
      assert.ok(decision >= 0 && decided > decision, 'the decider records the decision, then commits');
      for (const p of prepared) {
        const prepare = index(p.name, PREPARE);
        const commit = index(p.name, COMMIT_PREPARED);
        assert.ok(prepare >= 0, `[${p.name}] prepares`);
        assert.ok(prepare < decided, `[${p.name}] prepares before the decision`);
        assert.ok(commit > decided, `[${p.name}] commits after the decision`);
        assert.match(
          events[prepare].sql,
          new RegExp(`'${prefix}_[0-9a-z]+_[0-9a-f]{12}_[0-9a-f]{6}_[0-9a-z]+'`),
          'the id carries the prefix',
        );
      }
      await assertNothingLeft();

      // The row stays until the next decision on that log deletes it, inside the decider's transaction.
      const gid = /'(\w+)_[0-9a-z]+'/.exec(events[index(prepared[0].name, PREPARE)].sql)?.[1];
      const log = () =>
        DB.connection(decider.name).select<{ xid: string; decision: string }>('SELECT xid, decision FROM so_transaction_log');
      assert.deepEqual(await log(), [{ xid: gid, decision: 'commit' }]);
      const { events: next } = await listenedTo(() => DB.transaction(names, () => {}));
      const deleted = next.findIndex(
        (e) => e.connection === decider.name && /^DELETE FROM so_transaction_log WHERE xid = (\?|\$1)$/.test(e.sql),
      );
      assert.ok(deleted >= 0 && deleted < next.findIndex((e) => e.connection === decider.name && e.sql === 'COMMIT'));
      assert.deepEqual(next[deleted].bindings, [gid]);
      const rows = await log();
      assert.equal(rows.length, 1);
      assert.notEqual(rows[0].xid, gid);
    });

    test('a throw rolls back every participant and rethrows the error itself', async () => {
      const boom = new Error('changed my mind');
      await assert.rejects(
        DB.transaction(names, async (handles: Handles) => {
          await update(handles, 10);
          await Account.create({ id: 12, balance: 1 });
          throw boom;
        }),
        (error) => error === boom,
      );
      assert.deepEqual(
        await balances(),
        names.map(() => 100),
      );
      assert.equal(await Account.find(12), null);
      await assertNothingLeft();
    });

    test('a failing statement on one participant rolls back every participant', async () => {
      const last = names[names.length - 1];
      await assert.rejects(
        DB.transaction(names, async (handles: Handles) => {
          await update(handles, 10);
          await handles[last].update('UPDATE no_such_table SET x = 1');
        }),
        (error) => error instanceof QueryError && error.connection === last,
      );
      assert.deepEqual(
        await balances(),
        names.map(() => 100),
      );
      await assertNothingLeft();
    });

    test('a participant that fails to prepare rolls back every participant', async () => {
      const victim = prepared[prepared.length - 1];
      await assert.rejects(
        DB.transaction(names, async (handles: Handles) => {
          await update(handles, 10);
          if (victim.kind === 'postgres') {
            // Checked at PREPARE TRANSACTION: the deferred foreign key has no parent row.
            await handles[victim.name].insert('INSERT INTO children (id, parent_id) VALUES (?, ?)', [1, 999]);
          } else {
            const row = await handles[victim.name].selectOne<{ id: number }>(sessionIdSql(victim.kind));
            await killSession(victim, Number(row?.id));
          }
        }),
        (error) => {
          assert.ok(error instanceof TwoPhaseCommitError, String(error));
          assert.equal(error.phase, 'prepare');
          assert.equal(error.participant, victim.name);
          assert.match(error.message, new RegExp(`\\[${victim.name}\\] failed to prepare`));
          assert.deepEqual(error.states, Object.fromEntries(names.map((n) => [n, 'rolled back'])));
          return true;
        },
      );
      assert.deepEqual(
        await balances(),
        names.map(() => 100),
      );
      await assertNothingLeft();
    });

    test('the decider failing to commit rolls back every participant', async () => {
      await assert.rejects(
        DB.transaction(names, async (handles: Handles) => {
          await update(handles, 10);
          if (decider.kind === 'mariadb') {
            // MariaDB has no deferred constraints: its session dies instead, so the decision cannot be recorded.
            const row = await handles[decider.name].selectOne<{ id: number }>(sessionIdSql(decider.kind));
            await killSession(decider, Number(row?.id));
          } else {
            await handles[decider.name].insert('INSERT INTO children (id, parent_id) VALUES (?, ?)', [1, 999]);
          }
        }),
        (error) => {
          assert.ok(error instanceof TwoPhaseCommitError, String(error));
          assert.equal(error.phase, 'decision');
          assert.equal(error.participant, decider.name);
          assert.deepEqual(error.states, Object.fromEntries(names.map((n) => [n, 'rolled back'])));
          return true;
        },
      );
      assert.deepEqual(
        await balances(),
        names.map(() => 100),
      );
      await assertNothingLeft();
    });

    if (mix.kinds.includes('postgres')) {
      test('an error caught inside on a PostgreSQL participant still rolls back every participant', async () => {
        // PostgreSQL aborts the transaction at the failed statement; its PREPARE or COMMIT would only roll back.
        const victim = participants.find((p) => p.kind === 'postgres') as Participant;
        await assert.rejects(
          DB.transaction(names, async (handles: Handles) => {
            await update(handles, 10);
            await handles[victim.name].update('UPDATE no_such_table SET x = 1').catch(() => {});
            return 'swallowed';
          }),
          (error) => {
            assert.ok(error instanceof TwoPhaseCommitError, String(error));
            assert.equal(error.participant, victim.name);
            assert.equal(error.phase, victim === decider ? 'decision' : 'prepare');
            assert.match(error.message, /current transaction is aborted/);
            return true;
          },
        );
        assert.deepEqual(
          await balances(),
          names.map(() => 100),
        );
        await assertNothingLeft();
      });
    }

    if (preparedKinds(mix).includes('postgres')) {
      test('a failure in phase two names the participant, the phase and where each participant is left', async () => {
        // A "DBA" rolls back the PostgreSQL branch right after it was prepared (a heuristic decision):
        // its COMMIT PREPARED then fails, after the decision to commit.
        const victim = prepared.find((p) => p.kind === 'postgres') as Participant;
        const stop = DB.listen((e) => {
          if (e.connection === victim.name && e.sql.startsWith('PREPARE TRANSACTION')) {
            rollbackPreparedNow(victim, /'(\w+)'/.exec(e.sql)?.[1] as string);
          }
        });
        try {
          await assert.rejects(
            DB.transaction(names, (handles: Handles) => update(handles, 10)),
            (error) => {
              assert.ok(error instanceof TwoPhaseCommitError, String(error));
              assert.equal(error.phase, 'commit');
              assert.equal(error.participant, victim.name);
              assert.match(
                error.message,
                new RegExp(`\\[${victim.name}\\] failed to commit after the decision to commit was recorded`),
              );
              const expected = Object.fromEntries(names.map((n) => [n, 'committed']));
              expected[victim.name] = 'prepared (in doubt: DB.recover() will commit it)';
              assert.deepEqual(error.states, expected);
              return true;
            },
          );
        } finally {
          stop();
        }
        assert.deepEqual(
          await balances(),
          names.map((n) => (n === victim.name ? 100 : 110)),
          'atomicity is lost to the heuristic decision',
        );
        await assertNothingLeft();
      });
    }

    test('a nested connection.transaction() inside is a savepoint of the participant', async () => {
      const first = names[0];
      await DB.transaction(names, async (handles: Handles) => {
        await update(handles, 10);
        await handles[first]
          .transaction(async (db) => {
            await db.update('UPDATE accounts SET balance = 0 WHERE id = 1');
            throw new Error('undo the inner part only');
          })
          .catch(() => {});
      });
      assert.deepEqual(
        await balances(),
        names.map(() => 110),
      );
      await assertNothingLeft();
    });

    test('commit() and rollback() of a participant inside are refused; the transaction still commits', async () => {
      await DB.transaction(names, async (handles: Handles) => {
        await update(handles, 10);
        await assert.rejects(handles[names[0]].commit(), /commit\(\) refused: this transaction belongs to DB\.transaction/);
        await assert.rejects(handles[names[1]].rollback(), /rollback\(\) refused/);
      });
      assert.deepEqual(
        await balances(),
        names.map(() => 110),
      );
    });

    if (mix.kinds.length === 2) {
      test('50 concurrent transfers between the two databases keep the sum of balances', async () => {
        const [from, to] = names;
        const committed: number[] = [];
        const failures: unknown[] = [];
        const transfers = Array.from({ length: 50 }, async (_, i) => {
          const amount = (i % 7) + 1;
          const source = (i % 10) + 1;
          const target = ((i * 3) % 10) + 1;
          try {
            await DB.transaction([from, to], async (handles: Handles) => {
              // Always the first database first: transfers never wait on each other in a cycle.
              await handles[from].update('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, source]);
              await handles[to].update('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, target]);
              if (i % 5 === 4) throw new Error('refused transfer');
            });
            committed.push(amount);
          } catch (error) {
            failures.push(error);
          }
        });
        await Promise.all(transfers);
        assert.deepEqual(
          failures.map((e) => (e as Error).message),
          failures.map(() => 'refused transfer'),
        );
        assert.equal(committed.length, 40);
        const moved = committed.reduce((sum, amount) => sum + amount, 0);
        const total = async (name: string) =>
          Number((await DB.connection(name).selectOne<{ s: number }>('SELECT SUM(balance) AS s FROM accounts'))?.s);
        assert.equal(await total(from), 1000 - moved);
        assert.equal(await total(to), 1000 + moved);
        await assertNothingLeft();
      });
    }
  });
}
