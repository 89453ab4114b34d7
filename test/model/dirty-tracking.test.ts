import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, Model } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { columnTypes } from './column-types.js';

class Account extends Model {
  static table = 'accounts';
  static casts = { balance: 'number', active: 'boolean', settings: 'json', opened_at: 'date' } as const;
  declare id: number;
  declare name: string;
  declare balance: number;
  declare active: boolean;
  declare settings: { theme: string; tags: string[] } | null;
  declare opened_at: Date;
  declare note: string | null;
}

describeEachEngine('model dirty tracking', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = DB.connection('db');
    const t = columnTypes(engine.driver);
    await db.statement(
      `CREATE TABLE accounts (${autoIncrement(engine.driver)}, name VARCHAR(50), balance ${t.decimal}, active ${t.boolean}, settings ${t.text}, opened_at ${t.datetime} NULL, note VARCHAR(50))`,
    );
  });

  beforeEach(async () => {
    await db.delete('DELETE FROM accounts');
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  const opened = new Date('2024-05-06T07:08:09Z');
  const newAccount = () =>
    Account.create({ name: 'Ada', balance: 12.5, active: true, settings: { theme: 'dark', tags: ['a'] }, opened_at: opened, note: null });

  test('isDirty/isClean over the whole model and named attributes, casts respected', async () => {
    await newAccount();
    const account = (await Account.first())!;
    assert.equal(account.isDirty(), false);
    assert.equal(account.isClean(), true);

    // The same values in their cast form are no change: a decimal read as '12.50', a boolean as 1, a date as text.
    account.balance = 12.5;
    account.active = true;
    account.opened_at = new Date(opened.getTime());
    assert.equal(account.isDirty(), false);

    account.name = 'Ada L.';
    assert.equal(account.isDirty(), true);
    assert.equal(account.isDirty('name'), true);
    assert.equal(account.isDirty('balance'), false);
    assert.equal(account.isDirty('balance', 'name'), true);
    assert.equal(account.isDirty(['balance', 'active']), false);
    assert.equal(account.isClean('balance'), true);
    assert.equal(account.isClean('name'), false);
    assert.deepEqual(account.getDirty(), { name: 'Ada L.' });
  });

  test('a JSON attribute changed in place is dirty, and save() writes it', async () => {
    const account = await newAccount();
    account.settings!.tags.push('b');
    assert.equal(account.isDirty('settings'), true);
    assert.deepEqual(account.getOriginal('settings'), { theme: 'dark', tags: ['a'] }, 'the original is its own copy');
    await account.save();
    assert.equal(account.isDirty(), false);
    assert.deepEqual(account.getChanges(), { settings: JSON.stringify({ theme: 'dark', tags: ['a', 'b'] }) });
    const fresh = await Account.findOrFail(account.id);
    assert.deepEqual(fresh.settings, { theme: 'dark', tags: ['a', 'b'] });
    fresh.settings!.theme = 'light';
    assert.equal(fresh.isDirty('settings'), true, 'also for a model read from the database');
  });

  test('wasChanged and getChanges name what the last save wrote; an insert or a clean save changed nothing', async () => {
    const account = await newAccount();
    assert.equal(account.wasChanged(), false, 'an insert is not a change (as in Eloquent)');
    assert.deepEqual(account.getChanges(), {});

    account.name = 'Grace';
    account.balance = 99;
    assert.equal(account.wasChanged('name'), false, 'not before the save');
    await account.save();
    assert.equal(account.wasChanged(), true);
    assert.equal(account.wasChanged('name'), true);
    assert.equal(account.wasChanged(['note', 'balance']), true);
    assert.equal(account.wasChanged('note'), false);
    assert.deepEqual(account.getChanges(), { name: 'Grace', balance: 99 });
    assert.deepEqual(await db.select('SELECT name FROM accounts'), [{ name: 'Grace' }]);

    await account.save();
    assert.equal(account.wasChanged(), false, 'the last save wrote nothing');
    assert.deepEqual(account.getChanges(), {});
  });

  test('getOriginal gives the values as last read or saved, cast; getRawOriginal in database form', async () => {
    const created = await newAccount();
    const account = (await Account.find(created.id))!;
    account.name = 'Changed';
    account.balance = 1;
    account.active = false;

    assert.equal(account.getOriginal('name'), 'Ada');
    assert.equal(account.getOriginal('balance'), 12.5);
    assert.equal(account.getOriginal('active'), true);
    const original = account.getOriginal();
    assert.equal(original.name, 'Ada');
    assert.ok(original.opened_at instanceof Date);
    assert.equal((original.opened_at as Date).getTime(), opened.getTime());
    assert.deepEqual(original.settings, { theme: 'dark', tags: ['a'] });
    assert.equal(original.note, null);
    assert.equal(account.getRawOriginal('settings'), JSON.stringify({ theme: 'dark', tags: ['a'] }));

    await account.save();
    assert.equal(account.getOriginal('name'), 'Changed', 'synced by the save');
    assert.equal(account.getOriginal('active'), false);
    assert.deepEqual(new Account().getOriginal(), {}, 'a new model has no original values');
  });
});
