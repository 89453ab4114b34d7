import { inputError, shown } from '../query/builder-input.js';
import type { JoinCallback } from '../query/join-clause.js';
import type { QueryBuilder } from '../query/query-builder.js';
import type { SubQuery } from '../query/where-builder.js';
import type { TypedModelQuery } from '../types/typed-model-query.js';
import type { Model } from './model.js';
import type { ModelBuilder } from './model-builder.js';
import type { WhereArgs } from './model-query.js';

/**
 * A subquery of a model query: a query builder or a model query of the same connection (typed
 * by `so-db types` or not), or a callback that builds one (`q => q.from('orders').select('user_id')`).
 */
// biome-ignore lint/suspicious/noExplicitAny: a typed model query of any model: only its SQL is used
export type ModelSubQuery = SubQuery | ModelQueryClauses | TypedModelQuery<any>;

type Direction = 'asc' | 'desc' | 'ASC' | 'DESC';
type Range = readonly [unknown, unknown];

/**
 * The query builder's clauses on a model query, as Eloquent forwards them to its base
 * builder: each returns a new model query whose builder has the clause (see
 * QueryBuilder for what each means). ModelQuery adds relations, models and terminals.
 */
export abstract class ModelQueryClauses {
  /** The same query with its builder changed. */
  protected abstract build(change: (builder: ModelBuilder) => ModelBuilder): this;
  /** This query's builder, as a subquery of another query (`method` names the caller in errors). */
  protected abstract subqueryOf(method: string): ModelBuilder;
  /** The name of the connection the query is built on, for errors. */
  protected abstract connectionName(): string;

  /** The columns to return; none means all. Keep the key columns that relations match on. */
  select(...columns: string[]): this {
    return this.build((b) => b.select(...columns));
  }

  addSelect(...columns: string[]): this {
    return this.build((b) => b.addSelect(...columns));
  }

  selectRaw(sql: string, bindings?: readonly unknown[]): this {
    return this.build((b) => b.selectRaw(sql, bindings));
  }

  distinct(): this {
    return this.build((b) => b.distinct());
  }

  /** A join stays on the model's connection: relations across connections are `with()`/`whereHas()`. */
  join(table: string, first: string, operator: string, second: string): this;
  join(table: string, first: string, second: string): this;
  join(table: string, on: JoinCallback): this;
  join(table: string, ...rest: unknown[]): this {
    return this.build((b) => (b.join as (...a: unknown[]) => ModelBuilder).call(b, table, ...rest));
  }

  leftJoin(table: string, first: string, operator: string, second: string): this;
  leftJoin(table: string, first: string, second: string): this;
  leftJoin(table: string, on: JoinCallback): this;
  leftJoin(table: string, ...rest: unknown[]): this {
    return this.build((b) => (b.leftJoin as (...a: unknown[]) => ModelBuilder).call(b, table, ...rest));
  }

  rightJoin(table: string, first: string, operator: string, second: string): this;
  rightJoin(table: string, first: string, second: string): this;
  rightJoin(table: string, on: JoinCallback): this;
  rightJoin(table: string, ...rest: unknown[]): this {
    return this.build((b) => (b.rightJoin as (...a: unknown[]) => ModelBuilder).call(b, table, ...rest));
  }

  crossJoin(table: string): this {
    return this.build((b) => b.crossJoin(table));
  }

  where(...args: WhereArgs): this {
    return this.build((b) => (b.where as (...a: unknown[]) => ModelBuilder).apply(b, args));
  }

  orWhere(...args: WhereArgs): this {
    return this.build((b) => (b.orWhere as (...a: unknown[]) => ModelBuilder).apply(b, args));
  }

  /** `column IN (values)`, or `IN (subquery)` of this connection: `Order.whereIn('user_id', User.select('id').where(...))`. */
  whereIn(column: string, values: readonly unknown[] | ModelSubQuery): this {
    return this.build((b) => b.whereIn(column, this.#sub('whereIn', values)));
  }

  whereNotIn(column: string, values: readonly unknown[] | ModelSubQuery): this {
    return this.build((b) => b.whereNotIn(column, this.#sub('whereNotIn', values)));
  }

  orWhereIn(column: string, values: readonly unknown[] | ModelSubQuery): this {
    return this.build((b) => b.orWhereIn(column, this.#sub('orWhereIn', values)));
  }

  orWhereNotIn(column: string, values: readonly unknown[] | ModelSubQuery): this {
    return this.build((b) => b.orWhereNotIn(column, this.#sub('orWhereNotIn', values)));
  }

  whereNull(column: string): this {
    return this.build((b) => b.whereNull(column));
  }

  whereNotNull(column: string): this {
    return this.build((b) => b.whereNotNull(column));
  }

  orWhereNull(column: string): this {
    return this.build((b) => b.orWhereNull(column));
  }

  orWhereNotNull(column: string): this {
    return this.build((b) => b.orWhereNotNull(column));
  }

  whereBetween(column: string, range: Range): this {
    return this.build((b) => b.whereBetween(column, range));
  }

  whereNotBetween(column: string, range: Range): this {
    return this.build((b) => b.whereNotBetween(column, range));
  }

  orWhereBetween(column: string, range: Range): this {
    return this.build((b) => b.orWhereBetween(column, range));
  }

  orWhereNotBetween(column: string, range: Range): this {
    return this.build((b) => b.orWhereNotBetween(column, range));
  }

  whereColumn(first: string, operator: string, second: string): this;
  whereColumn(first: string, second: string): this;
  whereColumn(first: string, ...rest: string[]): this {
    return this.build((b) => (b.whereColumn as (...a: unknown[]) => ModelBuilder).call(b, first, ...rest));
  }

  orWhereColumn(first: string, operator: string, second: string): this;
  orWhereColumn(first: string, second: string): this;
  orWhereColumn(first: string, ...rest: string[]): this {
    return this.build((b) => (b.orWhereColumn as (...a: unknown[]) => ModelBuilder).call(b, first, ...rest));
  }

  whereRaw(sql: string, bindings?: readonly unknown[]): this {
    return this.build((b) => b.whereRaw(sql, bindings));
  }

  orWhereRaw(sql: string, bindings?: readonly unknown[]): this {
    return this.build((b) => b.orWhereRaw(sql, bindings));
  }

  /** `EXISTS (subquery)` of this connection: `User.whereExists(q => q.from('orders').whereColumn('orders.user_id', 'users.id'))`. */
  whereExists(query: ModelSubQuery): this {
    return this.build((b) => b.whereExists(this.#sub('whereExists', query)));
  }

  whereNotExists(query: ModelSubQuery): this {
    return this.build((b) => b.whereNotExists(this.#sub('whereNotExists', query)));
  }

  orWhereExists(query: ModelSubQuery): this {
    return this.build((b) => b.orWhereExists(this.#sub('orWhereExists', query)));
  }

  orWhereNotExists(query: ModelSubQuery): this {
    return this.build((b) => b.orWhereNotExists(this.#sub('orWhereNotExists', query)));
  }

  /** `callback` when `value` is truthy, else `otherwise` (if given); each returns the query it was given, changed. */
  when<V>(value: V, callback: (query: this, value: V) => this, otherwise?: (query: this, value: V) => this): this {
    const branch = value ? callback : otherwise;
    if (branch === undefined) return this;
    if (typeof branch !== 'function') throw inputError(this.connectionName(), 'when', `takes callbacks (q => q.where(...)), got ${shown(branch)}`);
    const result: unknown = branch(this, value);
    if (!(result instanceof ModelQueryClauses)) {
      throw inputError(this.connectionName(), 'when', 'callback must return the query it was given (queries are immutable): q => q.where(...)');
    }
    return result as this;
  }

  groupBy(...columns: string[]): this {
    return this.build((b) => b.groupBy(...columns));
  }

  groupByRaw(sql: string, bindings?: readonly unknown[]): this {
    return this.build((b) => b.groupByRaw(sql, bindings));
  }

  having(column: string, value: unknown): this;
  having(column: string, operator: string, value: unknown): this;
  having(column: string, ...rest: unknown[]): this {
    return this.build((b) => (b.having as (...a: unknown[]) => ModelBuilder).call(b, column, ...rest));
  }

  orHaving(column: string, value: unknown): this;
  orHaving(column: string, operator: string, value: unknown): this;
  orHaving(column: string, ...rest: unknown[]): this {
    return this.build((b) => (b.orHaving as (...a: unknown[]) => ModelBuilder).call(b, column, ...rest));
  }

  havingRaw(sql: string, bindings?: readonly unknown[]): this {
    return this.build((b) => b.havingRaw(sql, bindings));
  }

  orHavingRaw(sql: string, bindings?: readonly unknown[]): this {
    return this.build((b) => b.orHavingRaw(sql, bindings));
  }

  orderBy(column: string, direction: Direction = 'asc'): this {
    return this.build((b) => b.orderBy(column, direction));
  }

  orderByDesc(column: string): this {
    return this.build((b) => b.orderByDesc(column));
  }

  orderByRaw(sql: string, bindings?: readonly unknown[]): this {
    return this.build((b) => b.orderByRaw(sql, bindings));
  }

  limit(count: number): this {
    return this.build((b) => b.limit(count));
  }

  offset(count: number): this {
    return this.build((b) => b.offset(count));
  }

  lockForUpdate(): this {
    return this.build((b) => b.lockForUpdate());
  }

  sharedLock(): this {
    return this.build((b) => b.sharedLock());
  }

  /** Reads from the model's write connection (and its writer), not `readConnection` or a replica. */
  useWriter(): this {
    return this.build((b) => b.useWriter());
  }

  /**
   * A model query as a subquery is its builder (a TypedModelQuery is one at run time); lists,
   * builders and callbacks go to the builder as they are.
   */
  #sub<V>(method: string, value: V | ModelQueryClauses | TypedModelQuery<Model>): Exclude<V, TypedModelQuery<Model>> | QueryBuilder {
    return value instanceof ModelQueryClauses ? value.subqueryOf(method) : (value as Exclude<V, TypedModelQuery<Model>>);
  }
}
