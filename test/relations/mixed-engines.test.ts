import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DB, Model, type QueryEvent } from '../../src/index.js';
import { autoIncrement, engine, type ThrowawayDatabase } from '../support/engines.js';

class Profile extends Model {
  static table = 'profiles';
  static connection = 'local';
  declare id: number;
  declare user_uid: number;
  declare bio: string;
}

class User extends Model {
  static table = 'auser';
  static connection = 'essentials';
  static primaryKey = 'uid';
  declare uid: number;
  declare name: string;
  profile() {
    return this.hasOne(Profile, 'user_uid', 'uid');
  }
  orders() {
    return this.hasMany(Order, 'user_id', 'uid');
  }
  items() {
    return this.hasManyThrough(Item, Order, 'user_id', 'order_id', 'uid', 'id');
  }
}

class Tag extends Model {
  static table = 'tags';
  static connection = 'essentials';
  declare id: number;
  declare name: string;
}

class Item extends Model {
  static table = 'items';
  static connection = 'local';
  declare id: number;
  declare order_id: number;
  declare sku: string;
}

class Order extends Model {
  static table = 'orders';
  static connection = 'db';
  static casts = { total: 'number' } as const;
  declare id: number;
  declare user_id: number;
  declare total: number;
  user() {
    return this.belongsTo(User, 'user_id', 'uid');
  }
  tags() {
    return this.belongsToMany(Tag, 'order_tag', 'order_id', 'tag_id').using('local').withPivot('note');
  }
}

const mariadb = engine('mariadb');
const postgres = engine('postgres');
const sqlite = engine('sqlite');
const required = process.env.SO_DB_REQUIRE_SERVERS === '1';
const skip = required ? false : (mariadb.skipReason ?? postgres.skipReason ?? false);

describe('one relation chain over three engines: order on MariaDB, user on PostgreSQL, profile on SQLite', { skip }, () => {
  const databases: ThrowawayDatabase[] = [];
  let events: QueryEvent[] = [];
  let stop: () => void;

  before(async () => {
    const [main, essentials, local] = await Promise.all([mariadb.createDatabase(), postgres.createDatabase(), sqlite.createDatabase()]);
    databases.push(main, essentials, local);
    await DB.configure({
      default: 'db',
      connections: { db: main.options, essentials: essentials.options, local: local.options },
    });
    await DB.connection('db').statement(`CREATE TABLE orders (${autoIncrement('mysql')}, user_id INT, total DECIMAL(10,2))`);
    await DB.connection('essentials').statement(`CREATE TABLE auser (${autoIncrement('pgsql', 'uid')}, name VARCHAR(50))`);
    await DB.connection('local').statement(`CREATE TABLE profiles (${autoIncrement('sqlite')}, user_uid INT, bio TEXT)`);
    await DB.connection('essentials').statement(`CREATE TABLE tags (${autoIncrement('pgsql')}, name VARCHAR(50))`);
    await DB.connection('local').statement('CREATE TABLE order_tag (order_id INT NOT NULL, tag_id INT NOT NULL, note TEXT, PRIMARY KEY (order_id, tag_id))');
    await DB.connection('local').statement(`CREATE TABLE items (${autoIncrement('sqlite')}, order_id INT, sku TEXT)`);
    const ada = await User.create({ name: 'Ada' });
    const grace = await User.create({ name: 'Grace' });
    await Profile.create({ user_uid: ada.uid, bio: 'Analyst' });
    const first = await Order.create({ user_id: ada.uid, total: '120.50' });
    const second = await Order.create({ user_id: grace.uid, total: '80.25' });
    await Order.create({ user_id: ada.uid, total: '10.00' });
    const urgent = await Tag.create({ name: 'urgent' });
    const gift = await Tag.create({ name: 'gift' });
    await first.tags().attach({ [urgent.id]: { note: 'call first' }, [gift.id]: { note: 'wrap it' } });
    await second.tags().attach(gift);
    await Item.create({ order_id: first.id, sku: 'A-1' });
    await Item.create({ order_id: first.id, sku: 'A-2' });
    await Item.create({ order_id: second.id, sku: 'G-1' });
    stop = DB.listen((event) => events.push(event));
  });

  after(async () => {
    stop?.();
    await DB.disconnect();
    await Promise.all(databases.map((d) => d.drop()));
  });

  test('eager loading crosses the three engines, one query on each', async () => {
    events = [];
    const orders = await Order.with('user.profile').orderBy('id').get();
    assert.deepEqual(
      events.map((e) => e.connection),
      ['db', 'essentials', 'local'],
    );
    const rows = await Promise.all(
      orders.map(async (o) => {
        const user = await o.user();
        return [o.total, user?.name, (await user?.profile())?.bio ?? null];
      }),
    );
    assert.deepEqual(rows, [
      [120.5, 'Ada', 'Analyst'],
      [80.25, 'Grace', null],
      [10, 'Ada', 'Analyst'],
    ]);
    assert.equal(events.length, 3, 'matching sent nothing');
  });

  test('whereHas and withCount cross engines too', async () => {
    const withProfile = await Order.whereHas('user.profile').orderBy('id').get();
    assert.deepEqual(
      withProfile.map((o) => o.total),
      [120.5, 10],
    );
    const users = await User.withCount('orders').orderBy('uid').get();
    assert.deepEqual(
      users.map((u) => [u.name, (u as User & { orders_count: number }).orders_count]),
      [
        ['Ada', 2],
        ['Grace', 1],
      ],
    );
    const total = (await (await User.where('name', 'Ada').first())!.orders()).reduce((sum, o) => sum + o.total, 0);
    assert.equal(total, 130.5);
  });

  test('belongsToMany with the pivot on a third engine: order on MariaDB, order_tag on SQLite, tag on PostgreSQL', async () => {
    events = [];
    const orders = await Order.with('tags').withCount('tags').orderBy('id').get();
    assert.deepEqual(
      events.map((e) => e.connection),
      ['db', 'local', 'essentials', 'local', 'essentials'],
    );
    const tags = await Promise.all(orders.map(async (o) => (await o.tags()).map((t) => `${t.name}:${t.pivot.note ?? ''}`).sort()));
    assert.deepEqual(tags, [['gift:wrap it', 'urgent:call first'], ['gift:'], []]);
    assert.deepEqual(
      orders.map((o) => (o as Order & { tags_count: number }).tags_count),
      [2, 1, 0],
    );
    assert.equal(events.length, 5, 'matching sent nothing');
    const urgent = await Order.whereHas('tags', (q) => q.where('name', 'urgent')).get();
    assert.deepEqual(
      urgent.map((o) => o.total),
      [120.5],
    );

    const third = orders[2];
    const gift = (await Tag.where('name', 'gift').first())!;
    assert.deepEqual(await third.tags().sync({ [gift.id]: { note: 'late' } }), { attached: [gift.id], detached: [], updated: [] });
    assert.deepEqual(
      (await third.tags().get()).map((t) => t.pivot.note),
      ['late'],
      'get() reads again; the loaded relation stays what with() loaded, as in Eloquent',
    );
    await assert.rejects(
      DB.transaction(['db', 'local'], async () => {
        const order = await Order.create({ user_id: orders[0].user_id, total: '1.00' });
        await order.tags().attach(gift.id);
        await third.tags().detach();
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal(await Order.count(), 3, 'the order insert on MariaDB rolled back');
    assert.equal(await DB.connection('local').table('order_tag').count(), 4, 'and the pivot writes on SQLite with it');
    await third.tags().detach();
  });

  test('hasManyThrough across three engines: user on PostgreSQL, orders on MariaDB, items on SQLite', async () => {
    events = [];
    const users = await User.with('items').withCount('items').orderBy('uid').get();
    assert.deepEqual(
      events.map((e) => e.connection),
      ['essentials', 'db', 'local', 'db', 'local'],
    );
    const skus = await Promise.all(users.map(async (u) => (await u.items()).map((i) => i.sku).sort()));
    assert.deepEqual(skus, [['A-1', 'A-2'], ['G-1']]);
    assert.deepEqual(
      users.map((u) => (u as User & { items_count: number }).items_count),
      [2, 1],
    );
    const withG = await User.whereHas('items', (q) => q.where('sku', 'like', 'G%')).get();
    assert.deepEqual(
      withG.map((u) => u.name),
      ['Grace'],
    );
  });
});
