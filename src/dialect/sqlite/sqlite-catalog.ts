import type { SchemaCatalog } from '../dialect.js';
import { sqliteColumnType } from './sqlite-column-types.js';

/**
 * Tables, views and columns of the main database. `pragma_table_xinfo` (not `table_info`)
 * lists generated columns too (hidden 2: virtual, 3: stored; 1 is a virtual table's hidden
 * column, left out). A lone `INTEGER PRIMARY KEY` of a rowid table is the rowid: filled on
 * insert, with or without AUTOINCREMENT (https://www.sqlite.org/autoinc.html).
 */
export const sqliteCatalog: SchemaCatalog = {
  columnsSql: `SELECT NULL AS table_schema, m.name AS table_name, m.type = 'view' AS is_view,
  p.name AS column_name, p.type AS data_type, p."notnull" = 0 AS is_nullable,
  (m.type = 'table' AND p.pk = 1 AND lower(p.type) = 'integer' AND m.sql NOT LIKE '%without rowid%'
    AND (SELECT count(*) FROM pragma_table_info(m.name) k WHERE k.pk > 0) = 1) AS auto_increment,
  p.dflt_value IS NOT NULL AS has_default,
  p.hidden IN (2, 3) AS generated_always
FROM sqlite_master m
JOIN pragma_table_xinfo(m.name) p
WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND p.hidden <> 1
ORDER BY m.name, p.cid`,
  typeScriptType: sqliteColumnType,
  versionSql: `SELECT sqlite_version() AS version`,
};
