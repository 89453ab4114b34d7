import type { DriverName } from '../config/types.js';
import { typeScriptType } from './column-types.js';

/** One introspected column. */
export interface ColumnInfo {
  name: string;
  dataType: string;
  isNullable: boolean;
  /** An auto-increment, serial or identity key (SQLite: the rowid). */
  isAutoIncrementing: boolean;
  /** The database fills it when an insert leaves it out (a DEFAULT, an identity). */
  hasDefault: boolean;
  /** The database computes it and refuses a value (a generated column, GENERATED ALWAYS identity). */
  isGeneratedAlways: boolean;
}

export interface TableInfo {
  name: string;
  /** Set for tables outside the connection's default schema (PostgreSQL). */
  schema?: string;
  isView: boolean;
  columns: readonly ColumnInfo[];
}

export interface ConnectionSchema {
  connection: string;
  driver: DriverName;
  tables: readonly TableInfo[];
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pascalCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const joined = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined || '_';
}

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** Kysely's wrappers of a column the database fills: an insert may leave it out (Generated) or must (GeneratedAlways). */
type InsertWrapper = 'Generated' | 'GeneratedAlways';

function insertWrapper(column: ColumnInfo): InsertWrapper | null {
  if (column.isGeneratedAlways) return 'GeneratedAlways';
  return column.hasDefault || column.isAutoIncrementing ? 'Generated' : null;
}

/** The column's type as Kysely reads it: the driver's value type, `| null` when nullable, wrapped when the database fills it. */
function columnType(driver: DriverName, column: ColumnInfo, wrappers: Set<InsertWrapper>): string {
  const type = typeScriptType(driver, column.dataType);
  // An auto-increment key is never null, whatever the catalog says (SQLite's INTEGER PRIMARY KEY).
  const nullable = column.isNullable && !column.isAutoIncrementing && type !== 'unknown';
  const value = nullable ? `${type} | null` : type;
  const wrapper = insertWrapper(column);
  if (wrapper === null) return value;
  wrappers.add(wrapper);
  return `${wrapper}<${value}>`;
}

/**
 * TypeScript source declaring, for each connection, one interface per table (its
 * columns, their types and nullability; `Generated<>` on columns the database fills on
 * insert, `GeneratedAlways<>` on those it computes), a `<Connection>Database` interface
 * mapping table names to them (usable as `Kysely<DbDatabase>`), `Databases` mapping
 * connection names to those, and the augmentation of so-database's `Register` that makes
 * `DB.connection(name).table(table)` typed by them (docs/types.md); with `defaultConnection`
 * (the configuration's `default`), `DB.table(table)` and `DB.connection()` are typed too.
 *
 * @example
 * writeFileSync('src/database-types.ts', typeScriptTypes([{ connection: 'db', driver: 'mysql', tables }]));
 */
export function typeScriptTypes(schemas: readonly ConnectionSchema[], options: { defaultConnection?: string } = {}): string {
  const out: string[] = [];
  const wrappers = new Set<InsertWrapper>();
  const used = new Set<string>(['Databases']);
  const unique = (wanted: string): string => {
    let name = wanted;
    for (let i = 2; used.has(name); i++) name = `${wanted}${i}`;
    used.add(name);
    return name;
  };
  const databases: string[] = [];
  for (const schema of schemas) {
    const prefix = pascalCase(schema.connection);
    const database = unique(`${prefix}Database`);
    const entries: string[] = [];
    for (const table of schema.tables) {
      const tableKey = table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
      const name = unique(`${prefix}${pascalCase(tableKey)}`);
      out.push(`/** ${table.isView ? 'View' : 'Table'} ${tableKey} of connection [${schema.connection}]. */`);
      out.push(`export interface ${name} {`);
      for (const column of table.columns) {
        out.push(`  ${key(column.name)}: ${columnType(schema.driver, column, wrappers)}; // ${column.dataType || 'no declared type'}`);
      }
      out.push('}', '');
      entries.push(`  ${key(tableKey)}: ${name};`);
    }
    out.push(`/** The tables of connection [${schema.connection}] (${schema.driver}). */`);
    out.push(`export interface ${database} {`, ...entries, '}', '');
    databases.push(`  ${key(schema.connection)}: ${database};`);
  }
  out.push('/** Every connection typed here, by name. */');
  out.push('export interface Databases {', ...databases, '}', '');
  // The default connection is registered only when its types are here (`--connection` may name another).
  const fallback = schemas.some((schema) => schema.connection === options.defaultConnection)
    ? [`    defaultConnection: '${String(options.defaultConnection).replace(/[\\']/g, '\\$&')}';`]
    : [];
  out.push('/** Registers these types with so-database: connection names, tables and columns are checked by the compiler. */');
  out.push("declare module 'so-database' {", '  interface Register {', '    databases: Databases;', ...fallback, '  }', '}', '');
  // so-database re-exports Kysely's wrappers: the file needs no dependency of its own.
  const imports = wrappers.size === 0 ? [] : [`import type { ${[...wrappers].sort().join(', ')} } from 'so-database';`, ''];
  return ['// Generated by `so-db types` from the live database schemas. Do not edit: run it again.', '', ...imports, ...out].join('\n');
}
