import type { Row } from '../dialect/dialect.js';
import { inputError, shown } from '../query/builder-input.js';
import { type EagerTree, EMPTY_TREE, eagerLoad } from '../relations/eager-loader.js';
import { type CountRequest, loadCounts, type RelationFilter, resolveRelationFilters } from '../relations/relation-filters.js';
import { checkRelationPath } from '../relations/relation-of.js';
import { Connection } from '../connection/connection.js';
import { activeScopes, EVERY_SCOPE, groupScopeConditions, type ScopeSelection } from './global-scopes.js';
import { castsOf } from './casts.js';
import { hydrate } from './hydration.js';
import type { Model } from './model.js';
import type { ModelValues } from '../types/typed-model.js';
import { ModelBuilder } from './model-builder.js';
import type { ModelReader } from './model-pieces.js';
import { ModelQueryClauses } from './model-query-clauses.js';
import { type ModelClass, tableOf, writeConnectionOf } from './model-class.js';
import { setInstanceConnection } from './instance-connection.js';
import { readConnectionFor } from './read-routing.js';

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
 * What every model query is made of: its parts, and how a terminal call runs them. Global
 * scopes are applied, relation filters resolved and relation paths checked at the terminal
 * call; reads are routed to the model's read connection, writes stay on its connection.
 * The relation clauses (model-query-relations.ts) and the terminals (model-query.ts) sit on
 * top. Protected members have long names: a local scope of the same name would be refused.
 * @internal
 */
export abstract class ModelQueryBase<M extends Model> extends ModelQueryClauses {
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

  /** @internal The same query without its ORDER BY: relation filters read key lists, whose order is moot. */
  withoutOrders(): this {
    return this.build((b) => b.withoutOrders());
  }

  /** @internal A new model of this query (on its `on()` connection), filled (mass assignment rules apply). */
  newModel(attributes: Record<string, unknown>): M {
    const model = new this.#parts.model();
    setInstanceConnection(model, this.#parts.connection);
    return model.fill(attributes as ModelValues<M>);
  }

  /** @internal `Model.on(name)`: this query, its writes and the models it gives, on the connection `name`. */
  usingConnection(name: string): this {
    if (typeof name !== 'string') throw inputError(this.connectionName(), 'on', `takes a connection name, got ${shown(name)}`);
    return this.queryCopy({ builder: this.#parts.builder.onConnection(Connection.getInstance(name)), connection: name });
  }

  /** @internal The model class this query reads. */
  model(): ModelClass<M> {
    return this.#parts.model;
  }

  /** @internal The connection this query is built on. */
  connection(): Connection {
    return this.#parts.builder.boundConnection;
  }

  /** The SQL and bindings a `get()` would send (relation filters must run first, so none may be pending). */
  toSql(): { sql: string; bindings: readonly unknown[] } {
    if (this.#parts.filters.length > 0) {
      throw inputError(this.connectionName(), 'toSql', 'cannot show a query with whereHas/whereDoesntHave: their keys are read when it runs');
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
    return this.queryRead((b) => b.countGroupedBy(column));
  }

  /** What this query holds. */
  protected get queryParts(): ModelQueryParts<M> {
    return this.#parts;
  }

  /** A copy with `patch`, of this query's own class (a model with local scopes has its own, see scopes.ts). */
  protected queryCopy(patch: Partial<ModelQueryParts<M>>): this {
    const QueryClass = this.constructor as new (model: ModelClass<M>, parts: ModelQueryParts<M>) => this;
    return new QueryClass(this.#parts.model, { ...this.#parts, ...patch });
  }

  /** Runs a read on the connection the query reads from, global scopes applied. */
  protected queryRead<T>(terminal: (builder: ModelBuilder) => Promise<T>): Promise<T> {
    let query: this;
    try {
      query = this.#scoped();
    } catch (error) {
      return Promise.reject(error);
    }
    return query.#run(query.#routed(), terminal);
  }

  /** Runs a write on the model's (or `on()`'s) connection, global scopes applied. */
  protected queryWrite<T>(terminal: (builder: ModelBuilder) => Promise<T>): Promise<T> {
    let query: this;
    try {
      query = this.#scoped();
    } catch (error) {
      return Promise.reject(error);
    }
    return query.#run(query.#parts.builder, terminal);
  }

  /** Models of rows this query read, with its eager loads and counts. */
  protected async queryModels(rows: Row[]): Promise<M[]> {
    const { model, eager, counts, connection } = this.#parts;
    const models = hydrate(model, rows, castsOf(model));
    if (connection !== undefined) for (const one of models) setInstanceConnection(one, connection);
    if (models.length > 0) {
      if (eager.size > 0) await eagerLoad(models, eager);
      if (counts.length > 0) await loadCounts(models, counts);
    }
    return models;
  }

  /** This query for the reading in pieces (model-pieces.ts). */
  protected queryReader(): ModelReader<M> {
    const query = this.#scoped();
    return {
      model: this.#parts.model,
      builder: query.#routed(),
      resolve: (builder, terminal) => query.#run(builder, terminal),
      models: (rows) => query.queryModels(rows),
    };
  }

  protected build(change: (builder: ModelBuilder) => ModelBuilder): this {
    return this.queryCopy({ builder: change(this.#parts.builder) });
  }

  protected subqueryOf(method: string): ModelBuilder {
    const query = this.#scoped();
    if (query.#parts.filters.length > 0) {
      throw inputError(this.connectionName(), method, 'cannot take a model query with whereHas/whereDoesntHave as a subquery: their keys are read when it runs');
    }
    return query.#grouped(query.#parts.builder);
  }

  protected connectionName(): string {
    return this.#parts.builder.boundConnection.name;
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
    let query = this.queryCopy({ scopeStarts: starts });
    for (const { name, scope } of active) {
      starts.push(query.#parts.builder.queryState.wheres.length);
      const result: unknown = scope(query as never);
      if (!(result instanceof ModelQueryBase) || result.#parts.model !== model) {
        throw inputError(this.connectionName(), name, `is a global scope of [${model.name}] that must return the query it was given (queries are immutable): q => q.where(...)`);
      }
      query = result as this;
    }
    return query.queryCopy({ scopeStarts: starts });
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
        checkRelationPath(model, path, this.connectionName(), method);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // Not async: without relation filters the terminal's promise is the only one.
    if (filters.length === 0) return terminal(this.#grouped(builder));
    return resolveRelationFilters(builder, model, filters).then((wheres) => terminal(this.#grouped(builder.withWheres(wheres))));
  }
}
