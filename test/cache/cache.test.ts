import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { cache, DB, Model, type QueryEvent } from '../../src/index.js';
import { autoIncrement, engine, reachable, type ThrowawayDatabase } from '../support/engines.js';

class User extends Model {
  static table = 'auser';
  static primaryKey = 'uid';
  static casts = { joined_at: 'date' } as const;
  declare uid: number;
  declare name: string;
  declare joined_at: Date;
}

class Order extends Model {
  static table = 'orders';
  declare id: number;
  declare user_id: number;
  user() {
    return this.belongsTo(User, 'user_id', 'uid');
  }
}

const REDIS_URL = 'redis://127.0.0.1:6379';

const redisUp = await reachable('127.0.0.1', 6379);
const redisSkip = redisUp || process.env.SO_DB_REQUIRE_SERVERS === '1' ? false : 'Redis not reachable at 127.0.0.1:6379';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const store of ['memory', 'redis'] as const) {
  describe(`cache() on the ${store} store`, { skip: store === 'redis' ? redisSkip : false }, () => {
    let database: ThrowawayDatabase;
    const prefix = `sodb-test-${randomBytes(4).toString('hex')}:`;
    let events: QueryEvent[] = [];
    let stop: () => void;

    before(async () => {
      database = await engine('sqlite').createDatabase();
      await DB.configure({
        default: 'db',
        connections: { db: database.options },
        cache: store === 'redis' ? { store: 'redis', url: REDIS_URL, prefix } : { store: 'memory', max: 100 },
      });
      const db = DB.connection('db');
      await db.statement(`CREATE TABLE auser (${autoIncrement('sqlite', 'uid')}, name TEXT, joined_at TEXT)`);
      await db.statement(`CREATE TABLE orders (${autoIncrement('sqlite')}, user_id INT)`);
      const ada = await User.create({ name: 'Ada', joined_at: new Date('2020-05-06T07:08:09Z') });
      await Order.create({ user_id: ada.uid });
      stop = DB.listen((event) => events.push(event));
    });

    after(async () => {
      stop();
      await cache().flush();
      await cache().disconnect();
      await DB.disconnect();
      await database.drop();
    });

    test('put, get, has, forget; null is a value, undefined is a miss', async () => {
      const c = cache();
      assert.equal(await c.get('missing'), undefined);
      await c.put('k', { a: 1, list: [1, 'two'], when: new Date('2021-01-01T00:00:00Z'), big: 10n }, 60);
      assert.deepEqual(await c.get('k'), { a: 1, list: [1, 'two'], when: new Date('2021-01-01T00:00:00Z'), big: 10n });
      assert.equal(await c.has('k'), true);
      await c.put('nothing', null);
      assert.equal(await c.get('nothing'), null);
      assert.equal(await c.has('nothing'), true);
      assert.equal(await c.forget('k'), true);
      assert.equal(await c.forget('k'), false);
      assert.equal(await c.get('k'), undefined);
      await c.put('tricky', { __date: 'not a tag', __model: 'x' });
      assert.deepEqual(await c.get('tricky'), { __date: 'not a tag', __model: 'x' });
    });

    test('entries expire after their TTL in seconds', async () => {
      await cache().put('short', 'lived', 0.05);
      assert.equal(await cache().get('short'), 'lived');
      await pause(150);
      assert.equal(await cache().get('short'), undefined);
      await cache().put('gone', 'x', 0);
      assert.equal(await cache().has('gone'), false, 'a TTL of 0 stores nothing');
    });

    test('a model comes back as an instance of its class, with its loaded relations', async () => {
      const order = (await Order.with('user').first())!;
      await cache().put('order_1', order, 60);
      events = [];
      const back = await cache().get<Order>('order_1');
      assert.ok(back instanceof Order);
      assert.notEqual(back, order, 'a copy');
      assert.equal(back.id, order.id);
      assert.ok(back.$isPersisted);
      assert.deepEqual(back.$dirty, {});
      const user = await back.user();
      assert.ok(user instanceof User);
      assert.equal(user.name, 'Ada');
      assert.ok(user.joined_at instanceof Date);
      assert.equal(user.joined_at.toISOString(), '2020-05-06T07:08:09.000Z');
      assert.equal(events.length, 0, 'the relation came from the cache');
      back.user_id = 99;
      assert.deepEqual(back.$dirty, { user_id: 99 });
    });

    test('remember runs the callback once for concurrent calls on a missing key', async () => {
      let calls = 0;
      const lookup = async () => {
        calls++;
        await pause(20);
        return User.where('name', 'Ada').first();
      };
      events = [];
      const results = await Promise.all(Array.from({ length: 10 }, () => cache().remember('user_ada', 3600, lookup)));
      assert.equal(calls, 1);
      assert.equal(events.length, 1, 'one query for ten callers');
      assert.ok(results.every((u) => u instanceof User && u.name === 'Ada'));
      const again = await cache().remember('user_ada', 3600, lookup);
      assert.equal(calls, 1, 'a hit runs nothing');
      assert.ok(again instanceof User);
      assert.equal(again.name, 'Ada');
    });

    const onlyShared = store === 'memory' ? 'only a shared store holds models written by another process' : false;
    test('a cached model of a class this process does not know: get explains, remember recomputes', { skip: onlyShared }, async () => {
      // As another process would have written it.
      const raw = JSON.stringify({ __model: 'NeverDefinedModel', attributes: { id: 1 }, relations: {}, exists: true });
      const redis = new Redis(REDIS_URL);
      await redis.set(`${prefix}ghost`, raw);
      await redis.quit();
      await assert.rejects(cache().get('ghost'), /NeverDefinedModel.*boot\(\)/);
      assert.equal(await cache().remember('ghost', 60, () => 'recomputed'), 'recomputed');
      assert.equal(await cache().get('ghost'), 'recomputed');
    });

    test('flush removes this cache entries', async () => {
      await cache().put('a', 1);
      await cache().put('b', 2);
      let outside: Redis | undefined;
      if (store === 'redis') {
        outside = new Redis(REDIS_URL);
        await outside.set(`other-app-${prefix}`, 'keep me');
      }
      await cache().flush();
      assert.equal(await cache().get('a'), undefined);
      assert.equal(await cache().get('b'), undefined);
      if (outside !== undefined) {
        assert.equal(await outside.get(`other-app-${prefix}`), 'keep me', 'keys outside the prefix survive');
        await outside.del(`other-app-${prefix}`);
        await outside.quit();
      }
    });
  });
}

describe('cache() follows the configuration', () => {
  after(async () => {
    await DB.disconnect();
  });

  test('DB.configure gives a new cache; without a cache key the store is in memory', async () => {
    await DB.configure({ connections: { db: { driver: 'sqlite', database: ':memory:' } } });
    const first = cache();
    assert.equal(cache(), first);
    await first.put('x', 1);
    await DB.configure({ connections: { db: { driver: 'sqlite', database: ':memory:' } } });
    assert.notEqual(cache(), first);
    assert.equal(await cache().get('x'), undefined);
  });
});
