/**
 * The peak-RSS children run plain JavaScript on plain `node`, as an
 * application ships, not under tsx: tsx's loader hooks cost memory per
 * loaded module, which would charge a library of many modules (ours, Kysely)
 * for the bench's tooling. This transpiles src/ and bench/ (no type check,
 * a second or two) into a temporary folder that links the repository's node_modules.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'results' ? [] : tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Transpiles src/ and bench/; returns the folder (its `bench/rss-child.js` is the child's entry). */
export function transpileForChildren(): string {
  const out = join(tmpdir(), `sodb-bench-js-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: true,
    useDefineForClassFields: true,
  };
  for (const file of [...tsFiles(join(ROOT, 'src')), ...tsFiles(join(ROOT, 'bench'))]) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

export function removeTranspiled(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
}
