import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError } from './migration-error.js';
import { displayPath } from './migration-loader.js';

export type MigrationExtension = 'ts' | 'js' | 'mjs';

export interface NewMigrationOptions {
  /** Folder to write into (created when missing). */
  folder: string;
  /** Free text: `create users table`, `CreateUsersTable`, `add-email-to-users`. */
  name: string;
  /** Written as `export const connection = '...'`; absent: the default connection. */
  connection?: string;
  extension?: MigrationExtension;
  now?: Date;
}

/** `CreateUsersTable`, `create users-table` -> `create_users_table`. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function timestamp(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
}

/** A single-quoted string literal, as the rest of the template is written. */
function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function template(name: string, connection: string | undefined, typed: boolean): string {
  // `create_users_table` is about the table `users`, as in Laravel.
  const table = /^create_(\w+?)(?:_table)?$/.exec(name)?.[1] ?? 'table_name';
  const dbType = typed ? ': MigrationDb' : '';
  const helpersType = typed ? ': MigrationHelpers' : '';
  const returns = typed ? ': Promise<void>' : '';
  // t's helpers write what is right on each engine, so the file runs unchanged on all three.
  const lines = [
    ...(typed ? [`import type { MigrationDb, MigrationHelpers } from 'so-database';`, ''] : []),
    connection === undefined
      ? '// Runs on the default connection; export `connection` to name another one.'
      : `export const connection = ${quoted(connection)};`,
    '',
    `export async function up(db${dbType}, t${helpersType})${returns} {`,
    '  await db.schema',
    `    .createTable(${quoted(table)})`,
    '    .$call(t.id)',
    `    // .addColumn('name', 'varchar(255)', (col) => col.notNull())`,
    `    // .$call((table) => t.foreignId(table, 'author_id', 'authors.id', { onDelete: 'cascade' }))`,
    '    .$call(t.timestamps)',
    '    .execute();',
    '}',
    '',
    `export async function down(db${dbType})${returns} {`,
    `  await db.schema.dropTable(${quoted(table)}).execute();`,
    '}',
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes `<folder>/<UTC yyyymmddhhmmss>_<name>.<ext>` from the template and returns its path.
 *
 * @example
 * writeMigrationFile({ folder: 'database/migrations', name: 'create users table', connection: 'essentials' });
 * // database/migrations/20250101120000_create_users_table.ts
 */
export function writeMigrationFile(options: NewMigrationOptions): string {
  const name = snakeCase(options.name);
  if (name === '') throw new MigrationError(`A migration name needs letters or digits, got "${options.name}".`);
  const extension = options.extension ?? 'ts';
  const path = join(options.folder, `${timestamp(options.now ?? new Date())}_${name}.${extension}`);
  if (existsSync(path)) throw new MigrationError(`Migration ${displayPath(path)} already exists.`);
  mkdirSync(options.folder, { recursive: true });
  writeFileSync(path, template(name, options.connection, extension === 'ts'), { flag: 'wx' });
  return path;
}
