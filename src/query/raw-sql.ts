import { type RawBuilder, sql } from 'kysely';
import { bindingProblem } from '../connection/binding-check.js';
import type { Dialect } from '../dialect/dialect.js';
import { type SqlSyntax, splitAtPlaceholders } from '../dialect/sql-scanner.js';
import { inputError, shown } from './builder-input.js';

/**
 * A piece of SQL a caller wrote (`selectRaw`, `whereRaw`, `orderByRaw`, `havingRaw`,
 * `groupByRaw`) with its `?` bindings. The text is split at its placeholders with the
 * engine's syntax (a `?` in a string or comment is text) and handed to Kysely as a `sql`
 * template, so Kysely numbers the parameters (`$1`... on PostgreSQL) with the rest of
 * the query; the values are always bound.
 */
export class RawSql {
  /**
   * @param syntax what `fragments` were split with; undefined for text without placeholders written here.
   * @param method the builder method that took it, for errors.
   */
  constructor(
    readonly sql: string,
    readonly fragments: readonly string[],
    readonly bindings: readonly unknown[],
    readonly syntax: SqlSyntax | undefined,
    readonly method: string,
  ) {}

  /** SQL the library writes itself (no placeholders, nothing from a caller). */
  static trusted(text: string): RawSql {
    return new RawSql(text, [text], [], undefined, '');
  }

  /** `SELECT 1`: rows whose columns nobody reads (`exists()`, counting groups). */
  static readonly ONE = RawSql.trusted('1');
}

/** A caller's raw piece, checked: text, bindings one per `?`, each bindable. */
export function rawSql(connection: string, dialect: Dialect, method: string, text: unknown, bindings: unknown): RawSql {
  if (typeof text !== 'string' || text.trim() === '') throw inputError(connection, method, `takes SQL text, got ${shown(text)}`);
  if (bindings === undefined) bindings = [];
  if (!Array.isArray(bindings)) throw inputError(connection, method, `takes its bindings as an array, got ${shown(bindings)}`);
  const values = [...bindings];
  for (let i = 0; i < values.length; i++) {
    const problem = bindingProblem(values[i], dialect.arrayParameters);
    if (problem !== undefined) throw inputError(connection, method, `cannot bind bindings[${i}]: it is ${problem}`);
  }
  return new RawSql(text, fragmentsOf(connection, dialect.sqlSyntax, method, text, values.length), values, dialect.sqlSyntax, method);
}

/** The piece as a Kysely expression for this engine (split again if it was read with another engine's syntax). */
export function rawExpression(raw: RawSql, dialect: Dialect, connection: string): RawBuilder<unknown> {
  const fragments =
    raw.syntax === undefined || raw.syntax === dialect.sqlSyntax
      ? raw.fragments
      : fragmentsOf(connection, dialect.sqlSyntax, raw.method, raw.sql, raw.bindings.length);
  // Kysely's `sql` tag called directly: the fragments are the template's strings.
  return sql(fragments as unknown as TemplateStringsArray, ...raw.bindings);
}

function fragmentsOf(connection: string, syntax: SqlSyntax, method: string, text: string, count: number): readonly string[] {
  const split = splitAtPlaceholders(text, syntax);
  if ('problem' in split) throw inputError(connection, method, split.problem);
  const placeholders = split.fragments.length - 1;
  if (placeholders !== count) {
    throw inputError(connection, method, `has ${placeholders} placeholder${placeholders === 1 ? '' : 's'} (?) and ${count} binding${count === 1 ? '' : 's'}`);
  }
  return split.fragments;
}
