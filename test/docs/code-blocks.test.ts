/**
 * Every TypeScript block of the Markdown docs (README.md, docs/, bench/, any
 * other .md of the repository but generated bench results) compiles against
 * the library's types, under the repository's strict tsconfig. Convention for
 * writing them: CONTRIBUTING.md.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { checkBlocks, type DocBlock, type DocProblem, extractBlocks } from './doc-blocks.js';

const root = new URL('../..', import.meta.url).pathname;
/** Not prose: generated reports and installed or built files. */
const SKIPPED = new Set(['node_modules', 'dist', '.git', 'bench/results']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (SKIPPED.has(relative(root, path)) || entry.name.startsWith('.')) return [];
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [relative(root, path)] : [];
  });
}

function report(problems: readonly DocProblem[]): string {
  const sorted = [...problems].sort((a, b) => a.where.localeCompare(b.where, 'en', { numeric: true }));
  return sorted.map((p) => `${p.where}: ${p.message}`).join('\n');
}

function extract(files: Record<string, string>): { blocks: DocBlock[]; problems: DocProblem[] } {
  const all = Object.entries(files).map(([file, text]) => extractBlocks(file, text));
  return { blocks: all.flatMap((a) => a.blocks), problems: all.flatMap((a) => a.problems) };
}

describe('TypeScript blocks of the docs', () => {
  test('every ```ts block of every Markdown file compiles (strict, NodeNext, so-database from src)', () => {
    const files = markdownFiles(root);
    for (const required of ['README.md', 'docs/types.md', 'docs/models.md', 'docs/transactions.md', 'docs/cli.md', 'docs/read-write.md']) {
      assert.ok(files.includes(required), `${required} is among the checked files`);
    }
    const { blocks, problems } = extract(Object.fromEntries(files.map((f) => [f, readFileSync(join(root, f), 'utf8')])));
    assert.ok(blocks.filter((b) => b.check).length >= 25, `found only ${blocks.length} blocks: is the extraction broken?`);
    // A file whose blocks register generated types (`declare module 'so-database'`, docs/types.md) is
    // checked in a program of its own: the registration would type every other file's connections.
    const registering = new Set(blocks.filter((b) => b.check && /declare module 'so-database'/.test(b.code)).map((b) => b.file));
    const shared = blocks.filter((b) => !registering.has(b.file));
    const own = [...registering].flatMap((file) => checkBlocks(root, blocks.filter((b) => b.file === file)));
    const all = [...problems, ...checkBlocks(root, shared), ...own];
    assert.equal(all.length, 0, `TypeScript blocks in the docs do not compile:\n${report(all)}`);
  });

  // The checker itself, on made-up Markdown (one compiler run for the three cases below).
  const broken = ['# t', '', '```ts', "import { Connection } from 'so-database';", '', "const n: number = Connection.getInstance('db');", '```', ''].join('\n');
  const withPreamble = [
    '<!-- ts-preamble',
    "import { Connection, Model } from 'so-database';",
    'declare const db: Connection;',
    'class Order extends Model { declare id: number; }',
    'interface Report { total: number }',
    '-->',
    '```typescript',
    'const rows = await db.select("SELECT 1");',
    'const o = await Order.find(1);',
    'const n: number = o!.id + rows.length;',
    'const r: Report = { total: n };',
    '```',
    '```ts',
    "class Order { static find(_: number): string { return ''; } }",
    'const s: string = Order.find(1);',
    '```',
    '```ts no-check',
    'this is not TypeScript',
    '```',
    '```ts',
    'const wrong: string = db;',
    '```',
    '```ts nocheck',
    '```',
  ].join('\n');
  const badPreamble = ['<!-- ts-preamble', "import { Nope } from 'so-database';", '-->', '```ts', 'Nope;', '```'].join('\n');
  const made = extract({ 'guide.md': broken, 'p.md': withPreamble, 'e.md': badPreamble });
  let checked: DocProblem[] | undefined;
  const errorsIn = (file: string) => {
    checked ??= checkBlocks(root, made.blocks);
    return checked.filter((p) => p.where.startsWith(`${file}:`));
  };

  test('a block that does not compile is reported at its Markdown line with the message', () => {
    const problems = errorsIn('guide.md');
    assert.equal(problems.length, 1, report(problems));
    assert.deepEqual(problems[0], { where: 'guide.md:6', message: `TS2322: Type 'Connection<"db">' is not assignable to type 'number'.` });
  });

  test('preambles give names to later blocks; a block declaring a name shadows it; no-check is skipped', () => {
    assert.deepEqual(
      made.blocks.filter((b) => b.file === 'p.md').map((b) => [b.line, b.check]),
      [
        [8, true],
        [14, true],
        [18, false],
        [21, true],
        [24, true],
      ],
    );
    assert.deepEqual(made.problems, [{ where: 'p.md:23', message: 'unknown code block flag nocheck (known: no-check)' }]);
    const errors = errorsIn('p.md');
    assert.equal(errors.length, 1, report(errors));
    assert.equal(errors[0].where, 'p.md:21');
    assert.match(errors[0].message, /^TS2322: Type 'Connection<string>' is not assignable to type 'string'/);
  });

  test('an error inside a preamble is reported at its line in the comment', () => {
    const errors = errorsIn('e.md');
    assert.ok(errors.length >= 1, report(errors));
    assert.equal(errors[0].where, 'e.md:2 (ts-preamble)');
    assert.match(errors[0].message, /TS2305: Module '"so-database"' has no exported member 'Nope'/);
  });
});
