#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (TypeScript through tsx).
// Before that it says which engines run and which are skipped, and why.
// SO_DB_REQUIRE_SERVERS=1 (CI) turns an unreachable server into failures.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : files(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const servers = [
  ['MariaDB/MySQL', '127.0.0.1', 3306],
  ['PostgreSQL', '127.0.0.1', 5432],
  ['Redis', '127.0.0.1', 6379],
];
const required = process.env.SO_DB_REQUIRE_SERVERS === '1';
console.log('so-database tests: SQLite always runs.');
for (const [name, host, port] of servers) {
  const up = await reachable(host, port);
  if (up) console.log(`  ${name} at ${host}:${port}: reachable, its suites run.`);
  else if (required) console.log(`  ${name} at ${host}:${port}: NOT reachable; SO_DB_REQUIRE_SERVERS=1, so its suites FAIL.`);
  else console.log(`  ${name} at ${host}:${port}: not reachable, its suites are SKIPPED (start it, or see README).`);
}

const selected = process.argv.slice(2);
const testFiles = (selected.length > 0 ? selected : files(join(root, 'test'))).map((f) => relative(root, f)).sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.SO_DB_TEST_CONCURRENCY ?? 2}`, ...testFiles],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
