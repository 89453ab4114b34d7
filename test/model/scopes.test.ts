import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Connection, DatabaseError, DB, Model, type ModelQuery, QueryError, type ScopedQuery, type Scopes } from '../../src/index.js';
import { autoIncrement, describeEachEngine, type ThrowawayDatabase } from '../support/engines.js';

class Invoice extends Model {
  static table = 'invoices';
  static scopes = {
    paid: (q) => q.where('status', 'paid'),
    ofStatus: (q, status: string) => q.where('status', status),
    between: (q, low: number, high?: number) => q.where('total', '>=', low).when(high, (r, h) => r.where('total', '<=', h)),
    // A scope may use any query method.
    largestPaid: (q) => q.where('status', 'paid').orderByDesc('total').limit(1),
  } satisfies Scopes<Invoice>;
  declare id: number;
  declare client_id: number;
  declare status: string;
  declare total: number;
}
type ScopedInvoices = ScopedQuery<typeof Invoice>;

/** On another connection: relation callbacks call the related model's scopes across databases. */
class Client extends Model {
  static table = 'clients';
  static connection = 'crm';
  declare id: number;
  declare name: string;
  invoices() {
    return this.hasMany(Invoice, 'client_id');
  }
}

class Broken extends Model {
  static table = 'invoices';
  static scopes = { forgetful: (q: ModelQuery<Broken>) => void q.where('status', 'paid') } as never;
}

class Clashing extends Model {
  static table = 'invoices';
  static scopes = { where: (q: ModelQuery<Clashing>) => q } as never;
}

describeEachEngine('local scopes', (engine) => {
  let billing: ThrowawayDatabase;
  let crm: ThrowawayDatabase;
  let db: Connection;

  before(async () => {
    billing = await engine.createDatabase();
    crm = await engine.createDatabase();
    await DB.configure({ default: 'billing', connections: { billing: billing.options, crm: crm.options } });
    db = DB.connection('billing');
    await db.statement(`CREATE TABLE invoices (${autoIncrement(engine.driver)}, client_id INT, status VARCHAR(20), total INT)`);
    for (const [client, status, total] of [[1, 'paid', 100], [1, 'open', 50], [2, 'paid', 300], [2, 'void', 10], [3, 'open', 70]] as const) {
      await db.insert('INSERT INTO invoices (client_id, status, total) VALUES (?, ?, ?)', [client, status, total]);
    }
    await DB.connection('crm').statement(`CREATE TABLE clients (${autoIncrement(engine.driver)}, name VARCHAR(20))`);
    for (const name of ['Ada', 'Bob', 'Cy']) await DB.connection('crm').insert('INSERT INTO clients (name) VALUES (?)', [name]);
  });

  after(async () => {
    await DB.disconnect();
    await billing.drop();
    await crm.drop();
  });

  const totals = (invoices: Invoice[]) => invoices.map((i) => Number(i.total));

  test('a scope is a method of the model’s queries, with its arguments, chained with anything', async () => {
    assert.deepEqual(totals(await Invoice.query().paid().orderBy('total').get()), [100, 300]);
    assert.deepEqual(totals(await Invoice.query().ofStatus('open').orderBy('total').get()), [50, 70]);
    assert.deepEqual(totals(await Invoice.query().where('client_id', 2).paid().get()), [300]);
    assert.deepEqual(totals(await Invoice.query().between(60).orderBy('total').get()), [70, 100, 300]);
    assert.deepEqual(totals(await Invoice.query().between(60, 150).orderBy('total').get()), [70, 100]);
    assert.deepEqual(totals(await Invoice.query().largestPaid().get()), [300]);
    assert.equal(await Invoice.query().paid().count(), 2);
    assert.equal(await Invoice.query().ofStatus('void').paid().exists(), false);
    // Queries stay immutable: a scope returns a new query.
    const base = Invoice.query().orderBy('total');
    const paid = base.paid();
    assert.equal((await base.get()).length, 5);
    assert.equal((await paid.get()).length, 2);
  });

  test('scopes in relation callbacks and on relation queries, across connections', async () => {
    const payers = await Client.whereHas('invoices', (q: ScopedInvoices) => q.paid()).orderBy('name').pluck<string>('name');
    assert.deepEqual(payers, ['Ada', 'Bob']);
    const clients = await Client.with({ invoices: (q: ScopedInvoices) => q.ofStatus('open') }).orderBy('id').get();
    assert.deepEqual(
      clients.map((c) => [c.name, ((c.toJSON().invoices ?? []) as Invoice[]).map((i) => Number(i.total))]),
      [['Ada', [50]], ['Bob', []], ['Cy', [70]]],
    );
    const counted = await Client.withCount({ 'invoices as paid_count': (q: ScopedInvoices) => q.paid() }).orderBy('id').get();
    assert.deepEqual(counted.map((c) => (c as unknown as { paid_count: number }).paid_count), [1, 1, 0]);
  });

  test('a scope that does not return a query, or is named like a query method, is refused', async () => {
    await assert.rejects(
      async () => (Broken.query() as unknown as { forgetful(): ModelQuery<Broken> }).forgetful().get(),
      (error: unknown) => {
        assert.ok(error instanceof QueryError);
        assert.match(error.message, /\[billing\].*forgetful\(\).*must return the query/);
        return true;
      },
    );
    assert.throws(() => Clashing.query(), (error: unknown) => {
      assert.ok(error instanceof DatabaseError);
      assert.match(error.message, /Clashing.*\[where\]/);
      return true;
    });
  });
});
