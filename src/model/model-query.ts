import type { Row } from '../dialect/dialect.js';
import { ModelNotFoundError } from '../errors/model-errors.js';
import type { QueryBuilder } from '../query/query-builder.js';
import type { Conjunction } from '../query/where-clause.js';
import { checkBatchSize, DEFAULT_BATCH_SIZE } from '../connection/row-cursor.js';
import { checkPositive, checkValue, inputError, shown } from '../query/builder-input.js';
import { type ChunkCallback, chunk, chunkById, itemsById } from '../query/chunking.js';
import { DEFAULT_PER_PAGE, type Page, paginate } from '../query/pagination.js';
import { type CursorPage, cursorPaginate } from '../query/pagination-cursor.js';
import { addToTree, type EagerTree, EMPTY_TREE, eagerLoad } from '../relations/eager-loader.js';
import {
  type CountRequest,
  countRequests,
  FILTER_PLACEHOLDER,
  loadCounts,
  type RelationFilter,
  resolveRelationFilters,
} from '../relations/relation-filters.js';
import type { MatchingParents } from '../relations/relation.js';
import { checkRelationPath } from '../relations/relation-of.js';
import { Connection } from '../connection/connection.js';
import { databaseForm } from './attributes.js';
import { activeScopes, EVERY_SCOPE, groupScopeConditions, type ScopeSelection } from './global-scopes.js';
import { assertSoftDeletes, onlyTrashedScope, SOFT_DELETES, softDeleteColumns } from './soft-deletes.js';
import { firstOrCreate, firstOrNew, type Match, updateOrCreate } from './first-or-create.js';
import { type IncrementMethod, incrementExtra } from './increment-model.js';
import { castsOf, fromDatabase } from './casts.js';
import { hydrate } from './hydration.js';
import type { Model } from './model.js';
import type { ModelValues } from '../types/typed-model.js';
import { ModelBuilder } from './model-builder.js';
import { type ModelReader, pagedModels, streamedModels } from './model-pieces.js';
import { ModelQueryClauses } from './model-query-clauses.js';
import { type ModelClass, primaryKeyOf, tableOf, writeConnectionOf } from './model-class.js';
import { setInstanceConnection } from './instance-connection.js';
import { readConnectionFor } from './read-routing.js';
import { timestampNow } from './timestamps.js';
import { writableConnection } from './write-guard.js';

/** A group of conditions: `where(q => q.where('a', 1).orWhere('b', 2))`. */
export type WhereCallback = (query: QueryBuilder) => QueryBuilder;

/** `where('status', 'paid')`, `where('total', '>', 100)`, `where({ status: 'paid' })`, `where(q => ...)`. */
export type WhereArgs =
  | [column: string, value: unknown]
  | [column: string, operator: string, value: unknown]
  | [conditions: Record<string, unknown> | WhereCallback];

/**
 * Narrows a query of a related model; returns the query (queries are immutable). Declared as a
 * method so that a callback may name the query's type to use its scopes:
 * `whereHas('invoices', (q: ScopedQuery<typeof Invoice>) => q.paid())`.
 */
// biome-ignore lint/suspicious/noExplicitAny: the related model is named by a string, so its type is not known here
export type RelationCallback = { callback(query: ModelQuery<any>): ModelQuery<any> }['callback'];

/** `'user'`, `'user.profile'`, or `{ orders: q => q.where('status', 'paid') }`. */
export type EagerLoad = string | Record<string, RelationCallback>;

/** @internal What a model query holds. */
export interface ModelQueryParts<M extends Model> {
  builder: ModelBuilder;
  eager: EagerTree;
  filters: readonly RelationFilter[];
  counts: readonly CountRequest[];
  model: ModelClass<M>;
  /** Relation paths that `with`/`withCount`/`whereHas` named, checked before the query runs. */
  relationPaths: readonly { readonly method: string; readonly path: string }[];
  /** The model's global scopes this query runs with (all, unless lifted). */
  scopes: ScopeSelection;
  /**
   * Once the global scopes are in the builder (at a terminal call): where each scope's
   * conditions begin among the builder's, to group them (see `groupScopeConditions`).
   */
  scopeStarts: readonly number[] | undefined;
  /** `Model.on(name)`: the connection for this query's reads and writes, and its models'. */
  connection: string | undefined;
}

/**
 * A query of a model: the query builder's methods, results as model
 * instances, relations (`with`, `whereHas`, `withCount`) across connections.
 * Immutable; nothing runs before a terminal call or `await`. Reads go to
 * the model's read connection (see `readConnectionFor`), writes to its connection.
 *
 * @example
 * const orders = await Order.where('status', 'pending').with('user').orderBy('id').limit(20).get();
 */
export class ModelQuery<M extends Model> extends ModelQueryClauses implements PromiseLike<M[]> {
  readonly #parts: ModelQueryParts<M>;

  /** @internal Use `Model.query()` (or any static query method of the model). */
  constructor(model: ModelClass<M>, parts?: ModelQueryParts<M>) {
    super();
    this.#parts = parts ?? {
      model,
      builder: ModelBuilder.start(writeConnectionOf(model), tableOf(model)),
      eager: EMPTY_TREE,
      filters: [],
      counts: [],
      relationPaths: [],
      scopes: EVERY_SCOPE,
      scopeStarts: undefined,
      connection: undefined,
    };
  }

  /**
   * Loads relations of the results: one `WHERE key IN (...)` query per
   * relation per level (per 1000 keys), on each related model's connection.
   * @example await Order.with('user', 'items.product', { user: q => q.where('active', true) }).get()
   */
  with(...relations: EagerLoad[]): this {
    const relationPaths = this.#relationPaths('with', relations);
    return this.#copy({ eager: addToTree(this.#parts.eager, relations), relationPaths });
  }

  /**
   * Keeps the models that have a related model (matching `callback`), across
   * connections: the related connection is asked for its matching keys first,
   * then this query filters with `WHERE key IN (keys)`. `'user.profile'` nests.
   * @example await Order.whereHas('user', q => q.where('ustatusid', 1)).get()
   */
  whereHas(relation: string, callback?: RelationCallback): this {
    return this.#relationFilter('whereHas', relation, callback, 'and', false);
  }

  orWhereHas(relation: string, callback?: RelationCallback): this {
    return this.#relationFilter('orWhereHas', relation, callback, 'or', false);
  }

  /** Keeps the models that have no related model (matching `callback`). */
  whereDoesntHave(relation: string, callback?: RelationCallback): this {
    return this.#relationFilter('whereDoesntHave', relation, callback, 'and', true);
  }

  /**
   * The query without the global scope `name` (`static globalScopes`, or `'softDeletes'`).
   * @example await User.query().withoutGlobalScope('active').count()
   */
  withoutGlobalScope(name: string): this {
    if (typeof name !== 'string') throw inputError(this.#connectionName, 'withoutGlobalScope', `takes a scope name, got ${shown(name)}`);
    const { lifted, added } = this.#parts.scopes;
    if (lifted === 'all') return this;
    return this.#copy({ scopes: { lifted: new Set([...lifted, name]), added } });
  }

  /** The query without the named global scopes, or without any (no argument). */
  withoutGlobalScopes(names?: readonly string[]): this {
    if (names === undefined) return this.#copy({ scopes: { lifted: 'all', added: this.#parts.scopes.added } });
    if (!Array.isArray(names)) throw inputError(this.#connectionName, 'withoutGlobalScopes', `takes a list of scope names, got ${shown(names)}`);
    let query = this;
    for (const name of names) query = query.withoutGlobalScope(name);
    return query;
  }

  /** @internal The same query without its ORDER BY: relation filters read key lists, whose order is moot. */
  withoutOrders(): this {
    return this.build((b) => b.withoutOrders());
  }

  /**
   * @internal Keeps the rows whose `column` is among the keys `keys()` reads when the query
   * runs, on other connections: how a relation of several hops (belongsToMany, hasManyThrough)
   * is a query of its related model for one parent.
   */
  whereKeysFrom(relation: string, keys: () => Promise<MatchingParents>): this {
    const { builder, filters } = this.#parts;
    const wheres = builder.queryState.wheres;
    return this.#copy({
      builder: builder.withWheres([...wheres, FILTER_PLACEHOLDER('and')]),
      filters: [...filters, { relation, callback: undefined, boolean: 'and', negate: false, index: wheres.length, keys }],
    });
  }

  /**
   * Sets `<relation>_count` on each result (`'orders as paid'` names it
   * `paid`): one grouped count per 1000 keys on the related connection.
   * @example const users = await User.withCount('orders').get(); users[0].orders_count
   */
  withCount(...relations: EagerLoad[]): this {
    const relationPaths = this.#relationPaths('withCount', relations, true);
    return this.#copy({ counts: [...this.#parts.counts, ...countRequests(relations)], relationPaths });
  }

  async get(): Promise<M[]> {
    return this.#models(await this.#read((b) => b.get()));
  }

  /**
   * The models streamed through the driver, 1000 rows at a time, each batch with its eager
   * loads (one query per relation per batch); leaving the loop early closes the read.
   * @example for await (const order of Order.where('status', 'paid').with('user').cursor()) await mail(order);
   */
  cursor(): AsyncIterable<M> {
    return this.lazy(DEFAULT_BATCH_SIZE);
  }

  /** `cursor()` with `size` rows per batch (and per eager load). */
  lazy(size: number = DEFAULT_BATCH_SIZE): AsyncIterable<M> {
    return streamedModels(this.#reader(), 'lazy', checkBatchSize(this.#connectionName, 'lazy', size));
  }

  /** The models one by one, read `size` at a time by key (default the primary key), as `chunkById` reads them. */
  lazyById(size: number = DEFAULT_BATCH_SIZE, column?: string): AsyncIterable<M> {
    checkPositive(this.#connectionName, 'lazyById', size, 'the rows per chunk');
    return { [Symbol.asyncIterator]: () => itemsById(pagedModels(this.#reader()), 'lazyById', size, column) };
  }

  /** The models `size` at a time in pages of the query's order (it must have one); `fn` returning false stops. */
  chunk(size: number, fn: ChunkCallback<M>): Promise<boolean> {
    return chunk(pagedModels(this.#reader()), 'chunk', size, fn);
  }

  /** `chunk` by key (default the primary key): safe when `fn` updates or deletes the models. */
  chunkById(size: number, fn: ChunkCallback<M>, column?: string): Promise<boolean> {
    return chunkById(pagedModels(this.#reader()), 'chunkById', size, fn, column);
  }

  /** Page `page` of `perPage` models with the count of all: `{ data, total, perPage, currentPage, lastPage }`. */
  paginate(perPage: number = DEFAULT_PER_PAGE, page = 1): Promise<Page<M>> {
    return paginate(pagedModels(this.#reader()), 'paginate', perPage, page);
  }

  /** The `perPage` models after `cursor` by keyset on the query's order (the primary key added): `{ data, nextCursor, prevCursor }`. */
  cursorPaginate(perPage: number = DEFAULT_PER_PAGE, cursor?: string | null): Promise<CursorPage<M>> {
    return cursorPaginate(pagedModels(this.#reader()), 'cursorPaginate', perPage, cursor);
  }

  /** Models of rows this query read, with its eager loads and counts. */
  async #models(rows: Row[]): Promise<M[]> {
    const { model, eager, counts } = this.#parts;
    const models = hydrate(model, rows, castsOf(model));
    const { connection } = this.#parts;
    if (connection !== undefined) for (const one of models) setInstanceConnection(one, connection);
    if (models.length > 0) {
      if (eager.size > 0) await eagerLoad(models, eager);
      if (counts.length > 0) await loadCounts(models, counts);
    }
    return models;
  }

  /** This query for the reading in pieces (model-pieces.ts). */
  #reader(): ModelReader<M> {
    const query = this.#scoped();
    return {
      model: this.#parts.model,
      builder: query.#routed(),
      resolve: (builder, terminal) => query.#run(builder, terminal),
      models: (rows) => query.#models(rows),
    };
  }

  async first(): Promise<M | null> {
    const [model] = await this.limit(1).get();
    return model ?? null;
  }

  /** The model with this primary key, or null. */
  find(id: unknown): Promise<M | null> {
    try {
      checkValue(this.#connectionName, 'find', id, 'the key');
      return this.where(primaryKeyOf(this.#parts.model), id).first();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @throws ModelNotFoundError naming the model and the key. */
  async findOrFail(id: unknown): Promise<M> {
    const found = await this.find(id);
    if (found === null) throw new ModelNotFoundError(this.#parts.model.name, id, this.#parts.builder.boundConnection.name);
    return found;
  }

  async count(column = '*'): Promise<number> {
    return this.#read((b) => b.count(column));
  }

  async exists(): Promise<boolean> {
    return this.#read((b) => b.exists());
  }

  /** One column of every row (cast when the model casts that column). */
  async pluck<V = unknown>(column: string): Promise<V[]> {
    const values = await this.#read((b) => b.pluck<V>(column));
    const cast = castsOf(this.#parts.model).get(column);
    return cast === undefined ? values : values.map((value) => fromDatabase(cast, value) as V);
  }

  async sum(column: string): Promise<number> {
    return this.#read((b) => b.sum(column));
  }

  async avg(column: string): Promise<number | null> {
    return this.#read((b) => b.avg(column));
  }

  async min<V = unknown>(column: string): Promise<V | null> {
    return this.#read((b) => b.min<V>(column));
  }

  async max<V = unknown>(column: string): Promise<V | null> {
    return this.#read((b) => b.max<V>(column));
  }

  /**
   * UPDATE of every matching row (casts applied, `updated_at` set with timestamps);
   * refused with ReadOnlyError on a read-only model or connection. Affected rows.
   */
  async update(values: Record<string, unknown>): Promise<number> {
    const { model } = this.#parts;
    writableConnection(model, 'update', this.#parts.connection);
    let row: Row = databaseForm(values, castsOf(model));
    if (model.timestamps === true && !('updated_at' in row)) row = { ...row, updated_at: timestampNow() };
    return this.#write((b) => b.update(row));
  }

  /**
   * `UPDATE ... SET column = column + amount` (and the `extra` columns; `updated_at` with
   * timestamps) of every matching row, in one statement. Affected rows.
   * @example await Order.where('status', 'paid').increment('reminders', 1, { status: 'late' })
   */
  increment(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return this.#increment('increment', column, amount, extra);
  }

  decrement(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return this.#increment('decrement', column, amount, extra);
  }

  /** Inserts a model of this query's model (mass assignment rules apply), as `Model.create`. */
  async create(attributes: Record<string, unknown>): Promise<M> {
    writableConnection(this.#parts.model, 'create', this.#parts.connection);
    const model = this.newModel(attributes);
    await model.save();
    return model;
  }

  /**
   * The first model matching this query and `match` (read on the writer), else a new one
   * filled with `match` and `values`, not saved. Eloquent's `firstOrNew`.
   */
  async firstOrNew(match: Match, values?: Match): Promise<M> {
    return (await firstOrNew(this, 'firstOrNew', match, values)).model;
  }

  /**
   * The first model matching `match` (read on the writer), else one inserted with `match` and `values`.
   * @example const tag = await Tag.firstOrCreate({ slug: 'sale' }, { label: 'On sale' });
   */
  firstOrCreate(match: Match, values?: Match): Promise<M> {
    return firstOrCreate(this, match, values);
  }

  /** The first model matching `match`, updated with `values` (changed columns only), else one inserted with both. */
  updateOrCreate(match: Match, values?: Match): Promise<M> {
    return updateOrCreate(this, match, values);
  }

  /** @internal A new model of this query (on its `on()` connection), filled (mass assignment rules apply). */
  newModel(attributes: Record<string, unknown>): M {
    const model = new this.#parts.model();
    setInstanceConnection(model, this.#parts.connection);
    return model.fill(attributes as ModelValues<M>);
  }

  /** @internal `Model.on(name)`: this query, its writes and the models it gives, on the connection `name`. */
  usingConnection(name: string): this {
    if (typeof name !== 'string') throw inputError(this.#connectionName, 'on', `takes a connection name, got ${shown(name)}`);
    return this.#copy({ builder: this.#parts.builder.onConnection(Connection.getInstance(name)), connection: name });
  }

  /** @internal The model class this query reads. */
  model(): ModelClass<M> {
    return this.#parts.model;
  }

  /** @internal The connection this query is built on. */
  connection(): Connection {
    return this.#parts.builder.boundConnection;
  }

  /**
   * DELETE of every matching row, or with soft deletes an UPDATE setting their `deleted_at`
   * (and `updated_at` with timestamps); refused with ReadOnlyError on a read-only model or
   * connection. Affected rows.
   */
  async delete(): Promise<number> {
    const { model } = this.#parts;
    writableConnection(model, 'delete', this.#parts.connection);
    if (model.softDeletes === true) {
      const columns = softDeleteColumns(model, timestampNow());
      return this.#write((b) => b.update(columns));
    }
    return this.#write((b) => b.delete());
  }

  /** DELETE of every matching row, trashed ones included, even with soft deletes (other global scopes still apply). */
  async forceDelete(): Promise<number> {
    writableConnection(this.#parts.model, 'forceDelete', this.#parts.connection);
    return this.withTrashed().#write((b) => b.delete());
  }

  /**
   * Soft deletes: clears `deleted_at` of every matching row, trashed or not (sets `updated_at`
   * with timestamps). Affected rows.
   * @example await Order.onlyTrashed().where('user_id', 7).restore()
   */
  async restore(): Promise<number> {
    assertSoftDeletes(this, 'restore');
    writableConnection(this.#parts.model, 'restore', this.#parts.connection);
    const columns = softDeleteColumns(this.#parts.model, null);
    return this.withTrashed().#write((b) => b.update(columns));
  }

  /** Soft deletes: the query with trashed rows too (a model without soft deletes has none to add). */
  withTrashed(): this {
    return this.withoutGlobalScope(SOFT_DELETES);
  }

  /** Soft deletes: the query with trashed rows only. */
  onlyTrashed(): this {
    assertSoftDeletes(this, 'onlyTrashed');
    const { lifted, added } = this.withTrashed().#parts.scopes;
    return this.#copy({ scopes: { lifted, added: [...added, onlyTrashedScope(this.#parts.model)] } });
  }

  /** The SQL and bindings a `get()` would send (relation filters must run first, so none may be pending). */
  toSql(): { sql: string; bindings: readonly unknown[] } {
    if (this.#parts.filters.length > 0) {
      throw inputError(this.#connectionName, 'toSql', 'cannot show a query with whereHas/whereDoesntHave: their keys are read when it runs');
    }
    const query = this.#scoped();
    return query.#grouped(query.#routed()).toSql();
  }

  /** `toSql()` under its earlier name, kept for code written against it. */
  toSQL(): { sql: string; bindings: readonly unknown[] } {
    return this.toSql();
  }

  /** @internal `SELECT column, COUNT(*) ... GROUP BY column` rows (`group_key`, `aggregate`), for `withCount`. */
  async countGroupedBy(column: string): Promise<Row[]> {
    return this.#read((b) => b.countGroupedBy(column));
  }

  /** Awaiting a model query runs `get()`. */
  then<R1 = M[], R2 = never>(
    onfulfilled?: ((models: M[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.get().then(onfulfilled, onrejected);
  }

  #increment(method: IncrementMethod, column: string, amount: number | bigint, extra: Record<string, unknown> | undefined): Promise<number> {
    const { model } = this.#parts;
    try {
      writableConnection(model, method, this.#parts.connection);
      const values = incrementExtra(model, extra) as Record<string, unknown> | undefined;
      return this.#write((b) => b[method](column, amount, values));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The builder on the connection this query reads from. */
  #routed(): ModelBuilder {
    const { builder, model } = this.#parts;
    // On `Model.on(name)`'s connection, whose own read/write split (if any) routes the read.
    if (this.#parts.connection !== undefined) return builder;
    const state = builder.queryState;
    const connection = readConnectionFor(model, state.useWriter || state.lock !== undefined);
    return connection === builder.boundConnection ? builder : builder.onConnection(connection);
  }

  #read<T>(terminal: (builder: ModelBuilder) => Promise<T>): Promise<T> {
    let query: this;
    try {
      query = this.#scoped();
    } catch (error) {
      return Promise.reject(error);
    }
    return query.#run(query.#routed(), terminal);
  }

  /** Runs a write on the model's (or `on()`'s) connection, global scopes applied. */
  #write<T>(terminal: (builder: ModelBuilder) => Promise<T>): Promise<T> {
    let query: this;
    try {
      query = this.#scoped();
    } catch (error) {
      return Promise.reject(error);
    }
    return query.#run(query.#parts.builder, terminal);
  }

  /**
   * This query with its global scopes applied to its builder (itself when there are none):
   * done at the terminal call, as Eloquent does, so conditions added after `query()` still
   * come first and `withoutGlobalScope` may be called anywhere in the chain.
   */
  #scoped(): this {
    const { model, scopes, scopeStarts } = this.#parts;
    if (scopeStarts !== undefined) return this;
    const active = activeScopes(model, scopes);
    if (active.length === 0) return this;
    const starts: number[] = [];
    // Marked as applied before the scopes run: a query they build from this one does not apply them again.
    let query = this.#copy({ scopeStarts: starts });
    for (const { name, scope } of active) {
      starts.push(query.#parts.builder.queryState.wheres.length);
      const result: unknown = scope(query as unknown as ModelQuery<Model>);
      if (!(result instanceof ModelQuery) || result.#parts.model !== model) {
        throw inputError(this.#connectionName, name, `is a global scope of [${model.name}] that must return the query it was given (queries are immutable): q => q.where(...)`);
      }
      query = result as this;
    }
    return query.#copy({ scopeStarts: starts });
  }

  /** The builder with the global scopes' conditions grouped (see `groupScopeConditions`). */
  #grouped(builder: ModelBuilder): ModelBuilder {
    const starts = this.#parts.scopeStarts;
    if (starts === undefined) return builder;
    const wheres = builder.queryState.wheres;
    const grouped = groupScopeConditions(wheres, starts);
    return grouped === wheres ? builder : builder.withWheres(grouped);
  }

  /**
   * Runs `terminal` once the relation filters have their keys. (Builders are
   * thenable, so they are never passed through a promise: that would run them.)
   */
  #run<T>(builder: ModelBuilder, terminal: (builder: ModelBuilder) => Promise<T>): Promise<T> {
    const { filters, model, relationPaths } = this.#parts;
    // Every relation named must exist, at every level, before anything is sent.
    for (const { method, path } of relationPaths) {
      try {
        checkRelationPath(model, path, this.#connectionName, method);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // Not async: without relation filters the terminal's promise is the only one.
    if (filters.length === 0) return terminal(this.#grouped(builder));
    return resolveRelationFilters(builder, model, filters).then((wheres) => terminal(this.#grouped(builder.withWheres(wheres))));
  }

  #relationFilter(
    method: string,
    path: string,
    callback: RelationCallback | undefined,
    boolean: Conjunction,
    negate: boolean,
  ): this {
    if (typeof path !== 'string') throw inputError(this.#connectionName, method, `takes a relation name, got ${shown(path)}`);
    if (callback !== undefined && typeof callback !== 'function') {
      throw inputError(this.#connectionName, method, `takes a callback (q => q.where(...)) as its second argument, got ${shown(callback)}`);
    }
    const [relation, ...rest] = path.split('.');
    // 'user.profile': the user must have a profile (matching the callback).
    const own: RelationCallback | undefined = rest.length === 0 ? callback : (q) => q.whereHas(rest.join('.'), callback);
    const { builder, filters, relationPaths } = this.#parts;
    const wheres = builder.queryState.wheres;
    return this.#copy({
      builder: builder.withWheres([...wheres, FILTER_PLACEHOLDER(boolean)]),
      filters: [...filters, { relation, callback: own, boolean, negate, index: wheres.length }],
      relationPaths: [...relationPaths, { method, path }],
    });
  }

  get #connectionName(): string {
    return this.#parts.builder.boundConnection.name;
  }

  /**
   * `with`/`withCount` arguments, checked: relation paths (`'user.profile'`; `'orders as paid'`
   * for a count), or objects of them with callbacks. Returns the paths to check for existence
   * when the query runs (a query may be built before its model's relations are defined).
   */
  #relationPaths(method: string, specs: readonly EagerLoad[], aliases = false): ModelQueryParts<M>['relationPaths'] {
    const connection = this.#connectionName;
    const paths = [...this.#parts.relationPaths];
    const check = (spec: string) => {
      if (spec.trim() === '') throw inputError(connection, method, 'cannot use "": a relation name is empty');
      const named = aliases ? /^(\S+)\s+as\s+\S+$/i.exec(spec.trim()) : null;
      paths.push({ method, path: named === null ? spec.trim() : named[1] });
    };
    for (const spec of specs) {
      if (typeof spec === 'string') {
        check(spec);
        continue;
      }
      const prototype = typeof spec === 'object' && spec !== null ? Object.getPrototypeOf(spec) : undefined;
      if (prototype !== Object.prototype && prototype !== null) throw inputError(connection, method, `takes relation names or { relation: callback }, got ${shown(spec)}`);
      for (const [path, callback] of Object.entries(spec)) {
        if (callback !== undefined && typeof callback !== 'function') throw inputError(connection, method, `takes a callback for ${shown(path)}, got ${shown(callback)}`);
        check(path);
      }
    }
    return paths;
  }

  protected build(change: (builder: ModelBuilder) => ModelBuilder): this {
    return this.#copy({ builder: change(this.#parts.builder) });
  }

  protected subqueryOf(method: string): ModelBuilder {
    const query = this.#scoped();
    if (query.#parts.filters.length > 0) {
      throw inputError(this.#connectionName, method, 'cannot take a model query with whereHas/whereDoesntHave as a subquery: their keys are read when it runs');
    }
    return query.#grouped(query.#parts.builder);
  }

  protected connectionName(): string {
    return this.#connectionName;
  }

  /** A copy with `patch`, of this query's own class (a model with local scopes has its own, see scopes.ts). */
  #copy(patch: Partial<ModelQueryParts<M>>): this {
    const QueryClass = this.constructor as new (model: ModelClass<M>, parts: ModelQueryParts<M>) => this;
    return new QueryClass(this.#parts.model, { ...this.#parts, ...patch });
  }
}
