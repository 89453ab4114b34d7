/** Creates the tables on every connection and fills them with a small company's data. */
import { CONNECTIONS, type ConnectionName, type DemoDatabases } from './databases.js';
import { tablesFor } from './schema.js';
import { DB } from './so-database.js';

const DAY = 86_400_000;

const departments = ['Engineering', 'Sales', 'Finance'];

/** name, email, employee id, designation, department (index above), active */
const users: [string, string, string, string, number, number][] = [
  ['Ada Lovelace', 'ada@erp.example', 'EMP001', 'Engineer', 0, 1],
  ['Grace Hopper', 'grace@erp.example', 'EMP002', 'Sales lead', 1, 1],
  ['Alan Turing', 'alan@erp.example', 'EMP003', 'Engineer', 0, 1],
  ['Katherine Johnson', 'katherine@erp.example', 'EMP004', 'Analyst', 2, 1],
  ['Linus Torvalds', 'linus@erp.example', 'EMP005', 'Contractor', 0, 0],
];

const products = [
  { sku: 'KB-01', name: 'Mechanical keyboard', price: 129 },
  { sku: 'MS-02', name: 'Wireless mouse', price: 49.5 },
  { sku: 'MN-27', name: '27" monitor', price: 329 },
  { sku: 'DK-10', name: 'Docking station', price: 219.99 },
  { sku: 'HS-05', name: 'Headset', price: 89.9 },
];

/** order number, user (index above), status, days ago, [product (index above), quantity][] */
const orders: [string, number, string, number, [number, number][]][] = [
  ['ORD-1001', 0, 'paid', 2, [[0, 2], [1, 2]]],
  ['ORD-1002', 1, 'paid', 5, [[2, 2]]],
  ['ORD-1003', 0, 'pending', 1, [[3, 1]]],
  ['ORD-1004', 2, 'paid', 12, [[0, 3], [4, 3]]],
  ['ORD-1005', 3, 'paid', 20, [[2, 1], [3, 1]]],
  ['ORD-1006', 4, 'cancelled', 3, [[1, 1]]],
  ['ORD-1007', 1, 'paid', 8, [[0, 1], [2, 1]]],
  ['ORD-1008', 0, 'paid', 45, [[4, 2]]],
];

/** The old system's customers, with the accents latin1 was chosen for. */
const legacyCustomers = [
  { customer_id: 101, name: 'José Martínez', email: 'jose@old.example', phone: '+34 91 555 0101' },
  { customer_id: 102, name: 'Zoë Müller', email: 'zoe@old.example', phone: '+49 30 555 0102' },
  { customer_id: 103, name: 'François Dupont', email: 'francois@old.example', phone: '+33 1 55 50 01 03' },
  { customer_id: 104, name: 'Åsa Öberg', email: 'asa@old.example', phone: '+46 8 555 0104' },
  { customer_id: 105, name: 'Ana Peña', email: 'ana@old.example', phone: '+52 55 5550 0105' },
];

const cents = (amount: number) => Math.round(amount * 100) / 100;

/** Tables and rows on every connection. The legacy database is written here, before it is opened read-only. */
export async function seed(databases: DemoDatabases): Promise<void> {
  await DB.configure({ default: 'db', connections: databases.options });
  for (const name of CONNECTIONS) {
    for (const ddl of tablesFor(name, databases.drivers[name])) await DB.connection(name).statement(ddl);
  }
  const table = (connection: ConnectionName, name: string) => DB.connection(connection).table(name);
  const departmentIds: unknown[] = [];
  for (const name of departments) departmentIds.push(await table('essentials', 'departments').insertGetId({ name }));
  const userIds: unknown[] = [];
  for (const [name, email, empid, designation, department, ustatusid] of users) {
    userIds.push(
      await table('essentials', 'auser').insertGetId(
        { name, email, password: 'not-a-real-hash', empid, designation, department_id: departmentIds[department], ustatusid },
        'uid',
      ),
    );
  }
  const productIds: unknown[] = [];
  for (const product of products) productIds.push(await table('inventory', 'products').insertGetId(product));
  await table('legacy', 'customers').insert(legacyCustomers);

  const now = Math.floor(Date.now() / 1000) * 1000;
  for (const [number, user, status, daysAgo, items] of orders) {
    const total = cents(items.reduce((sum, [product, quantity]) => sum + products[product].price * quantity, 0));
    const created = new Date(now - daysAgo * DAY);
    const id = await table('db', 'orders').insertGetId({
      user_id: userIds[user], order_number: number, total, status, created_at: created, updated_at: created,
    });
    await table('db', 'order_items').insert(
      items.map(([product, quantity]) => ({ order_id: id, product_id: productIds[product], quantity, price: products[product].price })),
    );
  }
  await DB.disconnect();
}
