import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { type EngineName, engine, MYSQL, POSTGRES } from '../support/engines.js';

const root = new URL('../..', import.meta.url).pathname;
const required = process.env.SO_DB_REQUIRE_SERVERS === '1';

/** Runs the demo as `npm run demo` does (without the build), and returns its exit code and output. */
function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/erp/main.ts'], {
      cwd: root,
      // The servers the other suites use (SO_DB_TEST_*), not the demo's own defaults.
      env: {
        ...process.env,
        NO_COLOR: '1',
        DEMO_MYSQL_HOST: MYSQL.host,
        DEMO_MYSQL_PORT: String(MYSQL.port),
        DEMO_MYSQL_USER: MYSQL.user,
        DEMO_MYSQL_PASSWORD: MYSQL.password,
        DEMO_PG_HOST: POSTGRES.host,
        DEMO_PG_PORT: String(POSTGRES.port),
        DEMO_PG_USER: POSTGRES.user,
        DEMO_PG_PASSWORD: POSTGRES.password,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    // The demo must exit on its own: a hanging pool or cache connection would keep this waiting.
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const runs: { title: string; driver: string; needs: EngineName[] }[] = [
  { title: 'SQLite files (the default)', driver: 'sqlite', needs: [] },
  { title: 'MariaDB', driver: 'mysql', needs: ['mariadb'] },
  { title: 'PostgreSQL', driver: 'pgsql', needs: ['postgres'] },
  { title: 'MariaDB + PostgreSQL + SQLite', driver: 'mixed', needs: ['mariadb', 'postgres'] },
];

describe('npm run demo', () => {
  for (const run of runs) {
    const reason = run.needs.map((name) => engine(name).skipReason).find((r) => r !== undefined);
    test(`plays the four use cases on ${run.title} and exits on its own`, { skip: required ? false : (reason ?? false) }, async () => {
      const { code, stdout, stderr } = await runDemo({
        DEMO_DRIVER: run.driver,
        DEMO_DATABASE_PREFIX: `sodb_demo_t${randomBytes(3).toString('hex')}_`,
        DEMO_CLEANUP: '1',
      });
      assert.equal(code, 0, `exit code; stderr: ${stderr}`);
      assert.equal(stderr, '');
      const expected = [
        /^so-database ERP demo$/m,
        /Order #1 belongs to Ada Lovelace/,
        /ORD-1001 +paid +357\.00 +Ada Lovelace \(Engineering\) +2 × Mechanical keyboard, 2 × Wireless mouse/,
        /Loaded 7 orders with users, departments, items and products in 5 queries: .*No cross-database JOIN/,
        /Orders of active users \(whereHas across connections\): 7 of 8/,
        /Orders per user \(withCount\): Ada Lovelace 3 · Grace Hopper 2/,
        /Run 1: migrated 5 customers: José Martínez, Zoë Müller, François Dupont, Åsa Öberg, Ana Peña/,
        /Run 2: migrated 0 customers/,
        /"Zoë Müller" in db is legacy customer #102, "Zoë Müller"/,
        /LegacyCustomer\.create\(\.\.\.\) -> ReadOnlyError: Connection \[legacy\] is read-only: create refused\./,
        /legacy\.insert\('INSERT \.\.\.'\) -> ReadOnlyError: Connection \[legacy\] is read-only: insert refused\./,
        /statements sent for these writes: 0/,
        /Active users 4 · Products 5 · Paid orders 5 · Revenue 2,678\.69/,
        /Best seller: Mechanical keyboard \(6 units\)/,
        /first call: +Grace Hopper, 1 query \(essentials 1\)/,
        /second call: Grace Hopper, 0 queries; an instance of User again: yes/,
        /ten concurrent calls on a cold key: 1 query on essentials/,
        /^Done in [\d.]+ s/m,
      ];
      for (const line of expected) assert.match(stdout, line);
      if (run.driver === 'mysql') assert.match(stdout, /encoding latin1/);
      if (run.driver === 'pgsql') assert.match(stdout, /encoding LATIN1/);
    });
  }
});
