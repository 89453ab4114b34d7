import type { SchemaCatalog } from '../dialect.js';
import { postgresColumnType } from './postgres-column-types.js';

/**
 * Tables, views and columns of every schema the session may use, from pg_catalog (as
 * Kysely's introspector reads them). Identity columns have no pg_attrdef default, so
 * `attidentity` counts too: `a` (ALWAYS) refuses a value, `d` (BY DEFAULT) takes one;
 * `attgenerated` marks computed columns (PostgreSQL 12 and later).
 */
export const postgresCatalog: SchemaCatalog = {
  columnsSql: `SELECT ns.nspname AS table_schema, c.relname AS table_name, c.relkind = 'v' AS is_view,
  a.attname AS column_name, typ.typname AS data_type, NOT a.attnotnull AS is_nullable,
  (a.attidentity <> '' OR pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL) AS auto_increment,
  (a.atthasdef OR a.attidentity <> '') AS has_default,
  (a.attgenerated <> '' OR a.attidentity = 'a') AS generated_always
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON a.attrelid = c.oid
JOIN pg_catalog.pg_namespace ns ON c.relnamespace = ns.oid
JOIN pg_catalog.pg_type typ ON a.atttypid = typ.oid
WHERE c.relkind IN ('r', 'v', 'p') AND ns.nspname !~ '^pg_' AND ns.nspname <> 'information_schema'
  AND has_schema_privilege(ns.nspname, 'USAGE') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY ns.nspname, c.relname, a.attnum`,
  typeScriptType: postgresColumnType,
  versionSql: `SELECT current_setting('server_version') AS version`,
};
