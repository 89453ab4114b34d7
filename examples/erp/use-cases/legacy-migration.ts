/**
 * Use case 3 of the seed, legacy integration: customers are read from the old
 * system's read-only database and copied into the new one, idempotently.
 */
import { Customer, LegacyCustomer } from '../models.js';
import { counted, out, plural } from '../report.js';
import { Connection, DB, ReadOnlyError } from '../so-database.js';

/** Copies the legacy customers that are not in the new database yet; returns the names it copied. */
export async function migrateCustomers(): Promise<string[]> {
  const legacyCustomers = await LegacyCustomer.orderBy('customer_id').get();
  // One query for the already-migrated keys, not one per customer.
  const known = new Set(
    (await Customer.whereIn('legacy_id', legacyCustomers.map((c) => c.customer_id)).pluck('legacy_id')).map(Number),
  );
  const copied: string[] = [];
  await DB.connection('db').transaction(async () => {
    for (const legacy of legacyCustomers) {
      if (known.has(Number(legacy.customer_id))) continue;
      await Customer.create({
        legacy_id: legacy.customer_id,
        name: legacy.name,
        email: legacy.email,
        phone: legacy.phone,
        migrated_at: new Date(),
      });
      copied.push(legacy.name);
    }
  });
  return copied;
}

async function legacyEncoding(driver: string): Promise<string> {
  const legacy = Connection.getInstance('legacy');
  if (driver === 'mysql') {
    const row = await legacy.selectOne<{ charset: string }>(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
    );
    return `${row?.charset} (database default, connection charset latin1)`;
  }
  if (driver === 'pgsql') {
    const row = await legacy.selectOne<{ encoding: string }>(
      'SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()',
    );
    return `${row?.encoding} (the server converts to the client's UTF8)`;
  }
  return 'plain UTF-8 text (SQLite has no latin1; the MySQL and PostgreSQL runs use a latin1 database)';
}

export async function legacyMigration(): Promise<void> {
  out.section(2, 'Legacy integration: customers migrated from the read-only legacy database');
  const legacy = Connection.getInstance('legacy');
  out.line(`legacy: ${legacy.driver}, read-only: ${legacy.readOnly ? 'yes' : 'no'}, encoding ${await legacyEncoding(legacy.driver)}`);

  const firstRun = await migrateCustomers();
  out.line(`Run 1: migrated ${plural(firstRun.length, 'customer')}: ${firstRun.join(', ')}`);
  const secondRun = await migrateCustomers();
  out.line(`Run 2: migrated ${plural(secondRun.length, 'customer')} (already there: the migration is idempotent)`);

  const zoe = await Customer.where('name', 'Zoë Müller').first();
  const original = await LegacyCustomer.where('name', 'Zoë Müller').first();
  out.line(`Accents survive the trip: "${zoe?.name}" in db is legacy customer #${original?.customer_id}, "${original?.name}"`);

  out.line('Writes to legacy are refused before anything reaches its server:');
  const row = await LegacyCustomer.orderBy('customer_id').first();
  const attempts = await counted(async () => {
    const refusals: string[] = [];
    const attempt = async (label: string, write: () => Promise<unknown>) => {
      try {
        await write();
        refusals.push(`${label} -> written?!`);
      } catch (error) {
        if (!(error instanceof ReadOnlyError)) throw error;
        refusals.push(`${label} -> ${error.name}: ${error.message}`);
      }
    };
    await attempt('LegacyCustomer.create(...)', () => LegacyCustomer.create({ name: 'New customer' }));
    await attempt('customer.delete()', async () => row?.delete());
    await attempt("legacy.insert('INSERT ...')", () => legacy.insert('INSERT INTO customers (name) VALUES (?)', ['x']));
    return refusals;
  });
  for (const refusal of attempts.result) out.line(`  ${refusal}`);
  out.line(`  statements sent for these writes: ${attempts.total}`);
}
