import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DB, Model, type QueryEvent } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

class Product extends Model {
  static table = 'products';
  static connection = 'master';
  static readConnection = 'replica';
  declare id: number;
  declare name: string;
  reviews() {
    return this.hasMany(Review, 'product_id');
  }
}

class Review extends Model {
  static table = 'reviews';
  static connection = 'master';
  static readConnection = 'replica';
  declare id: number;
  declare product_id: number;
  declare stars: number;
}

// Two separate databases stand for a primary and its replica, so where a read went shows in what it returns.
describeEachEngine('static readConnection', (engine) => {
  let master: ThrowawayDatabase;
  let replica: ThrowawayDatabase;
  let events: QueryEvent[] = [];
  let stop: () => void;

  before(async () => {
    master = await engine.createDatabase();
    replica = await engine.createDatabase();
    await DB.configure({ default: 'master', connections: { master: master.options, replica: replica.options } });
    for (const name of ['master', 'replica']) {
      const connection = DB.connection(name);
      await connection.statement(`CREATE TABLE products (${autoIncrement(engine.driver)}, name VARCHAR(50))`);
      await connection.statement(`CREATE TABLE reviews (${autoIncrement(engine.driver)}, product_id INT, stars INT)`);
      await connection.insert('INSERT INTO products (name) VALUES (?)', [`from ${name}`]);
      await connection.insert('INSERT INTO reviews (product_id, stars) VALUES (?, ?)', [1, name === 'master' ? 5 : 3]);
    }
    stop = DB.listen((event) => events.push(event));
  });

  after(async () => {
    stop();
    await DB.disconnect();
    await master.drop();
    await replica.drop();
  });

  test('reads go to readConnection: find, get, first, count, exists, pluck, all, relations', async () => {
    events = [];
    assert.equal((await Product.find(1))?.name, 'from replica');
    assert.deepEqual(
      (await Product.all()).map((p) => p.name),
      ['from replica'],
    );
    assert.equal((await Product.where('id', 1).first())?.name, 'from replica');
    assert.equal(await Product.count(), 1);
    assert.equal(await Product.where('name', 'from replica').exists(), true);
    assert.deepEqual(await Product.pluck('name'), ['from replica']);
    const product = (await Product.with('reviews').first())!;
    assert.deepEqual(
      (await product.reviews()).map((r) => r.stars),
      [3],
    );
    assert.ok(events.every((e) => e.connection === 'replica'));
  });

  test('useWriter() and an open transaction on the write connection read from it', async () => {
    assert.equal((await Product.query().useWriter().find(1))?.name, 'from master');
    await assert.rejects(
      DB.connection('master').transaction(async () => {
        assert.equal((await Product.find(1))?.name, 'from master');
        const created = await Product.create({ name: 'new' });
        assert.equal((await Product.find(created.id))?.name, 'new', 'the transaction sees its own write');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal((await Product.find(1))?.name, 'from replica');
  });

  test('writes go to the write connection', async () => {
    events = [];
    const created = await Product.create({ name: 'written' });
    created.name = 'renamed';
    await created.save();
    await Product.where('name', 'nothing').update({ name: 'x' });
    await created.delete();
    assert.ok(events.length >= 4);
    assert.ok(events.every((e) => e.connection === 'master'));
    assert.deepEqual(await DB.connection('replica').select('SELECT name FROM products'), [{ name: 'from replica' }]);
  });
});
