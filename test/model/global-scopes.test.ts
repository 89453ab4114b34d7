import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, type GlobalScopes, Model, type ModelQuery, QueryError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

/** Accounts on 'bank'; `active` and `visible` scopes on every query of them. */
class Account extends Model {
  static table = 'accounts';
  static connection = 'bank';
  static globalScopes = {
    active: (q) => q.where('active', 1),
    visible: (q) => q.where('hidden', 0),
  } satisfies GlobalScopes<Account>;
  declare id: number;
  declare owner_id: number;
  declare name: string;
  declare active: number;
  declare hidden: number;
}

/** Owners on the default connection, another database: relations cross connections. */
class Owner extends Model {
  static table = 'owners';
  declare id: number;
  declare name: string;
  accounts() {
    return this.hasMany(Account, 'owner_id');
  }
  firstAccount() {
    return this.hasOne(Account, 'owner_id');
  }
}

class Sloppy extends Model {
  static table = 'accounts';
  static connection = 'bank';
  static globalScopes = { sloppy: (q: ModelQuery<Sloppy>) => void q.where('active', 1) } as never;
}

describeEachEngine('global scopes', (engine) => {
  let main: ThrowawayDatabase;
  let bank: ThrowawayDatabase;
  let bankDb: Connection;

  const names = (accounts: readonly Account[]) => accounts.map((a) => a.name);

  before(async () => {
    main = await engine.createDatabase();
    bank = await engine.createDatabase();
    await DB.configure({ default: 'main', connections: { main: main.options, bank: bank.options } });
    bankDb = DB.connection('bank');
    await bankDb.statement(`CREATE TABLE accounts (${autoIncrement(engine.driver)}, owner_id INT, name VARCHAR(20), active INT, hidden INT)`);
    await DB.connection('main').statement(`CREATE TABLE owners (${autoIncrement(engine.driver)}, name VARCHAR(20))`);
    for (const name of ['Ada', 'Bob', 'Cy']) await DB.connection('main').insert('INSERT INTO owners (name) VALUES (?)', [name]);
  });

  beforeEach(async () => {
    await bankDb.delete('DELETE FROM accounts');
    // Ada: one active, one inactive; Bob: only a hidden one; Cy: none.
    for (const [owner, name, active, hidden] of [[1, 'a-live', 1, 0], [1, 'a-closed', 0, 0], [2, 'b-hidden', 1, 1]] as const) {
      await bankDb.insert('INSERT INTO accounts (owner_id, name, active, hidden) VALUES (?, ?, ?, ?)', [owner, name, active, hidden]);
    }
  });

  after(async () => {
    await DB.disconnect();
    await main.drop();
    await bank.drop();
  });

  test('every read of the model runs with its global scopes: get, first, find, count, exists, pluck, aggregates', async () => {
    assert.deepEqual(names(await Account.all()), ['a-live']);
    assert.equal((await Account.query().orderBy('id').first())?.name, 'a-live');
    assert.equal(await Account.find(2), null, 'find leaves out an inactive row');
    assert.equal(await Account.find(3), null, 'and a hidden one');
    assert.equal((await Account.find(1))?.name, 'a-live');
    assert.equal(await Account.count(), 1);
    assert.equal(await Account.where('name', 'a-closed').exists(), false);
    assert.deepEqual(await Account.pluck('name'), ['a-live']);
    assert.equal(Number(await Account.query().max('id')), 1);
  });

  test('a query’s OR stays inside its own parentheses: the scopes still hold', async () => {
    const found = await Account.where('name', 'a-closed').orWhere('name', 'b-hidden').orWhere('name', 'a-live').get();
    assert.deepEqual(names(found), ['a-live']);
    const { sql } = Account.where('name', 'x').orWhere('name', 'y').toSql();
    assert.match(sql, /\(.*name.*or.*name.*\).*and.*active.*and.*hidden/i);
  });

  test('reading in pieces runs with the scopes: chunk, lazy, paginate', async () => {
    await bankDb.insert('INSERT INTO accounts (owner_id, name, active, hidden) VALUES (?, ?, ?, ?)', [3, 'c-live', 1, 0]);
    const chunks: string[][] = [];
    await Account.query().orderBy('id').chunk(1, (accounts) => {
      chunks.push(names(accounts));
    });
    assert.deepEqual(chunks, [['a-live'], ['c-live']]);
    const streamed: string[] = [];
    for await (const account of Account.where('name', 'x').orWhere('owner_id', '>', 0).lazy(2)) streamed.push(account.name);
    assert.deepEqual(streamed.sort(), ['a-live', 'c-live']);
    const page = await Account.query().orderBy('id').paginate(1, 2);
    assert.equal(page.total, 2);
    assert.deepEqual(names(page.data), ['c-live']);
  });

  test('withoutGlobalScope / withoutGlobalScopes lift them for one query', async () => {
    assert.deepEqual(names(await Account.query().withoutGlobalScope('active').orderBy('id').get()), ['a-live', 'a-closed']);
    assert.deepEqual(names(await Account.query().withoutGlobalScope('visible').orderBy('id').get()), ['a-live', 'b-hidden']);
    assert.deepEqual(names(await Account.query().withoutGlobalScopes(['active', 'visible']).orderBy('id').get()), ['a-live', 'a-closed', 'b-hidden']);
    assert.equal(await Account.query().withoutGlobalScopes().count(), 3);
    assert.equal(await Account.count(), 1, 'the next query has them again');
  });

  test('relations, eager loads, whereHas and withCount of the model run with its scopes, across connections', async () => {
    const [ada, bob] = await Owner.orderBy('id').get();
    assert.deepEqual(names(await ada.accounts()), ['a-live']);
    assert.deepEqual(names(await bob.accounts()), []);
    assert.equal(await bob.firstAccount(), null);
    const loaded = await Owner.with('accounts').orderBy('id').get();
    assert.deepEqual(
      loaded.map((o) => names((o.toJSON().accounts ?? []) as Account[])),
      [['a-live'], [], []],
    );
    assert.deepEqual(await Owner.whereHas('accounts').pluck('name'), ['Ada']);
    assert.deepEqual(await Owner.whereDoesntHave('accounts').orderBy('id').pluck('name'), ['Bob', 'Cy']);
    const counted = await Owner.withCount('accounts').orderBy('id').get();
    assert.deepEqual(counted.map((o) => (o as unknown as { accounts_count: number }).accounts_count), [1, 0, 0]);
    // A relation callback can lift them for its own query.
    const all = await Owner.withCount({ accounts: (q) => q.withoutGlobalScopes() }).orderBy('id').get();
    assert.deepEqual(all.map((o) => (o as unknown as { accounts_count: number }).accounts_count), [2, 1, 0]);
  });

  test('an instance’s own save, refresh and delete go by its key, whatever the scopes say', async () => {
    const closed = (await Account.query().withoutGlobalScopes().where('name', 'a-closed').first())!;
    await bankDb.update('UPDATE accounts SET name = ? WHERE id = ?', ['a-closed!', closed.id]);
    await closed.refresh();
    assert.equal(closed.name, 'a-closed!');
    closed.name = 'a-closed';
    await closed.save();
    await closed.delete();
    assert.deepEqual((await bankDb.select('SELECT name FROM accounts ORDER BY id')).map((r) => r.name), ['a-live', 'b-hidden']);
  });

  test('query update and delete reach only the rows the scopes let through', async () => {
    assert.equal(await Account.query().update({ name: 'renamed' }), 1);
    assert.equal(await Account.query().delete(), 1);
    const left = await bankDb.select('SELECT name FROM accounts ORDER BY id');
    assert.deepEqual(left.map((r) => r.name), ['a-closed', 'b-hidden']);
    assert.equal(await Account.query().withoutGlobalScopes().delete(), 2);
  });

  test('a model query used as a subquery carries its scopes', async () => {
    const owners = await Owner.whereIn('id', [1, 2]).orderBy('id').pluck<string>('name');
    assert.deepEqual(owners, ['Ada', 'Bob']);
    // Same connection: accounts whose id is among the active ones' ids.
    const ids = await Account.query().withoutGlobalScopes().whereIn('id', Account.select('id')).pluck('name');
    assert.deepEqual(ids, ['a-live']);
  });

  test('a global scope that does not return a query is a QueryError naming the connection and the scope', async () => {
    await assert.rejects(Sloppy.all(), (error: unknown) => {
      assert.ok(error instanceof QueryError);
      assert.match(error.message, /\[bank\].*sloppy\(\).*global scope/);
      return true;
    });
    assert.throws(() => Account.query().withoutGlobalScope(7 as never), /withoutGlobalScope\(\) takes a scope name/);
  });
});
