import type { Connection } from '../connection/connection.js';
import { checkColumn, inputError, shown } from './builder-input.js';
import { columnsOf } from './join-clause.js';
import type { QueryBuilder } from './query-builder.js';
import type { TypedQueryBuilder } from '../types/typed-query-builder.js';
import type { QueryState } from './query-state.js';
import { type RawSql, rawSql } from './raw-sql.js';
import type { Conjunction, WhereClause } from './where-clause.js';
import { betweenOf, inOf, nullOf, whereOf } from './where-input.js';

/** A group of conditions: `where(q => q.where('a', 1).orWhere('b', 2))`. */
export type WhereCallback = (query: QueryBuilder) => QueryBuilder;
/**
 * A subquery: a builder of the same connection (typed by `so-db types` or not: the same object
 * at run time), or a callback that builds one (`q => q.from('orders')...`).
 */
// biome-ignore lint/suspicious/noExplicitAny: any table and row type: only the subquery's SQL is used
export type SubQuery = QueryBuilder<any> | TypedQueryBuilder<string, any, any> | ((query: QueryBuilder) => QueryBuilder<any> | TypedQueryBuilder<string, any, any>);
type BuilderClass<B> = new (connection: Connection, state: QueryState) => B;

/**
 * The query builder's state and its conditions (the where-family and `when`), as a
 * base of QueryBuilder, which adds the rest of the vocabulary and the terminals.
 * Immutable: each call returns a new builder of the same class (`clone`). Every
 * argument is checked before it is recorded (where-input.ts): a QueryError names the
 * connection and the method, and nothing is sent.
 */
export abstract class WhereBuilder {
  protected readonly connection: Connection;
  protected readonly state: QueryState;

  protected constructor(connection: Connection, state: QueryState) {
    this.connection = connection;
    this.state = state;
  }

  /**
   * `where('status', 'paid')`, `where('total', '>', 100)`, `where({ status: 'paid', user_id: 1 })`,
   * or a group: `where(q => q.where('a', 1).orWhere('b', 2))`.
   */
  where(column: string, value: unknown): this;
  where(column: string, operator: string, value: unknown): this;
  where(conditions: Record<string, unknown> | WhereCallback): this;
  where(column: string | Record<string, unknown> | WhereCallback, ...rest: unknown[]): this {
    return this.addWhere('where', 'and', column, rest);
  }

  orWhere(column: string, value: unknown): this;
  orWhere(column: string, operator: string, value: unknown): this;
  orWhere(conditions: Record<string, unknown> | WhereCallback): this;
  orWhere(column: string | Record<string, unknown> | WhereCallback, ...rest: unknown[]): this {
    return this.addWhere('orWhere', 'or', column, rest);
  }

  /**
   * `column IN (values)`, or `IN (subquery)` with a query of this connection that selects one
   * column (`whereIn('id', db.table('orders').select('user_id'))`, or a callback). A list longer
   * than one statement binds (SQLite 32766, MySQL and PostgreSQL 65535) still runs as one
   * statement (PostgreSQL `= ANY(?)`, SQLite `json_each(?)`, MySQL/MariaDB literals).
   */
  whereIn(column: string, values: readonly unknown[] | SubQuery): this {
    return this.addIn('whereIn', 'and', column, values, false);
  }

  whereNotIn(column: string, values: readonly unknown[] | SubQuery): this {
    return this.addIn('whereNotIn', 'and', column, values, true);
  }

  orWhereIn(column: string, values: readonly unknown[] | SubQuery): this {
    return this.addIn('orWhereIn', 'or', column, values, false);
  }

  orWhereNotIn(column: string, values: readonly unknown[] | SubQuery): this {
    return this.addIn('orWhereNotIn', 'or', column, values, true);
  }

  whereNull(column: string): this {
    return this.pushWhere(nullOf(this.connection.name, 'whereNull', 'and', column, false));
  }

  whereNotNull(column: string): this {
    return this.pushWhere(nullOf(this.connection.name, 'whereNotNull', 'and', column, true));
  }

  orWhereNull(column: string): this {
    return this.pushWhere(nullOf(this.connection.name, 'orWhereNull', 'or', column, false));
  }

  orWhereNotNull(column: string): this {
    return this.pushWhere(nullOf(this.connection.name, 'orWhereNotNull', 'or', column, true));
  }

  /** `column BETWEEN low AND high` (both ends included). */
  whereBetween(column: string, range: readonly [unknown, unknown]): this {
    return this.pushWhere(betweenOf(this.connection.name, 'whereBetween', 'and', column, range, false));
  }

  whereNotBetween(column: string, range: readonly [unknown, unknown]): this {
    return this.pushWhere(betweenOf(this.connection.name, 'whereNotBetween', 'and', column, range, true));
  }

  orWhereBetween(column: string, range: readonly [unknown, unknown]): this {
    return this.pushWhere(betweenOf(this.connection.name, 'orWhereBetween', 'or', column, range, false));
  }

  orWhereNotBetween(column: string, range: readonly [unknown, unknown]): this {
    return this.pushWhere(betweenOf(this.connection.name, 'orWhereNotBetween', 'or', column, range, true));
  }

  /** Two columns compared: `whereColumn('updated_at', '>', 'created_at')`; `(first, second)` means `=`. */
  whereColumn(first: string, operator: string, second: string): this;
  whereColumn(first: string, second: string): this;
  whereColumn(first: string, ...rest: string[]): this {
    return this.pushWhere(columnsOf(this.connection.name, 'whereColumn', 'and', first, rest));
  }

  orWhereColumn(first: string, operator: string, second: string): this;
  orWhereColumn(first: string, second: string): this;
  orWhereColumn(first: string, ...rest: string[]): this {
    return this.pushWhere(columnsOf(this.connection.name, 'orWhereColumn', 'or', first, rest));
  }

  /** A condition in SQL with `?` bindings, kept in parentheses: `whereRaw('price * qty > ?', [100])`. */
  whereRaw(sql: string, bindings: readonly unknown[] = []): this {
    return this.pushWhere({ type: 'raw', boolean: 'and', raw: this.raw('whereRaw', sql, bindings) });
  }

  orWhereRaw(sql: string, bindings: readonly unknown[] = []): this {
    return this.pushWhere({ type: 'raw', boolean: 'or', raw: this.raw('orWhereRaw', sql, bindings) });
  }

  /**
   * `EXISTS (subquery)`, the subquery on this connection:
   * `whereExists(q => q.from('orders').whereColumn('orders.user_id', 'users.id'))`.
   */
  whereExists(query: SubQuery): this {
    return this.pushWhere({ type: 'exists', boolean: 'and', query: this.subquery('whereExists', query), not: false });
  }

  whereNotExists(query: SubQuery): this {
    return this.pushWhere({ type: 'exists', boolean: 'and', query: this.subquery('whereNotExists', query), not: true });
  }

  orWhereExists(query: SubQuery): this {
    return this.pushWhere({ type: 'exists', boolean: 'or', query: this.subquery('orWhereExists', query), not: false });
  }

  orWhereNotExists(query: SubQuery): this {
    return this.pushWhere({ type: 'exists', boolean: 'or', query: this.subquery('orWhereNotExists', query), not: true });
  }

  /**
   * Applies `callback` when `value` is truthy, else `otherwise` (if given), as Laravel's `when`:
   * `when(status, (q, s) => q.where('status', s))`. Each returns the query it was given, changed.
   */
  when<V>(value: V, callback: (query: this, value: V) => this, otherwise?: (query: this, value: V) => this): this {
    const branch = value ? callback : otherwise;
    if (branch === undefined) return this;
    if (typeof branch !== 'function') throw inputError(this.connection.name, 'when', `takes callbacks (q => q.where(...)), got ${shown(branch)}`);
    const result: unknown = branch(this, value);
    if (!(result instanceof WhereBuilder) || result.connection !== this.connection) {
      throw inputError(this.connection.name, 'when', 'callback must return the query it was given (queries are immutable): q => q.where(...)');
    }
    return result as this;
  }

  /** A builder of the same class with `patch` over this state (on `connection`, by default this one). */
  protected clone(patch: Partial<QueryState>, connection: Connection = this.connection): this {
    return new (this.constructor as BuilderClass<this>)(connection, { ...this.state, ...patch });
  }

  protected pushWhere(where: WhereClause | undefined): this {
    return where === undefined ? this : this.clone({ wheres: [...this.state.wheres, where] });
  }

  protected raw(method: string, sql: unknown, bindings: unknown): RawSql {
    return rawSql(this.connection.name, this.connection.dialect, method, sql, bindings);
  }

  private addIn(method: string, boolean: Conjunction, column: string, values: unknown, not: boolean): this {
    const connection = this.connection.name;
    if (Array.isArray(values) || (typeof values !== 'function' && !(values instanceof WhereBuilder))) {
      return this.pushWhere(inOf(connection, method, boolean, column, values, not));
    }
    checkColumn(connection, method, column);
    const query = this.subquery(method, values as SubQuery);
    if (query.columns.length !== 1) {
      throw inputError(connection, method, `takes a subquery that selects one column, like q => q.from('orders').select('user_id'); it selects ${query.columns.length}`);
    }
    return this.pushWhere({ type: 'inQuery', boolean, column, query, not });
  }

  /** A subquery's state, checked: a builder of this same connection, with a table. */
  private subquery(method: string, query: SubQuery): QueryState {
    const connection = this.connection.name;
    const inner: unknown = typeof query === 'function' ? query(this.blank('')) : query;
    if (!(inner instanceof WhereBuilder)) {
      throw inputError(connection, method, `takes a query or a callback that returns one (q => q.from('orders')...), got ${shown(inner)}`);
    }
    if (inner.connection !== this.connection) {
      throw inputError(
        connection,
        method,
        `takes a subquery on this connection; that one is on [${inner.connection.name}]: a query never crosses connections (between models, use whereHas())`,
      );
    }
    if (inner.state.table === '') throw inputError(connection, method, `subquery names no table: q => q.from('orders')...`);
    return inner.state;
  }

  /** `where`/`orWhere`/`find`: a callback makes a group; the other forms are where-input.ts's. */
  protected addWhere(method: string, boolean: Conjunction, column: unknown, rest: readonly unknown[]): this {
    if (typeof column !== 'function') return this.pushWhere(whereOf(this.connection.name, method, boolean, column, rest));
    const inner: unknown = column(this.blank(this.state.table));
    if (!(inner instanceof WhereBuilder) || inner.connection !== this.connection) {
      throw inputError(this.connection.name, method, 'callback must return the query it was given (queries are immutable): q => q.where(...)');
    }
    const wheres = inner.state.wheres;
    return wheres.length === 0 ? this : this.pushWhere({ type: 'nested', boolean, wheres });
  }

  /** A new query builder on this connection reading `table` (`''`: none yet), for groups and subqueries. */
  protected abstract blank(table: string): QueryBuilder;
}
