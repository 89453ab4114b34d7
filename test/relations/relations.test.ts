import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, EAGER_LOAD_CHUNK_SIZE, Model, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

class User extends Model {
  static table = 'auser';
  static connection = 'essentials';
  static primaryKey = 'uid';
  declare uid: number;
  declare name: string;
  declare ustatusid: number;
  declare orders_count?: number;
  orders() {
    return this.hasMany(Order, 'user_id', 'uid');
  }
  profile() {
    return this.hasOne(Profile, 'user_uid', 'uid');
  }
  paidOrders() {
    return this.hasMany(Order, 'user_id', 'uid').where('status', 'paid');
  }
  latestOrder() {
    return this.hasOne(Order, 'user_id', 'uid').orderByDesc('id');
  }
  notes() {
    return this.hasMany(Note, 'user_ref', 'uid');
  }
}

/** Holds its user's key as text: keys of two types must still match (`'1'` is `1`, as in SQL). */
class Note extends Model {
  static table = 'notes';
  static connection = 'db';
  declare id: number;
  declare user_ref: string;
  declare body: string;
  user() {
    return this.belongsTo(User, 'user_ref', 'uid');
  }
}

class Profile extends Model {
  static table = 'profiles';
  static connection = 'essentials';
  declare id: number;
  declare user_uid: number;
  declare bio: string;
}

class Order extends Model {
  static table = 'orders';
  static connection = 'db';
  declare id: number;
  declare user_id: number | null;
  declare status: string;
  user() {
    return this.belongsTo(() => User, 'user_id', 'uid');
  }
  items() {
    return this.hasMany(OrderItem); // default foreign key: order_id
  }
  notARelation() {
    return 42;
  }
}

class OrderItem extends Model {
  static table = 'order_items';
  static connection = 'db';
  declare id: number;
  declare order_id: number;
  declare sku: string;
  order() {
    return this.belongsTo(Order); // default keys: order_id -> id
  }
}

describeEachEngine('relations across connections', (engine) => {
  let main: ThrowawayDatabase;
  let essentialsDb: ThrowawayDatabase;
  let db: Connection;
  let essentials: Connection;
  let events: QueryEvent[] = [];
  let stop: () => void;
  let ada: User;
  let grace: User;
  let linus: User;

  before(async () => {
    main = await engine.createDatabase();
    essentialsDb = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: main.options, essentials: essentialsDb.options } });
    db = DB.connection('db');
    essentials = DB.connection('essentials');
    await essentials.statement(`CREATE TABLE auser (${autoIncrement(engine.driver, 'uid')}, name VARCHAR(50), ustatusid INT)`);
    await essentials.statement(`CREATE TABLE profiles (${autoIncrement(engine.driver)}, user_uid INT, bio VARCHAR(100))`);
    await db.statement(`CREATE TABLE orders (${autoIncrement(engine.driver)}, user_id INT NULL, status VARCHAR(20))`);
    await db.statement(`CREATE TABLE order_items (${autoIncrement(engine.driver)}, order_id INT, sku VARCHAR(20))`);
    await db.statement(`CREATE TABLE notes (${autoIncrement(engine.driver)}, user_ref VARCHAR(20), body VARCHAR(50))`);
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    for (const table of ['orders', 'order_items', 'notes']) await db.delete(`DELETE FROM ${table}`);
    for (const table of ['auser', 'profiles']) await essentials.delete(`DELETE FROM ${table}`);
    ada = await User.create({ name: 'Ada', ustatusid: 1 });
    grace = await User.create({ name: 'Grace', ustatusid: 1 });
    linus = await User.create({ name: 'Linus', ustatusid: 0 });
    await Profile.create({ user_uid: ada.uid, bio: 'Analyst' });
    await Profile.create({ user_uid: linus.uid, bio: 'Kernel' });
    const o1 = await Order.create({ user_id: ada.uid, status: 'paid' });
    const o2 = await Order.create({ user_id: ada.uid, status: 'pending' });
    await Order.create({ user_id: linus.uid, status: 'paid' });
    await Order.create({ user_id: null, status: 'pending' });
    await OrderItem.create({ order_id: o1.id, sku: 'A-1' });
    await OrderItem.create({ order_id: o1.id, sku: 'A-2' });
    await OrderItem.create({ order_id: o2.id, sku: 'B-1' });
    events = [];
  });

  after(async () => {
    stop();
    await DB.disconnect();
    await main.drop();
    await essentialsDb.drop();
  });

  const selects = () => events.filter((e) => /^\s*select/i.test(e.sql));

  test('awaiting belongsTo, hasMany and hasOne reads the related model on its own connection', async () => {
    const order = (await Order.where('status', 'paid').where('user_id', ada.uid).first())!;
    events = [];
    const user: User | null = await order.user();
    assert.ok(user instanceof User);
    assert.equal(user.name, 'Ada');
    assert.deepEqual(
      events.map((e) => e.connection),
      ['essentials'],
    );
    const orders: Order[] = await ada.orders();
    assert.deepEqual(orders.map((o) => o.status).sort(), ['paid', 'pending']);
    assert.ok(orders.every((o) => o instanceof Order));
    assert.equal(events[1].connection, 'db');
    assert.equal((await ada.profile())?.bio, 'Analyst');
    assert.equal(await grace.profile(), null);
    assert.deepEqual(await grace.orders(), []);
    const orphan = (await Order.whereNull('user_id').first())!;
    events = [];
    assert.equal(await orphan.user(), null);
    assert.equal(events.length, 0, 'a null key needs no query');
  });

  test('default keys: <model>_<primary key> and the primary key', async () => {
    const item = (await OrderItem.where('sku', 'B-1').first())!;
    const order = (await item.order())!;
    assert.equal(order.status, 'pending');
    assert.deepEqual(
      (await order.items()).map((i) => i.sku),
      ['B-1'],
    );
  });

  test('a relation is also a query', async () => {
    assert.deepEqual(
      (await ada.orders().where('status', 'paid').get()).map((o) => o.status),
      ['paid'],
    );
    assert.equal(await ada.orders().count(), 2);
    assert.equal(await ada.orders().where('status', 'cancelled').exists(), false);
    assert.equal((await ada.orders().orderByDesc('id').first())?.status, 'pending');
    assert.deepEqual(await ada.paidOrders().pluck('status'), ['paid']);
    assert.deepEqual((await ada.paidOrders()).length, 1, 'constraints in the relation method apply');
    const created = await grace.orders().create({ status: 'new' });
    assert.equal(created.user_id, grace.uid);
    assert.equal(await Order.where('user_id', grace.uid).count(), 1);
  });

  test('with() loads each relation per level in one query on its connection; awaiting it then sends nothing', async () => {
    const orders = await Order.with('user', 'items', 'user.profile').orderBy('id').get();
    assert.deepEqual(
      events.map((e) => e.connection),
      ['db', 'essentials', 'essentials', 'db'],
      'orders, users, profiles, items',
    );
    assert.ok(events.every((e) => !/join/i.test(e.sql)), 'never a JOIN');
    assert.deepEqual(events[1].bindings.map(Number).sort(), [ada.uid, linus.uid].sort(), 'distinct user keys');
    events = [];
    const users = await Promise.all(orders.map((o) => o.user()));
    assert.deepEqual(
      users.map((u) => u?.name ?? null),
      ['Ada', 'Ada', 'Linus', null],
    );
    assert.equal((await orders[0].items()).length, 2);
    assert.deepEqual(await orders[2].items(), []);
    assert.equal((await users[0]!.profile())?.bio, 'Analyst');
    assert.equal((await users[2]!.profile())?.bio, 'Kernel');
    assert.equal(events.length, 0, 'everything came from the eager load');
    assert.ok(users[0] === users[1], 'one related instance per key');

    const json = JSON.parse(JSON.stringify(orders[0]));
    assert.equal(json.user.name, 'Ada');
    assert.equal(json.user.profile.bio, 'Analyst');
    assert.deepEqual(json.items.map((i: { sku: string }) => i.sku).sort(), ['A-1', 'A-2']);
  });

  test('with() takes constraints; a constrained load is what awaiting that relation gives', async () => {
    const users = await User.with({ orders: (q) => q.where('status', 'paid') }).orderBy('uid').get();
    assert.deepEqual(
      (await users[0].orders()).map((o) => o.status),
      ['paid'],
    );
    const paid = await User.with('paidOrders').orderBy('uid').get();
    events = [];
    assert.equal((await paid[0].paidOrders()).length, 1);
    assert.equal(events.length, 0, 'a relation with constraints in its method is found too');
    const loaded = await grace.load('orders', 'profile');
    assert.deepEqual(await loaded.orders(), []);
    assert.equal(await loaded.profile(), null);
  });

  test('with() matches keys of two types: a key held as text finds the number it spells, both ways', async () => {
    await Note.create({ user_ref: String(ada.uid), body: 'first' });
    await Note.create({ user_ref: String(linus.uid), body: 'second' });
    await Note.create({ user_ref: `0${ada.uid}`, body: 'not a key: 0-padded text is other text' });
    await Note.create({ user_ref: String(ada.uid), body: 'third' });
    const notes = await Note.with('user').orderBy('id').get();
    assert.deepEqual(
      notes.map((n) => (n.toJSON().user as { name: string } | null)?.name ?? null),
      ['Ada', 'Linus', null, 'Ada'],
    );
    // The other way, the query is `user_ref IN (numbers)`: SQLite compares a text column with a
    // bound number as unequal (an IN list gets no affinity), so no note comes back there.
    const found = engine.driver === 'sqlite' ? [[], [], []] : [['first', 'third'], [], ['second']];
    const users = await User.with('notes', 'orders').orderBy('uid').get();
    events = [];
    assert.deepEqual(
      users.map((u) => (u.toJSON().notes as { body: string }[]).map((n) => n.body)),
      found,
    );
    assert.deepEqual(
      (await users[0].notes()).map((n) => n.body),
      found[0],
    );
    assert.equal((await users[0].orders()).length, 2, 'a second relation of the same load is found too');
    assert.equal(events.length, 0, 'everything came from the eager load');
  });

  test(`1,200 parents load their relations in a handful of queries (chunks of ${EAGER_LOAD_CHUNK_SIZE})`, async () => {
    const users = Array.from({ length: 1200 }, (_, i) => ({ name: `u${i}`, ustatusid: i % 2 }));
    for (let i = 0; i < users.length; i += 400) await essentials.table('auser').insert(users.slice(i, i + 400));
    const rows = await essentials.select<{ uid: number; name: string }>('SELECT uid, name FROM auser WHERE name LIKE ?', ['u%']);
    const nameByUid = new Map(rows.map((r) => [Number(r.uid), r.name]));
    const profiles = rows.map((r) => ({ user_uid: r.uid, bio: `bio of ${r.name}` }));
    for (let i = 0; i < profiles.length; i += 400) await essentials.table('profiles').insert(profiles.slice(i, i + 400));
    const orders = rows.map((r) => ({ user_id: r.uid, status: 'bulk' }));
    for (let i = 0; i < orders.length; i += 400) await db.table('orders').insert(orders.slice(i, i + 400));

    events = [];
    const loaded = await Order.where('status', 'bulk').with('user.profile').withCount('items').get();
    assert.equal(loaded.length, 1200);
    assert.equal(selects().length, 7, '1 orders + 2 user chunks + 2 profile chunks + 2 count chunks');
    assert.ok(events.every((e) => e.bindings.length <= EAGER_LOAD_CHUNK_SIZE + 1));
    for (const order of loaded) {
      const user = await order.user();
      assert.equal(user?.name, nameByUid.get(Number(order.user_id)));
      assert.equal((await user!.profile())?.bio, `bio of ${user!.name}`);
      assert.equal((order as Order & { items_count: number }).items_count, 0);
    }
    assert.equal(selects().length, 7, 'matching sent nothing more');
  });

  test('whereHas and whereDoesntHave filter across connections with WHERE key IN (...)', async () => {
    const statuses = (orders: Order[]) => orders.map((o) => o.status);
    const active = await Order.whereHas('user', (q) => q.where('ustatusid', 1)).orderBy('id').get();
    assert.deepEqual(statuses(active), ['paid', 'pending']);
    assert.ok(active.every((o) => o.user_id === ada.uid || Number(o.user_id) === ada.uid));
    assert.deepEqual(
      events.map((e) => e.connection),
      ['essentials', 'db'],
    );
    assert.match(events[1].sql, / in \(/i);
    assert.ok(events.every((e) => !/join/i.test(e.sql)));

    assert.equal(await Order.whereHas('user').count(), 3, 'without a callback: any related row');
    assert.equal(await Order.whereDoesntHave('user').count(), 1, 'the order without a user');
    assert.equal(await Order.whereHas('user.profile', (q) => q.where('bio', 'Kernel')).count(), 1);
    assert.equal(await Order.whereHas('items').count(), 2);
    assert.equal(await Order.where('status', 'pending').orWhereHas('user', (q) => q.where('name', 'Linus')).count(), 3);
    assert.equal(await Order.whereHas('user', (q) => q.where('name', 'Nobody')).count(), 0);

    const buyers = await User.whereHas('orders', (q) => q.where('status', 'paid')).orderBy('uid').get();
    assert.deepEqual(
      buyers.map((u) => u.name),
      ['Ada', 'Linus'],
    );
    assert.deepEqual(
      (await User.whereDoesntHave('orders').get()).map((u) => u.name),
      ['Grace'],
    );
    assert.throws(() => Order.whereHas('user').toSQL(), /whereHas/);
  });

  test('whereHas on a relation that orders its rows: the key list is read without the order (PostgreSQL refuses DISTINCT with it)', async () => {
    const names = (users: User[]) => users.map((u) => u.name);
    assert.deepEqual(names(await User.whereHas('latestOrder').orderBy('uid').get()), ['Ada', 'Linus']);
    assert.deepEqual(names(await User.whereDoesntHave('latestOrder', (q) => q.where('status', 'paid')).get()), ['Grace']);
    assert.equal((await ada.latestOrder())?.status, 'pending', 'the order still applies to the relation itself');
  });

  test('withCount sets <relation>_count from one grouped query on the other connection', async () => {
    const users = await User.withCount('orders').orderBy('uid').get();
    assert.deepEqual(
      users.map((u) => [u.name, u.orders_count]),
      [
        ['Ada', 2],
        ['Grace', 0],
        ['Linus', 1],
      ],
    );
    assert.deepEqual(
      events.map((e) => e.connection),
      ['essentials', 'db'],
    );
    assert.match(events[1].sql, /group by/i);
    const paid = await User.withCount({ 'orders as paid': (q) => q.where('status', 'paid') }).orderBy('uid').get();
    assert.deepEqual(
      paid.map((u) => (u as User & { paid: number }).paid),
      [1, 0, 1],
    );
    events = [];
    await users[0].save();
    assert.equal(events.length, 0, 'the count is not a change to save');
  });

  test('a missing relation, or a callback that returns nothing, is a clear error', async () => {
    await assert.rejects(Order.with('customer').get(), /Relation \[customer\] is not defined on model \[Order\]/);
    await assert.rejects(Order.with('notARelation').get(), /notARelation.*Order.*does not return a relation/);
    await assert.rejects(
      Order.whereHas('user', ((q: unknown) => {
        void q;
      }) as never).get(),
      /must return the query/,
    );
  });
});
