import { BIG_INTEGER } from '../column-type-names.js';

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

/** The TypeScript type of a MySQL/MariaDB column (mysql2 with supportBigNumbers), from its lower-case type name. */
export function mysqlColumnType(type: string): string {
  return MYSQL[type.replace(/\(.*$/, '').replace(/\s+unsigned$/, '')] ?? 'unknown';
}

