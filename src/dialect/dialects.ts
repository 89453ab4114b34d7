import type { DriverName, Topology } from '../config/types.js';
import type { Dialect } from './dialect.js';
import { galeraDialect } from './mysql/galera-dialect.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

const dialects: Record<DriverName, Dialect> = {
  mysql: mysqlDialect,
  pgsql: postgresDialect,
  sqlite: sqliteDialect,
};

/** A cluster topology's dialect: its engine's, with what the cluster does differently (normalize checks the pair). */
const topologies: Record<Topology, Dialect> = {
  galera: galeraDialect,
};

export function dialectFor(driver: DriverName, topology?: Topology): Dialect {
  return topology === undefined ? dialects[driver] : topologies[topology];
}
