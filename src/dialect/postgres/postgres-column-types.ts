import { BIG_INTEGER } from '../column-type-names.js';

const POSTGRES: Readonly<Record<string, string>> = {
  int2: 'number',
  int4: 'number',
  oid: 'number',
  float4: 'number',
  float8: 'number',
  int8: BIG_INTEGER,
  numeric: 'string',
  money: 'string',
  bool: 'boolean',
  date: 'Date',
  timestamp: 'Date',
  timestamptz: 'Date',
  json: 'unknown',
  jsonb: 'unknown',
  bytea: 'Uint8Array',
};

/** postgres.js returns every type it does not parse (text, uuid, enums, intervals, ...) as its text. */
export function postgresColumnType(type: string): string {
  const known = POSTGRES[type];
  if (known !== undefined) return known;
  if (type.startsWith('_')) {
    // An array of a type postgres.js parses; arrays of other types arrive as their text.
    const element = POSTGRES[type.slice(1)];
    if (element !== undefined) return element.includes(' ') ? `(${element})[]` : `${element}[]`;
    if (['_text', '_varchar', '_bpchar', '_uuid'].includes(type)) return 'string[]';
  }
  return 'string';
}

