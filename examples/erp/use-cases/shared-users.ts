/**
 * Use case 1, the ERP pattern: orders in the main database, users and
 * departments in the shared essentials database, products in inventory.
 * Relations cross the databases without a JOIN.
 */
import { Order, User } from '../models.js';
import { amount, counted, out, plural } from '../report.js';

export async function sharedUsers(): Promise<void> {
  out.section(1, 'ERP with a shared user database: orders (db), users (essentials), products (inventory)');

  // The seed's own example: Order::find(1)->user() queries the essentials database.
  const first = await Order.query().orderBy('id').first();
  if (first !== null) {
    const customer = await first.user();
    out.line(`Order #${first.id} belongs to ${customer?.name ?? 'nobody'} (order read on db, user on essentials)`);
  }

  const loaded = await counted(() =>
    Order.with('user.department', 'items.product').where('status', '!=', 'cancelled').orderBy('order_number').get(),
  );
  for (const order of loaded.result) {
    const user = await order.user();
    const department = await user?.department();
    const items = await order.items();
    const lines = await Promise.all(items.map(async (item) => `${item.quantity} × ${(await item.product())?.name}`));
    out.line(
      `${order.order_number}  ${order.status.padEnd(8)} ${amount(order.total).padStart(9)}  ` +
        `${`${user?.name} (${department?.name})`.padEnd(32)} ${lines.join(', ')}`,
    );
  }
  out.line(
    `Loaded ${plural(loaded.result.length, 'order')} with users, departments, items and products in ` +
      `${plural(loaded.total, 'query', 'queries')}: ${loaded.perConnection}. No cross-database JOIN.`,
  );

  const all = await Order.count();
  const active = await counted(() => Order.whereHas('user', (q) => q.where('ustatusid', 1)).count());
  out.line(
    `Orders of active users (whereHas across connections): ${active.result} of ${all}, in ${plural(active.total, 'query', 'queries')} (${active.perConnection})`,
  );

  const users = await User.withCount('orders').orderByDesc('uid').get();
  users.sort((a, b) => (b.orders_count ?? 0) - (a.orders_count ?? 0) || a.uid - b.uid);
  out.line(`Orders per user (withCount): ${users.map((u) => `${u.name} ${u.orders_count}`).join(' · ')}`);
}
