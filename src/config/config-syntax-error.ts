import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';

/** The part of esbuild's API used here (esbuild comes with tsx; it is not a dependency of its own). */
interface Esbuild {
  transformSync(source: string, options: { loader: 'ts' | 'js' | 'json'; format?: 'esm'; logLevel: 'silent' }): unknown;
}

interface EsbuildFailure {
  errors?: { text: string; location: { line: number; column: number; lineText: string } | null }[];
}

const nodeRequire = createRequire(import.meta.url);

/**
 * Where and why a configuration file does not parse (`syntax error at line 6, column 2:
 * Expected "}" but found ")"`), or undefined when `error` is not a syntax error of the file
 * itself (a config may throw a SyntaxError of its own making). The source line is never
 * quoted, and strings in the parser's message are left out: they may hold a password.
 *
 * @example
 * syntaxErrorIn('/srv/app/config/database.ts', error); // 'syntax error at line 6, column 2: Unexpected ")"'
 */
export function syntaxErrorIn(file: string, error: unknown): string | undefined {
  if (!(error instanceof Error) || (error.name !== 'SyntaxError' && error.name !== 'TransformError')) return undefined;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // Parsed again by esbuild (tsx's parser: the same diagnosis for .ts), for every file type:
  // V8 gives no position for an ES module loaded by require() and quotes the text around it in
  // JSON messages; tsx gives its position only inside formatted text.
  const extension = extname(file).toLowerCase();
  const loader = extension === '.json' ? 'json' : /^\.[mc]?ts$/.test(extension) ? 'ts' : 'js';
  try {
    esbuild().transformSync(source, { loader, ...(loader === 'json' ? {} : { format: 'esm' }), logLevel: 'silent' });
  } catch (failure) {
    const first = (failure as EsbuildFailure).errors?.[0];
    if (first?.location) {
      const { line, column, lineText } = first.location;
      // esbuild counts the column in bytes from 0; editors count characters from 1.
      const characters = Buffer.from(lineText).subarray(0, column).toString().length + 1;
      return `syntax error at line ${line}, column ${characters}: ${withoutStrings(first.text)}`;
    }
  }
  return undefined;
}

function esbuild(): Esbuild {
  return nodeRequire(nodeRequire.resolve('esbuild', { paths: [nodeRequire.resolve('tsx/cjs/api')] })) as Esbuild;
}

/** `Expected "}" but found "'hunter2'"` (or `"\"hunter2\""` in JSON) becomes `Expected "}" but found a string`. */
function withoutStrings(text: string): string {
  return text.replace(/"(\\?["'`])(?:(?!\1").)*\1"/g, 'a string');
}
