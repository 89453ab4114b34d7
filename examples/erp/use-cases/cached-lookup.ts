/**
 * The seed's advice for slow cross-database lookups: cache them.
 * `cache().remember()` reads the user from essentials once, then from the cache.
 */
import { User } from '../models.js';
import { counted, out, plural } from '../report.js';
import { cache } from '../so-database.js';

export async function cachedLookup(store: string): Promise<void> {
  out.section(4, `Cached cross-database lookup (cache store: ${store})`);
  const userId = (await User.where('email', 'grace@erp.example').first())?.uid ?? 2;
  await cache().forget(`user_${userId}`);
  const lookup = () => cache().remember(`user_${userId}`, 3600, () => User.find(userId));

  out.line(`cache().remember('user_${userId}', 3600, () => User.find(${userId})):`);
  const first = await counted(lookup);
  out.line(`  first call:  ${first.result?.name}, ${plural(first.total, 'query', 'queries')} (${first.perConnection})`);
  const second = await counted(lookup);
  out.line(
    `  second call: ${second.result?.name}, ${plural(second.total, 'query', 'queries')}; ` +
      `an instance of User again: ${second.result instanceof User ? 'yes' : 'no'}`,
  );

  // Ten requests at once for a key nobody has cached yet: the lookup runs once.
  await cache().forget(`user_${userId}`);
  const burst = await counted(() => Promise.all(Array.from({ length: 10 }, lookup)));
  out.line(`  ten concurrent calls on a cold key: ${plural(burst.total, 'query', 'queries')} on ${[...burst.counts.keys()].join(', ') || 'nothing'}`);
  await cache().forget(`user_${userId}`);
}
