import type { SchemaCatalog } from '../dialect.js';
import { mysqlColumnType } from './mysql-column-types.js';

/**
 * Tables and columns of the current database from information_schema. MariaDB reports a
 * nullable column without a default as the text `NULL`; MySQL 8 marks expression defaults
 * `DEFAULT_GENERATED`, which are defaults, not computed columns.
 */
export const mysqlCatalog: SchemaCatalog = {
  columnsSql: `SELECT c.TABLE_SCHEMA AS table_schema, c.TABLE_NAME AS table_name, t.TABLE_TYPE = 'VIEW' AS is_view,
  c.COLUMN_NAME AS column_name, c.DATA_TYPE AS data_type, c.IS_NULLABLE = 'YES' AS is_nullable,
  c.EXTRA LIKE '%auto_increment%' AS auto_increment,
  (c.COLUMN_DEFAULT IS NOT NULL AND c.COLUMN_DEFAULT <> 'NULL') AS has_default,
  (c.EXTRA LIKE '%VIRTUAL GENERATED%' OR c.EXTRA LIKE '%STORED GENERATED%' OR c.EXTRA LIKE '%PERSISTENT GENERATED%') AS generated_always
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE()
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
  typeScriptType: mysqlColumnType,
  versionSql: `SELECT VERSION() AS version`,
};
