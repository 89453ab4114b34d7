/**
 * Extracts the TypeScript blocks of Markdown files and type-checks them in one
 * compiler run, with this repository's tsconfig and `so-database` resolved to
 * its sources. The convention the docs follow is in CONTRIBUTING.md:
 *
 * - every ```ts / ```typescript block is a module of its own and must compile;
 * - ```ts no-check marks a block that is not meant to compile (rare);
 * - `<!-- ts-preamble ... -->` holds hidden TypeScript (imports, `declare`d
 *   values, helper classes) whose top-level names every later block of that
 *   file sees, unless the block declares or imports the same name itself; a
 *   later preamble replaces it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface Preamble {
  /** Markdown file, as given to `extractBlocks`. */
  file: string;
  /** 1-based line of the preamble's first line of code. */
  line: number;
  code: string;
}

export interface DocBlock {
  file: string;
  /** 1-based line of the block's first line of code (the line after the fence). */
  line: number;
  code: string;
  check: boolean;
  preamble: Preamble | undefined;
}

export interface DocProblem {
  /** `file:line` in the Markdown (or a source file of the repository). */
  where: string;
  message: string;
}

const TS_LANGUAGES = new Set(['ts', 'typescript']);
const FLAGS = new Set(['no-check']);

/** The TypeScript blocks of one Markdown text, with the preamble in force for each, and mistakes in the convention. */
export function extractBlocks(file: string, text: string): { blocks: DocBlock[]; problems: DocProblem[] } {
  const lines = text.split(/\r?\n/);
  const blocks: DocBlock[] = [];
  const problems: DocProblem[] = [];
  let preamble: Preamble | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    if (open !== null) {
      const [, indent, fence, info] = open;
      const closing = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      let end = i + 1;
      while (end < lines.length && !closing.test(lines[end])) end++;
      const [language = '', ...flags] = info.trim().split(/\s+/);
      if (TS_LANGUAGES.has(language.toLowerCase())) {
        const unknown = flags.filter((f) => !FLAGS.has(f));
        if (unknown.length > 0) problems.push({ where: `${file}:${i + 1}`, message: `unknown code block flag ${unknown.join(' ')} (known: ${[...FLAGS].join(', ')})` });
        const code = lines
          .slice(i + 1, end)
          .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()))
          .join('\n');
        blocks.push({ file, line: i + 2, code, check: !flags.includes('no-check'), preamble });
      }
      i = end;
      continue;
    }
    const comment = /^\s*<!--\s*ts-preamble\b(.*)$/.exec(lines[i]);
    if (comment !== null) {
      let end = i;
      while (end < lines.length && !lines[end].includes('-->')) end++;
      if (end === lines.length) {
        problems.push({ where: `${file}:${i + 1}`, message: 'ts-preamble comment is not closed with -->' });
        break;
      }
      const body = [comment[1], ...lines.slice(i + 1, end + 1)];
      body[body.length - 1] = body[body.length - 1].slice(0, body[body.length - 1].lastIndexOf('-->'));
      if (end === i) body.splice(1); // opened and closed on one line
      preamble = { file, line: i + 1, code: body.join('\n') };
      i = end;
    }
  }
  return { blocks, problems };
}

type NameKind = 'value' | 'type';

/** Names a module declares or imports at its top level, and whether each is a type only. */
function topLevelNames(source: ts.SourceFile): { names: Map<string, NameKind>; exported: Set<string> } {
  const names = new Map<string, NameKind>();
  const exported = new Set<string>();
  const add = (name: string, kind: NameKind, isExported = false) => {
    if (names.get(name) !== 'value') names.set(name, kind);
    if (isExported) exported.add(name);
  };
  const addBinding = (binding: ts.BindingName, isExported: boolean) => {
    if (ts.isIdentifier(binding)) add(binding.text, 'value', isExported);
    else for (const element of binding.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name, isExported);
  };
  for (const statement of source.statements) {
    const isExported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isImportDeclaration(statement) && statement.importClause !== undefined) {
      const clause = statement.importClause;
      const clauseKind: NameKind = clause.isTypeOnly ? 'type' : 'value';
      if (clause.name !== undefined) add(clause.name.text, clauseKind);
      const bindings = clause.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) add(bindings.name.text, clauseKind);
      if (bindings !== undefined && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) add(element.name.text, element.isTypeOnly ? 'type' : clauseKind);
      }
    } else if (ts.isImportEqualsDeclaration(statement)) {
      add(statement.name.text, 'value', isExported);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name, isExported);
    } else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) {
      if (statement.name !== undefined) add(statement.name.text, 'value', isExported);
    } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
      add(statement.name.text, 'value', isExported);
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      add(statement.name.text, 'type', isExported);
    }
  }
  return { names, exported };
}

function parse(fileName: string, code: string): ts.SourceFile {
  return ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
}

/** `"so-database"` and its subpaths, mapped from package.json `exports` (dist/*.d.ts) to src/*.ts. */
function packagePaths(root: string): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, unknown> };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const types = typeof target === 'string' ? target : (target as Record<string, unknown>).types;
    if (typeof types !== 'string' || !types.startsWith('./dist/') || !types.endsWith('.d.ts')) continue;
    const source = join(root, 'src', `${types.slice('./dist/'.length, -'.d.ts'.length)}.ts`);
    paths[subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`] = [source];
  }
  return paths;
}

interface Generated {
  /** Maps a line (0-based) of the generated file to a place in the Markdown. */
  where(line: number): string;
}

/**
 * Writes every checked block (and the preambles they use) as a module in a
 * temporary folder and type-checks them all in one program. Returns one
 * problem per compiler error, placed in the Markdown.
 */
export function checkBlocks(root: string, blocks: readonly DocBlock[]): DocProblem[] {
  const dir = mkdtempSync(join(tmpdir(), 'sodb-doc-blocks-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, moduleDetection: 'force', paths: packagePaths(root) },
        include: ['blocks/**/*.ts'],
      }),
    );
    const generated = new Map<string, Generated>();
    const preambleFiles = new Map<Preamble, { path: string; names: Map<string, NameKind> }>();
    const write = (path: string, code: string, where: Generated) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, code);
      generated.set(resolve(path), where);
    };
    const base = (file: string) => join(dir, 'blocks', relative(root, resolve(root, file)).replace(/[^A-Za-z0-9_/-]/g, '_'));

    for (const block of blocks) {
      if (!block.check) continue;
      let header = '';
      const preamble = block.preamble;
      if (preamble !== undefined) {
        let file = preambleFiles.get(preamble);
        if (file === undefined) {
          const path = join(base(preamble.file), `preamble-${preamble.line}.ts`);
          const { names, exported } = topLevelNames(parse(path, preamble.code));
          const values = [...names].filter(([n, k]) => k === 'value' && !exported.has(n)).map(([n]) => n);
          const types = [...names].filter(([n, k]) => k === 'type' && !exported.has(n)).map(([n]) => n);
          const exports = `${values.length > 0 ? `export { ${values.join(', ')} };` : ''} ${types.length > 0 ? `export type { ${types.join(', ')} };` : ''}`;
          const lastLine = preamble.line + preamble.code.split('\n').length - 1;
          write(path, `${preamble.code}\n${exports}\n`, { where: (l) => `${preamble.file}:${Math.min(preamble.line + l, lastLine)} (ts-preamble)` });
          file = { path, names };
          preambleFiles.set(preamble, file);
        }
        const own = topLevelNames(parse('block.ts', block.code)).names;
        const wanted = [...file.names].filter(([n]) => !own.has(n)).map(([n, k]) => (k === 'type' ? `type ${n}` : n));
        if (wanted.length > 0) header = `import { ${wanted.join(', ')} } from './preamble-${preamble.line}.js';`;
      }
      // Line 0 is the header, so line k of the file is line k-1 of the block.
      write(join(base(block.file), `block-${block.line}.ts`), `${header}\n${block.code}\n`, {
        where: (l) => `${block.file}:${l === 0 ? block.line - 1 : block.line + l - 1}`,
      });
    }

    const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (config === undefined) throw new Error('cannot read the generated tsconfig.json');
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
    // Only the generated modules are checked: the sources are the repository's own typecheck's business (and would triple the time).
    const ours = program.getSourceFiles().filter((f) => generated.has(resolve(f.fileName)));
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ];
    return diagnostics.map((d) => {
      const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      if (d.file === undefined || d.start === undefined) return { where: '(compiler)', message };
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const place = generated.get(resolve(d.file.fileName));
      return { where: place !== undefined ? place.where(line) : `${relative(root, d.file.fileName)}:${line + 1}`, message };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
