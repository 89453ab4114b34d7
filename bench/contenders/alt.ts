/**
 * A second copy of the library in the same run, to measure a change before
 * it lands: SODB_BENCH_ALT=/path/to/patched/src/index.ts npm run bench -- ...
 * adds `alt-select`, `alt-builder`, `alt-model` (same code as ours, other library),
 * measured in the same rounds, so the machine's noise hits both alike.
 */
import { pathToFileURL } from 'node:url';
import type { ContenderFactory } from '../contender.js';
import { levelsOf } from './sodb.js';
import { modelsOf } from './sodb-model.js';
import type { Library } from './sodb-setup.js';

export const altContenders: ContenderFactory = async (context) => {
  const path = process.env.SODB_BENCH_ALT;
  if (path === undefined || path === '') return [];
  const lib = (await import(pathToFileURL(path).href)) as Library;
  context.note(`alt-*: the library at ${path}`);
  return [...(await levelsOf(lib, 'alt')(context)), ...(await modelsOf(lib, 'alt')(context))];
};
