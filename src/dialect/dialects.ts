import type { DriverName } from '../config/types.js';
import type { Dialect } from './dialect.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

const dialects: Record<DriverName, Dialect> = {
  mysql: mysqlDialect,
  pgsql: postgresDialect,
  sqlite: sqliteDialect,
};

export function dialectFor(driver: DriverName): Dialect {
  return dialects[driver];
}
