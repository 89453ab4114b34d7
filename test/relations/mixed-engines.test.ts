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
    const ada = await User.create({ name: 'Ada' });
    const grace = await User.create({ name: 'Grace' });
    await Profile.create({ user_uid: ada.uid, bio: 'Analyst' });
    await Order.create({ user_id: ada.uid, total: '120.50' });
    await Order.create({ user_id: grace.uid, total: '80.25' });
    await Order.create({ user_id: ada.uid, total: '10.00' });
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
});
