/**
 * The seed's use case 2, microservices federation: one report from three
 * databases, each asked on its own connection and combined in the application.
 */
import { Order } from '../models.js';
import { amount, counted, out, plural } from '../report.js';
import { Connection } from '../so-database.js';

const DAY = 86_400_000;

export async function federatedReport(): Promise<void> {
  out.section(3, 'Federated report over three connections (essentials, inventory, db), last 30 days');
  const since = new Date(Date.now() - 30 * DAY);

  const report = await counted(async () => {
    const usersDb = Connection.getInstance('essentials');
    const productsDb = Connection.getInstance('inventory');
    // As in the seed: each service is asked separately (here in parallel), then the results are combined.
    const [users, products, orders] = await Promise.all([
      usersDb.select<{ uid: number; name: string }>('SELECT uid, name FROM auser WHERE ustatusid = ?', [1]),
      productsDb.select<{ id: number; name: string; price: number }>('SELECT id, name, price FROM products'),
      Order.where('created_at', '>', since).where('status', 'paid').with('user.department', 'items').get(),
    ]);
    const revenue = orders.reduce((sum, order) => sum + order.total, 0);

    const byDepartment = new Map<string, number>();
    const units = new Map<number, number>();
    for (const order of orders) {
      const department = (await (await order.user())?.department())?.name ?? 'none';
      byDepartment.set(department, (byDepartment.get(department) ?? 0) + order.total);
      for (const item of await order.items()) units.set(Number(item.product_id), (units.get(Number(item.product_id)) ?? 0) + item.quantity);
    }
    const [bestId, bestUnits] = [...units].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
    const best = products.find((p) => Number(p.id) === bestId)?.name ?? 'none';
    return { users: users.length, products: products.length, orders: orders.length, revenue, byDepartment, best, bestUnits };
  });

  const r = report.result;
  out.line(`Active users ${r.users} · Products ${r.products} · Paid orders ${r.orders} · Revenue ${amount(r.revenue)}`);
  const departments = [...r.byDepartment].sort((a, b) => b[1] - a[1]);
  out.line(`Revenue by department: ${departments.map(([name, total]) => `${name} ${amount(total)}`).join(' · ')}`);
  out.line(`Best seller: ${r.best} (${plural(r.bestUnits, 'unit')})`);
  out.line(`Built from ${plural(report.total, 'query', 'queries')}: ${report.perConnection}`);
}
