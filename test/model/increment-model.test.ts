import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { type Connection, DB, Model, type QueryEvent, QueryError, ReadOnlyError } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { columnTypes } from './column-types.js';

class Product extends Model {
  static table = 'products';
  static timestamps = true;
  declare id: number;
  declare name: string;
  declare stock: number;
  declare price: string | number;
  declare status: string;
  declare created_at: Date;
  declare updated_at: Date;
}

/** The same table without timestamps, and with the price cast to a number. */
class PlainProduct extends Model {
  static table = 'products';
  static casts = { price: 'number' } as const;
  declare id: number;
  declare stock: number;
  declare price: number;
  declare updated_at: Date | null;
}

class FrozenProduct extends Model {
  static table = 'products';
  static readOnly = true;
  declare id: number;
}

describeEachEngine('increment and decrement on models', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  let events: QueryEvent[] = [];
  let stop: () => void;
  const past = new Date('2001-02-03T04:05:06Z');

  const row = async (id: number) => {
    const r = (await db.selectOne('SELECT stock, price, status, updated_at FROM products WHERE id = ?', [id]))!;
    return { stock: Number(r.stock), price: Number(r.price), status: r.status, updated_at: r.updated_at };
  };

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = DB.connection('db');
    const t = columnTypes(engine.driver);
    await db.statement(
      `CREATE TABLE products (${autoIncrement(engine.driver)}, name VARCHAR(40), stock INT, price ${t.decimal}, status VARCHAR(20), created_at ${t.datetime} NULL, updated_at ${t.datetime} NULL)`,
    );
    stop = DB.listen((event) => events.push(event));
  });

  beforeEach(async () => {
    await db.delete('DELETE FROM products');
    for (const [name, stock] of [['pen', 10], ['ink', 3], ['pad', 0]] as const) {
      await db.insert('INSERT INTO products (name, stock, price, status, updated_at) VALUES (?, ?, ?, ?, ?)', [name, stock, '2.50', 'ok', past]);
    }
    events = [];
  });

  after(async () => {
    stop();
    await DB.disconnect();
    await database.drop();
  });

  test('an instance increments its own row in one UPDATE, takes the value and stays clean; updated_at is touched', async () => {
    const pen = (await Product.where('name', 'pen').first())!;
    const ink = (await Product.where('name', 'ink').first())!;
    events = [];
    assert.equal(await pen.increment('stock'), 1);
    assert.equal(events.length, 1, 'one statement');
    assert.match(events[0].sql, /^update/i);
    assert.equal(pen.stock, 11);
    assert.deepEqual(pen.$dirty, {});
    assert.ok(pen.updated_at.getTime() > past.getTime(), 'the instance’s updated_at moved');
    const stored = await row(pen.id);
    assert.equal(stored.stock, 11);
    assert.ok(new Date(stored.updated_at as string).getTime() > past.getTime(), 'the row’s updated_at moved');
    assert.equal((await row(ink.id)).stock, 3, 'other rows untouched');

    await pen.decrement('stock', 4, { status: 'low' });
    assert.equal(pen.stock, 7);
    assert.equal(pen.status, 'low');
    assert.deepEqual(pen.$dirty, {}, 'the extra columns count as saved');
    assert.deepEqual({ ...(await row(pen.id)), updated_at: undefined }, { stock: 7, price: 2.5, status: 'low', updated_at: undefined });
    events = [];
    await pen.save();
    assert.equal(events.length, 0, 'nothing left to save');
  });

  test('a DECIMAL the driver gives as a string is read back; a cast number is added in place; no timestamps: updated_at left alone', async () => {
    const pen = (await Product.where('name', 'pen').first())!;
    await pen.increment('price', 0.25);
    assert.equal(Number(pen.price), 2.75);
    assert.deepEqual(pen.$dirty, {});

    const plain = (await PlainProduct.where('stock', 3).first())!;
    events = [];
    await plain.decrement('price', 0.5);
    assert.equal(events.length, 1, 'no read-back for a number attribute');
    assert.equal(plain.price, 2);
    assert.deepEqual(plain.$dirty, {});
    assert.equal(new Date((await row(plain.id)).updated_at as string).getTime(), past.getTime());
    await plain.increment('stock', 2n);
    assert.equal((await row(plain.id)).stock, 5);
  });

  test('a model query increments every matching row in one statement and returns the affected count', async () => {
    events = [];
    assert.equal(await Product.where('stock', '>', 0).increment('stock', 5, { status: 'restocked' }), 2);
    assert.equal(events.length, 1);
    const rows = (await db.select('SELECT name, stock, status FROM products ORDER BY id')).map((r) => [r.name, Number(r.stock), r.status]);
    assert.deepEqual(rows, [
      ['pen', 15, 'restocked'],
      ['ink', 8, 'restocked'],
      ['pad', 0, 'ok'],
    ]);
    const touched = await db.select('SELECT updated_at FROM products WHERE stock > 0');
    assert.ok(touched.every((r) => new Date(r.updated_at as string).getTime() > past.getTime()), 'timestamps: updated_at set');
    assert.equal(await PlainProduct.where('name', 'pad').decrement('stock'), 1);
    assert.equal((await db.selectOne('SELECT stock FROM products WHERE name = ?', ['pad']))?.stock, -1);
  });

  test('refusals: a model not saved yet, a read-only model, an amount that is not a number', async () => {
    await assert.rejects(new Product().increment('stock'), (error: unknown) => {
      assert.ok(error instanceof QueryError);
      assert.match(error.message, /\[db\].*increment\(\).*not saved/);
      return true;
    });
    const frozen = (await FrozenProduct.query().first())!;
    await assert.rejects(frozen.increment('stock'), ReadOnlyError);
    await assert.rejects(FrozenProduct.query().decrement('stock'), ReadOnlyError);
    const pen = (await Product.where('name', 'pen').first())!;
    await assert.rejects(pen.increment('stock', '5' as never), /\[db\].*increment\(\) takes a finite number/);
    await assert.rejects(Product.query().decrement('stock', Number.NaN), /decrement\(\) takes a finite number/);
    await assert.rejects(Product.query().increment('stock', 1, [1] as never), /increment\(\) takes the extra columns/);
    assert.equal(pen.stock, 10, 'a refused increment leaves the instance as it was');
    assert.equal((await row(pen.id)).stock, 10);
  });
});
