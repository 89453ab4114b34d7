/**
 * so-database ERP demo: the seed document's use cases, end to end.
 *
 *   npm run demo                     SQLite files in a temporary folder (nothing to install)
 *   DEMO_DRIVER=mysql npm run demo   MariaDB/MySQL at 127.0.0.1:3306 (DEMO_MYSQL_HOST/PORT/USER/PASSWORD)
 *   DEMO_DRIVER=pgsql npm run demo   PostgreSQL at 127.0.0.1:5432 (DEMO_PG_HOST/PORT/USER/PASSWORD)
 *   DEMO_DRIVER=mixed npm run demo   db and legacy on MariaDB, essentials on PostgreSQL, inventory on SQLite
 *   DEMO_CACHE=redis                 the cache in Redis (REDIS_URL, default redis://127.0.0.1:6379)
 */
import { createDatabases, type DemoDatabases } from './databases.js';
import { out } from './report.js';
import { seed } from './seed.js';
import { cache, DB, env } from './so-database.js';
import { cachedLookup } from './use-cases/cached-lookup.js';
import { federatedReport } from './use-cases/federated-report.js';
import { legacyMigration } from './use-cases/legacy-migration.js';
import { sharedUsers } from './use-cases/shared-users.js';

async function main(): Promise<void> {
  const started = performance.now();
  const mode = env('DEMO_DRIVER', 'sqlite');
  const store = env('DEMO_CACHE', 'memory') === 'redis' ? 'redis' : 'memory';
  let databases: DemoDatabases | undefined;
  try {
    databases = await createDatabases(mode);
    await seed(databases);

    // The application's configuration: four connections, the legacy one read-only.
    const { options } = databases;
    await DB.configure({
      default: 'db',
      connections: { ...options, legacy: { ...options.legacy, readOnly: true } },
      cache: store === 'redis' ? { store: 'redis', url: env('REDIS_URL', 'redis://127.0.0.1:6379'), prefix: 'sodb-demo:' } : { store: 'memory' },
    });
    out.title('so-database ERP demo');
    out.line(`Databases: ${databases.description}`);
    out.line(
      `Connections: ${Object.entries(databases.drivers)
        .map(([name, driver]) => `${name} (${driver}${name === 'legacy' ? ', read-only' : ''})`)
        .join(' · ')}`,
    );

    await sharedUsers();
    await legacyMigration();
    await federatedReport();
    await cachedLookup(store);

    out.line('');
    out.title(`Done in ${((performance.now() - started) / 1000).toFixed(2)} s; closing every connection.`);
  } finally {
    // Nothing keeps the process alive afterwards: pools and the cache's connection are closed.
    await cache().disconnect().catch(() => {});
    await DB.disconnect();
    await databases?.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
