import type { DriverName } from '../config/types.js';

/**
 * The TypeScript type of a column's values as this library's drivers return them
 * (mysql2 with supportBigNumbers, postgres.js with int8 as a number while exact,
 * better-sqlite3), from the type name the engine's catalog reports.
 */
export function typeScriptType(driver: DriverName, dataType: string): string {
  const type = dataType.trim().toLowerCase();
  if (driver === 'mysql') return mysqlType(type);
  if (driver === 'pgsql') return postgresType(type);
  return sqliteType(type);
}

const BIG_INTEGER = 'number | string'; // a string beyond Number.MAX_SAFE_INTEGER

const MYSQL: Readonly<Record<string, string>> = {
  tinyint: 'number',
  smallint: 'number',
  mediumint: 'number',
  int: 'number',
  integer: 'number',
  year: 'number',
  float: 'number',
  double: 'number',
  real: 'number',
  bigint: BIG_INTEGER,
  decimal: 'string',
  numeric: 'string',
  date: 'Date',
  datetime: 'Date',
  timestamp: 'Date',
  time: 'string',
  char: 'string',
  varchar: 'string',
  tinytext: 'string',
  text: 'string',
  mediumtext: 'string',
  longtext: 'string',
  enum: 'string',
  set: 'string',
  json: 'unknown',
  binary: 'Uint8Array',
  varbinary: 'Uint8Array',
  tinyblob: 'Uint8Array',
  blob: 'Uint8Array',
  mediumblob: 'Uint8Array',
  longblob: 'Uint8Array',
  bit: 'Uint8Array',
  uuid: 'string',
  inet4: 'string',
  inet6: 'string',
};

function mysqlType(type: string): string {
  return MYSQL[type.replace(/\(.*$/, '').replace(/\s+unsigned$/, '')] ?? 'unknown';
}

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
function postgresType(type: string): string {
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

/** SQLite's type affinity rules (section 3.1 of its datatype page), plus date-like names kept as text. */
function sqliteType(type: string): string {
  if (type.includes('int')) return 'number';
  if (type.includes('char') || type.includes('clob') || type.includes('text')) return 'string';
  if (type === '') return 'unknown';
  if (type.includes('blob')) return 'Uint8Array';
  if (type.includes('real') || type.includes('floa') || type.includes('doub')) return 'number';
  if (type.includes('date') || type.includes('time')) return 'string';
  return 'number';
}
