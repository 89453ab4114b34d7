import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import {
  type Connection,
  DB,
  MassAssignmentError,
  Model,
  ModelNotFoundError,
  type QueryEvent,
  QueryError,
  ReadOnlyError,
} from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { columnTypes } from './column-types.js';

class User extends Model {
  static table = 'auser';
  static primaryKey = 'uid';
  static fillable = ['name', 'email', 'active', 'meta'];
  static casts = { active: 'boolean', meta: 'json' } as const;
  declare uid: number;
  declare name: string;
  declare email: string | null;
  declare active: boolean;
  declare meta: { tags: string[] } | null;
}

class Order extends Model {
  static table = 'orders';
  static guarded = ['id', 'approved'];
  static timestamps = true;
  static casts = { total: 'number' } as const;
  declare id: number;
  declare user_id: number;
  declare total: number;
  declare status: string;
  declare approved: number | null;
  declare created_at: Date;
  declare updated_at: Date;
  customer() {
    return this.belongsTo(Customer, 'user_id', 'customer_id');
  }
}

class Customer extends Model {
  static table = 'customers';
  static primaryKey = 'customer_id';
  declare customer_id: number;
  declare name: string;
}

class Tag extends Model {
  static primaryKey = 'code';
  declare code: string;
  declare label: string;
}

class Frozen extends Model {
  static table = 'customers';
  static primaryKey = 'customer_id';
  static readOnly = true;
  declare customer_id: number;
  declare name: string;
}

class LegacyCustomer extends Model {
  static table = 'customers';
  static connection = 'legacy';
  static primaryKey = 'customer_id';
  declare customer_id: number;
  declare name: string;
}

describeEachEngine('models', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  let events: QueryEvent[] = [];
  let stop: () => void;

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({
      default: 'db',
      connections: { db: database.options, legacy: { ...database.options, readOnly: true } },
    });
    db = DB.connection('db');
    const t = columnTypes(engine.driver);
    await db.statement(
      `CREATE TABLE auser (${autoIncrement(engine.driver, 'uid')}, name VARCHAR(50), email VARCHAR(80), active ${t.boolean}, meta ${t.text})`,
    );
    await db.statement(
      `CREATE TABLE orders (${autoIncrement(engine.driver)}, user_id INT, total ${t.decimal}, status VARCHAR(20), approved INT, created_at ${t.datetime} NULL, updated_at ${t.datetime} NULL)`,
    );
    await db.statement(`CREATE TABLE customers (${autoIncrement(engine.driver, 'customer_id')}, name VARCHAR(50))`);
    await db.statement('CREATE TABLE tags (code VARCHAR(20) PRIMARY KEY, label VARCHAR(50))');
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    await db.delete('DELETE FROM orders');
    await db.delete('DELETE FROM auser');
    await db.delete('DELETE FROM customers');
    await db.delete('DELETE FROM tags');
    events = [];
  });

  after(async () => {
    stop();
    await DB.disconnect();
    await database.drop();
  });

  test('create inserts and sets the generated key, also under custom key names', async () => {
    const ada = await User.create({ name: 'Ada', email: 'ada@example.com', active: true });
    assert.equal(typeof ada.uid, 'number');
    assert.ok(ada.$isPersisted);
    const customer = await Customer.create({ name: 'Grace' });
    assert.equal(typeof customer.customer_id, 'number');
    const again = await Customer.create({ name: 'Linus' });
    assert.equal(again.customer_id, customer.customer_id + 1);
    const rows = await db.select('SELECT customer_id, name FROM customers ORDER BY customer_id');
    assert.deepEqual(
      rows.map((r) => [Number(r.customer_id), r.name]),
      [
        [customer.customer_id, 'Grace'],
        [again.customer_id, 'Linus'],
      ],
    );
    // A key the application gives (a string key) is kept as given.
    const tag = await Tag.create({ code: 'vip', label: 'Very important' });
    assert.equal(tag.code, 'vip');
    assert.deepEqual(await db.select('SELECT code, label FROM tags'), [{ code: 'vip', label: 'Very important' }]);
  });

  test('find, findOrFail, all and the static query methods return instances of the model', async () => {
    const ada = await User.create({ name: 'Ada', email: 'ada@example.com', active: true });
    await User.create({ name: 'Grace', email: null, active: false });
    await User.create({ name: 'Linus', email: 'linus@example.com', active: true });

    const found: User | null = await User.find(ada.uid);
    assert.ok(found instanceof User);
    assert.equal(found.name, 'Ada');
    assert.equal(found.active, true);
    assert.equal(await User.find(999_999), null);
    await assert.rejects(User.findOrFail(999_999), (error: unknown) => {
      assert.ok(error instanceof ModelNotFoundError);
      assert.equal(error.model, 'User');
      assert.equal(error.key, 999_999);
      assert.match(error.message, /User.*999999/);
      return true;
    });

    const names = (users: User[]) => users.map((u) => u.name);
    assert.deepEqual(names(await User.all()).sort(), ['Ada', 'Grace', 'Linus']);
    assert.deepEqual(names(await User.where('name', 'Grace').get()), ['Grace']);
    assert.deepEqual(names(await User.where('name', '!=', 'Grace').orderBy('name').get()), ['Ada', 'Linus']);
    assert.deepEqual(names(await User.where({ name: 'Ada', active: true }).get()), ['Ada']);
    assert.deepEqual(names(await User.where('name', 'Ada').orWhere('name', 'Linus').orderByDesc('name').get()), ['Linus', 'Ada']);
    assert.deepEqual(names(await User.where((q) => q.where('name', 'Ada').orWhere('name', 'Grace')).orderBy('name').get()), [
      'Ada',
      'Grace',
    ]);
    assert.deepEqual(names(await User.whereIn('name', ['Ada', 'Linus']).orderBy('name').get()), ['Ada', 'Linus']);
    assert.deepEqual(names(await User.whereNotIn('name', ['Ada', 'Linus']).get()), ['Grace']);
    assert.deepEqual(names(await User.whereNull('email').get()), ['Grace']);
    assert.deepEqual(names(await User.whereNotNull('email').orderBy('name').get()), ['Ada', 'Linus']);
    assert.deepEqual(names(await User.orderBy('name').limit(1).offset(1).get()), ['Grace']);
    assert.deepEqual(names(await User.query().orderBy('name')), ['Ada', 'Grace', 'Linus'], 'awaiting a model query runs it');
    assert.equal((await User.orderBy('name').first())?.name, 'Ada');
    assert.equal(await User.count(), 3);
    assert.equal(await User.where('active', true).count(), 2);
    assert.equal(await User.where('name', 'Ada').exists(), true);
    assert.equal(await User.where('name', 'Nobody').exists(), false);
    assert.deepEqual((await User.orderBy('name').pluck<string>('name')), ['Ada', 'Grace', 'Linus']);
    assert.ok((await User.all()).every((u) => u instanceof User));
  });

  test('save sends an UPDATE of the changed columns only, and nothing when none changed', async () => {
    const ada = await User.create({ name: 'Ada', email: 'ada@example.com', active: true });
    events = [];
    await ada.save();
    assert.equal(events.length, 0, 'no statement for a clean model');

    ada.email = 'ada@lovelace.org';
    await ada.save();
    assert.equal(events.length, 1);
    assert.match(events[0].sql, /^update/i);
    assert.match(events[0].sql, /email/);
    assert.doesNotMatch(events[0].sql, /name|active|meta/);
    assert.deepEqual(events[0].bindings, ['ada@lovelace.org', ada.uid]);
    assert.deepEqual(await db.selectOne('SELECT email FROM auser WHERE uid = ?', [ada.uid]), { email: 'ada@lovelace.org' });
    assert.deepEqual(ada.$dirty, {});
  });

  test('delete removes the row; refresh reads it again', async () => {
    const ada = await User.create({ name: 'Ada', email: 'a@example.com', active: true });
    await db.update('UPDATE auser SET name = ? WHERE uid = ?', ['Ada Lovelace', ada.uid]);
    await ada.refresh();
    assert.equal(ada.name, 'Ada Lovelace');
    assert.deepEqual(ada.$dirty, {});
    await ada.delete();
    assert.equal(ada.$isPersisted, false);
    assert.deepEqual(await db.select('SELECT * FROM auser'), []);
  });

  test('toJSON gives the attributes as a plain object', async () => {
    const ada = await User.create({ name: 'Ada', email: null, active: true, meta: { tags: ['math'] } });
    const json = (await User.findOrFail(ada.uid)).toJSON();
    assert.deepEqual(json, { uid: ada.uid, name: 'Ada', email: null, active: true, meta: { tags: ['math'] } });
    assert.equal(JSON.stringify(await User.find(ada.uid)), JSON.stringify(json));
  });

  test('mass assignment: a key outside fillable (or in guarded) throws, and nothing is written', async () => {
    events = [];
    await assert.rejects(User.create({ name: 'Eve', is_admin: 1 }), (error: unknown) => {
      assert.ok(error instanceof MassAssignmentError);
      assert.equal(error.key, 'is_admin');
      assert.equal(error.model, 'User');
      assert.match(error.message, /is_admin.*User/);
      return true;
    });
    await assert.rejects(Order.create({ user_id: 1, total: 5, status: 'x', approved: 1 }), (error: unknown) => {
      assert.ok(error instanceof MassAssignmentError);
      assert.equal(error.key, 'approved');
      assert.equal(error.model, 'Order');
      return true;
    });
    assert.throws(() => new User().fill({ uid: 5 }), MassAssignmentError);
    assert.equal(events.length, 0, 'no statement was sent');
    assert.equal(await User.count(), 0);
    assert.equal(await Order.count(), 0);
    // A model without fillable accepts any other key; forceFill skips the rules.
    const order = await Order.create({ user_id: 1, total: '10.50', status: 'pending' });
    assert.equal(order.total, 10.5);
    order.forceFill({ approved: 1 });
    await order.save();
    assert.equal(Number((await db.selectOne('SELECT approved FROM orders'))?.approved), 1);
  });

  test('mass assignment compares keys as the engine compares column names', async () => {
    const caseInsensitive = engine.driver !== 'pgsql';
    // Guarded `approved` in another case: the same column on MySQL/MariaDB and SQLite.
    const sneaky = Order.create({ user_id: 1, total: 5, status: 'x', Approved: 1 });
    if (caseInsensitive) {
      await assert.rejects(sneaky, (error: unknown) => error instanceof MassAssignmentError && error.key === 'Approved');
      assert.equal(events.length, 0, 'nothing was sent');
    } else {
      // PostgreSQL's quoted "Approved" is another column, which this table does not have.
      await assert.rejects(sneaky, QueryError);
    }
    assert.equal(await Order.count(), 0);
    assert.equal(await db.selectOne('SELECT approved FROM orders WHERE approved = 1'), null);
    // A fillable key in another case is that column where the engine says so, else refused.
    const shout = User.create({ NAME: 'Ada' });
    if (caseInsensitive) {
      const ada = await shout;
      assert.equal((await db.selectOne('SELECT name FROM auser WHERE uid = ?', [ada.uid]))?.name, 'Ada');
    } else {
      await assert.rejects(shout, (error: unknown) => error instanceof MassAssignmentError && error.key === 'NAME');
      assert.equal(await User.count(), 0);
    }
  });

  test('keys that are members of the model, not columns, are refused on every engine', async () => {
    await db.insert('INSERT INTO customers (name) VALUES (?)', ['Kept']);
    events = [];
    const hostile: Record<string, unknown>[] = [
      { constructor: Customer }, // would make the INSERT target Customer's table
      JSON.parse('{"__proto__": {"save": 1}}') as Record<string, unknown>,
      { prototype: {} },
      { save: 1 },
      { delete: 'x' },
      { toJSON: null },
      { customer: 3 }, // a relation
      { $isPersisted: true },
      { hasOwnProperty: 1 },
    ];
    for (const extra of hostile) {
      const key = Object.keys(extra)[0];
      const refusal = (error: unknown) =>
        error instanceof MassAssignmentError &&
        error.key === key &&
        error.model === 'Order' &&
        error.message === `Key [${key}] is not mass assignable on model [Order]: it is not a column but a member of the model.`;
      await assert.rejects(Order.create({ user_id: 1, total: 5, status: 'x', ...extra }), refusal, key);
      assert.throws(() => new Order().fill({ status: 'x', ...extra }), refusal, key);
      assert.throws(() => new Order().forceFill({ status: 'x', ...extra }), refusal, key);
    }
    assert.equal(events.length, 0, 'nothing was sent');
    assert.equal(await Order.count(), 0);
    assert.deepEqual((await db.select('SELECT name FROM customers')).map((r) => r.name), ['Kept']);
    // Nothing was assigned either: the model still works.
    const order = new Order().fill({ user_id: 1, total: 7, status: 'ok' });
    await order.save();
    assert.equal(Object.getPrototypeOf(order), Order.prototype);
    assert.equal(await Order.count(), 1);
  });

  test('read-only model and read-only connection refuse every write before any SQL', async () => {
    await db.insert('INSERT INTO customers (name) VALUES (?)', ['Kept']);
    events = [];
    const frozen = (await Frozen.first())!;
    const legacy = (await LegacyCustomer.first())!;
    assert.equal(legacy.name, 'Kept', 'reads work on the read-only connection');
    events = [];
    const refusals: [string, () => Promise<unknown>][] = [
      ['create', () => Frozen.create({ name: 'New' })],
      ['save', () => new Frozen().forceFill({ name: 'New' }).save()],
      ['save', () => Object.assign(frozen, { name: 'Changed' }).save()],
      ['delete', () => frozen.delete()],
      ['update', () => Frozen.where('name', 'Kept').update({ name: 'x' })],
      ['delete', () => Frozen.query().delete()],
    ];
    for (const [operation, attempt] of refusals) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof ReadOnlyError);
        assert.equal(error.model, 'Frozen');
        assert.equal(error.operation, operation);
        assert.match(error.message, /Model \[Frozen\] is read-only/);
        return true;
      });
    }
    const onConnection: [string, () => Promise<unknown>][] = [
      ['create', () => LegacyCustomer.create({ name: 'New' })],
      ['save', () => Object.assign(legacy, { name: 'Changed' }).save()],
      ['delete', () => legacy.delete()],
      ['update', () => LegacyCustomer.query().update({ name: 'x' })],
    ];
    for (const [operation, attempt] of onConnection) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof ReadOnlyError);
        assert.equal(error.connection, 'legacy');
        assert.equal(error.operation, operation);
        assert.match(error.message, /Connection \[legacy\] is read-only/);
        return true;
      });
    }
    assert.equal(events.length, 0, 'nothing was sent');
    assert.deepEqual(await db.select('SELECT name FROM customers'), [{ name: 'Kept' }]);
  });

  test('casts: DECIMAL/NUMERIC totals sum as numbers; booleans, JSON (stored as text) and dates', async () => {
    await db.table('orders').insert([
      { user_id: 1, total: '10.25', status: 'paid' },
      { user_id: 1, total: '4.50', status: 'paid' },
    ]);
    const orders = await Order.where('status', 'paid').get();
    const sum = orders.reduce((total, order) => total + order.total, 0);
    assert.equal(sum, 14.75);
    assert.ok(orders.every((o) => typeof o.total === 'number'));
    assert.equal(await Order.query().sum('total'), 14.75);
    assert.deepEqual(await Order.orderBy('id').pluck('total'), [10.25, 4.5], 'pluck applies the cast');

    const ada = await User.create({ name: 'Ada', active: false, meta: { tags: ['math'] } });
    const raw = await db.selectOne<{ meta: string }>('SELECT meta FROM auser WHERE uid = ?', [ada.uid]);
    assert.equal(typeof raw?.meta, 'string');
    assert.deepEqual(JSON.parse(raw!.meta), { tags: ['math'] });
    const read = await User.findOrFail(ada.uid);
    assert.equal(read.active, false);
    assert.deepEqual(read.meta, { tags: ['math'] });
    // Changing the JSON value in place makes the attribute dirty.
    read.meta!.tags.push('poetry');
    assert.deepEqual(Object.keys(read.$dirty), ['meta']);
    await read.save();
    assert.deepEqual((await User.findOrFail(ada.uid)).meta, { tags: ['math', 'poetry'] });
  });

  test('timestamps: created_at and updated_at are set on insert, updated_at on update', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const order = await Order.create({ user_id: 1, total: 5, status: 'pending' });
    assert.ok(order.created_at instanceof Date);
    assert.ok(order.created_at.getTime() >= before);
    assert.equal(order.updated_at.getTime(), order.created_at.getTime());
    const read = await Order.findOrFail(order.id);
    assert.ok(read.created_at instanceof Date);
    assert.equal(read.created_at.getTime(), order.created_at.getTime());

    await db.update('UPDATE orders SET created_at = ?, updated_at = ? WHERE id = ?', [
      '2001-02-03 04:05:06',
      '2001-02-03 04:05:06',
      order.id,
    ]);
    await read.refresh();
    assert.equal(read.updated_at.getUTCFullYear(), 2001);
    read.status = 'paid';
    await read.save();
    const saved = await Order.findOrFail(order.id);
    assert.equal(saved.created_at.getUTCFullYear(), 2001);
    assert.ok(saved.updated_at.getTime() >= before, 'updated_at moved to now');
  });

  test('models join the transaction of their connection in this flow', async () => {
    await assert.rejects(
      db.transaction(async () => {
        const ada = await User.create({ name: 'Ada', active: true });
        assert.equal((await User.find(ada.uid))?.name, 'Ada', 'reads inside see the write');
        throw new Error('undo');
      }),
      /undo/,
    );
    assert.equal(await User.count(), 0, 'rolled back with the transaction');
    await db.transaction(async () => {
      await User.create({ name: 'Grace', active: true });
    });
    assert.deepEqual(await User.pluck('name'), ['Grace']);
  });
});

