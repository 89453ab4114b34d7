import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { type Connection, DB, Model } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';
import { refused } from './query-refusal.js';

/**
 * What the query builder and model queries do with input they cannot turn into SQL:
 * a QueryError (a DatabaseError) that names the connection and the method, before
 * anything is sent, and never a line on the console.
 */
describeEachEngine('query builder input', (engine) => {
  let database: ThrowawayDatabase;
  let db: Connection;
  const printed: string[] = [];
  const originals = { log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug };

  class Order extends Model {
    static table = 'orders';
    static connection = 'db';
    declare id: number;
    owner() {
      return this.belongsTo(Order, 'user_id', 'id');
    }
  }

  before(async () => {
    database = await engine.createDatabase();
    await DB.configure({ default: 'db', connections: { db: database.options } });
    db = DB.connection('db');
    await db.statement(`CREATE TABLE orders (${autoIncrement(engine.driver)}, user_id INT, total INT, status VARCHAR(20), note VARCHAR(50))`);
    await db.table('orders').insert([
      { user_id: 1, total: 100, status: 'pending', note: null },
      { user_id: 1, total: 250, status: 'paid', note: 'x' },
      { user_id: 2, total: 75, status: 'pending', note: null },
    ]);
    const name = engine.driver === 'mysql' ? '`first name`' : '"first name"';
    await db.statement(`CREATE TABLE people (${name} VARCHAR(20))`);
    await db.insert(`INSERT INTO people (${name}) VALUES (?), (?)`, ['ada', 'bob']);
  });

  after(async () => {
    await DB.disconnect();
    await database.drop();
  });

  // Every console channel is watched: nothing the builder refuses may print (Kysely's deprecation notice did).
  beforeEach(() => {
    printed.length = 0;
    for (const name of Object.keys(originals) as (keyof typeof originals)[]) {
      console[name] = (...args: unknown[]) => void printed.push(`${name}: ${args.map(String).join(' ')}`);
    }
  });
  afterEach(() => {
    Object.assign(console, originals);
    assert.deepEqual(printed, [], 'nothing printed');
  });

  const orders = () => db.table('orders');

  test("orderBy('id desc') is a QueryError that says how to write it, with nothing on the console", async () => {
    await refused('orderBy', () => orders().orderBy('id desc').get(), /orderBy\("id", 'desc'\)/);
    await refused('orderBy', () => orders().orderBy('id ASC ').get());
    await refused('orderBy', () => Order.orderBy('total desc').get());
    assert.deepEqual((await orders().orderBy('id', 'desc').pluck('total')).map(Number), [75, 250, 100]);
    // A column whose name holds a space is a column.
    assert.deepEqual(await db.table('people').orderBy('first name', 'desc').pluck('first name'), ['bob', 'ada']);
  });

  const badValues: [string, unknown, RegExp][] = [
    ['undefined', undefined, /it is undefined \(use null for SQL NULL\)/],
    ['a function', () => 1, /it is a function/],
    ['a symbol', Symbol('s'), /it is a symbol/],
    ['an object', { a: 1 }, /it is an object/],
    ['an array', [1, 2], /it is an array \(for a list of values use whereIn\(\)\)/],
    ['NaN', Number.NaN, /it is NaN/],
    ['an invalid Date', new Date('nope'), /it is an invalid Date/],
  ];

  test('a value the builder cannot bind is a QueryError naming the method, on every path', async () => {
    for (const [, value, says] of badValues) {
      await refused('where', () => orders().where('user_id', value).get(), says);
      await refused('where', () => orders().where('user_id', '>', value).get(), says);
      await refused('orWhere', () => orders().where('user_id', 1).orWhere('total', value).get(), says);
      await refused('where', () => orders().where({ user_id: 1, total: value }).get(), says);
      await refused('where', () => orders().where((q) => q.where('total', value)).get(), says);
      await refused('find', () => orders().find(value), Array.isArray(value) ? /it is an array/ : says);
      await refused('find', () => Order.find(value));
      await refused('find', () => Order.query().find(value));
      await refused('where', () => Order.where('total', value).get(), says);
      if (!Array.isArray(value)) {
        await refused('whereIn', () => orders().whereIn('user_id', [1, value]).get(), /values\[1\]/);
        await refused('whereNotIn', () => orders().whereNotIn('user_id', [value]).get());
      }
    }
    for (const value of [undefined, () => 1, Symbol('s'), { a: 1 }, Number.NaN, new Date('nope'), engine.driver === 'pgsql' ? [undefined] : [1]]) {
      await refused('insert', () => orders().insert({ user_id: 9, note: value }), /the value for "note"/);
      await refused('insert', () => orders().insert([{ user_id: 9 }, { user_id: 9, note: value }]));
      await refused('update', () => orders().where('id', 1).update({ note: value }), /the value for "note"/);
      await refused('update', () => Order.where('id', 1).update({ note: value }));
    }
    assert.equal(await orders().count(), 3, 'nothing was written');
  });

  test('where(c, [1, 2]) is the same QueryError whatever ran before (the compiled-SQL cache keys the value kind)', async () => {
    const message = async () => {
      try {
        await orders().where('user_id', [1, 2]).get();
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    const first = await message();
    assert.equal((await orders().where('user_id', 1).get()).length, 2);
    const afterScalar = await message();
    assert.equal(first, afterScalar);
    assert.match(first, /^Connection \[db\]: where\(\) cannot bind the value for "user_id": it is an array/);
    assert.equal((await orders().where('user_id', 2).get()).length, 1, 'the scalar shape still works after it');
  });

  test('null takes =, !=, <>, is and is not only; is/is not take null only', async () => {
    for (const operator of ['>', '<', '>=', '<=', 'like', 'not like']) {
      await refused('where', () => orders().where('note', operator, null).get(), new RegExp(`"note" ${operator} null`));
    }
    await refused('where', () => orders().where('note', 'is', 'x').get(), /"is" with null only/);
    await refused('orWhere', () => orders().where('id', 1).orWhere('note', 'is not', 1).get(), /"is not" with null only/);
    const totals = async (query: ReturnType<typeof orders>) => (await query.orderBy('id').pluck('total')).map(Number);
    assert.deepEqual(await totals(orders().where('note', '=', null)), [100, 75]);
    assert.deepEqual(await totals(orders().where('note', null)), [100, 75]);
    assert.deepEqual(await totals(orders().where('note', 'is', null)), [100, 75]);
    assert.deepEqual(await totals(orders().where('note', '!=', null)), [250]);
    assert.deepEqual(await totals(orders().where('note', '<>', null)), [250]);
    assert.deepEqual(await totals(orders().where('note', 'IS NOT', null)), [250]);
  });

  test('operators, directions and argument counts the builder does not know', async () => {
    for (const operator of ['in', 'between', ';', '=<', 5, undefined, null]) {
      await refused('where', () => orders().where('id', operator as string, 1).get(), /does not know the operator/);
    }
    await refused('where', () => (orders().where as (...args: unknown[]) => unknown)('id'), /takes \(column, value\) or \(column, operator, value\), got 1 arguments/);
    await refused('where', () => (orders().where as (...args: unknown[]) => unknown)('id', '=', 1, 2), /got 4 arguments/);
    for (const direction of ['up', ' desc', 5, null]) {
      await refused('orderBy', () => orders().orderBy('id', direction as 'asc').get(), /direction must be asc or desc/);
    }
  });

  test('names: empty, with NUL, too many dots, not a string, or renamed twice', async () => {
    const names: unknown[] = ['', '  ', 'id\0x', 'a.b.c.d', 'a..b', undefined, 5, {}, Symbol('s')];
    for (const name of names) {
      const column = name as string;
      await refused('where', () => orders().where(column, 1).get());
      await refused('whereIn', () => orders().whereIn(column, [1]).get());
      await refused('whereNull', () => orders().whereNull(column).get());
      await refused('whereNotNull', () => orders().whereNotNull(column).get());
      await refused('orderBy', () => orders().orderBy(column).get());
      await refused('select', () => orders().select(column).get());
      await refused('pluck', () => orders().pluck(column));
      await refused('value', () => orders().value(column));
      await refused('sum', () => orders().sum(column));
      await refused('max', () => orders().max(column));
      await refused('table', () => db.table(column).get());
      if (typeof name === 'string' && name !== '') {
        await refused('count', () => orders().count(column));
        await refused('insert', () => orders().insert({ [column]: 1 }));
        await refused('update', () => orders().update({ [column]: 1 }));
        await refused('insertGetId', () => orders().insertGetId({ total: 1 }, column));
      }
    }
    await refused('select', () => orders().select('total as a as b').get(), /one " as " renames a column/);
    await refused('table', () => db.table('a.b.c').get(), /at most 2 dot-separated parts/);
    assert.equal(await orders().count(), 3);
  });

  test('limit and offset take whole numbers of rows only', async () => {
    for (const count of [-1, 1.5, '5', Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, null, undefined]) {
      await refused('limit', () => orders().limit(count as number).get(), /takes a whole number of rows/);
      await refused('offset', () => orders().offset(count as number).get(), /takes a whole number of rows/);
      await refused('limit', () => Order.limit(count as number).get());
    }
    assert.equal((await orders().limit(0).get()).length, 0);
  });

  test('where forms: an empty object or group adds nothing, a callback must return the query', async () => {
    assert.equal((await orders().where({}).get()).length, 3);
    assert.equal((await orders().where((q) => q).get()).length, 3);
    await refused('where', () => orders().where((() => undefined) as never).get(), /callback must return the query/);
    await refused('where', () => orders().where(null as never).get(), /takes a column name, an object of conditions or a callback, got null/);
    await refused('where', () => orders().where([1, 2] as never).get(), /got an array/);
    await refused('where', () => orders().where(new Map() as never).get());
    await refused('whereIn', () => orders().whereIn('id', 'abc' as never).get(), /takes an array of values, got "abc"/);
    await refused('whereIn', () => orders().whereIn('id', new Set([1]) as never).get());
    await refused('whereIn', () => orders().whereIn('id', undefined as never).get());
  });

  test('insert and update take objects of column values', async () => {
    await refused('insert', () => orders().insert(5 as never), /takes an object of column values, got 5/);
    await refused('insert', () => orders().insert(null as never));
    await refused('insert', () => orders().insert({}), /needs at least one column value/);
    await refused('insert', () => orders().insert([{ total: 1 }, 5] as never));
    await refused('update', () => orders().update({}), /needs at least one column value/);
    await refused('update', () => orders().update(null as never));
    await refused('insertGetId', () => orders().insertGetId([] as never));
    assert.equal(await orders().count(), 3);
  });

  test('model relations that do not exist, or are not named by a string: a QueryError naming the method, nothing sent', async () => {
    await refused('with', () => Order.with('customer').get(), /cannot load "customer": Relation \[customer\] is not defined on model \[Order\]/);
    await refused('with', () => Order.with('owner.nope').get(), /cannot load "owner.nope": Relation \[nope\] is not defined on model \[Order\]/);
    await refused('with', () => Order.with(undefined as never).get(), /takes relation names/);
    await refused('with', () => Order.with({ owner: 5 } as never).get(), /takes a callback for "owner", got 5/);
    await refused('withCount', () => Order.withCount('nope').get());
    await refused('withCount', () => Order.withCount(5 as never).get());
    await refused('whereHas', () => Order.whereHas('nope').get());
    await refused('whereHas', () => Order.whereHas(undefined as never).get(), /takes a relation name, got undefined/);
    await refused('whereHas', () => Order.whereHas('owner', 'x' as never).get(), /takes a callback/);
    await refused('whereDoesntHave', () => Order.whereDoesntHave('nope').count());
    // The relations that exist still load.
    const loaded = await Order.with('owner').whereIn('id', [1]).get();
    assert.equal(loaded.length, 1);
  });

  test("select('*') and select('orders.*') select every column", async () => {
    const row = await orders().select('*').where('id', 1).first();
    assert.deepEqual(Object.keys(row ?? {}).sort(), ['id', 'note', 'status', 'total', 'user_id']);
    const both = await orders().select('orders.*', 'total as amount').where('id', 1).first();
    assert.equal(Number(both?.amount), 100);
    assert.equal(Number(both?.total), 100);
  });
});
