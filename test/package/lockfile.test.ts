/**
 * package-lock.json must be exactly what npm writes for package.json: otherwise
 * `npm install` in a fresh clone rewrites it and leaves a diff nobody made.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');

test('package-lock.json is what npm install writes for package.json (a fresh clone gets no diff)', () => {
  // In a copy: npm must not touch the repository's lock or node_modules.
  const dir = mkdtempSync(join(tmpdir(), 'sodb-lock-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(root, file), join(dir, file));
    // --package-lock-only: resolve and rewrite the lock only (no node_modules); --offline: a lock in
    // step with package.json needs nothing from the registry, so drift cannot hide behind a network error.
    const npm = spawnSync('npm', ['install', '--package-lock-only', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(npm.status, 0, `npm install --package-lock-only failed:\n${npm.stdout}${npm.stderr}`);
    const committed = readFileSync(join(root, 'package-lock.json'), 'utf8');
    const rewritten = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    if (rewritten !== committed) {
      const diff = spawnSync('diff', ['-u', join(root, 'package-lock.json'), join(dir, 'package-lock.json')], { encoding: 'utf8' });
      assert.fail(`npm rewrites package-lock.json (run \`npm install --package-lock-only\` and commit the result):\n${diff.stdout}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
