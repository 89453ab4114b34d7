import { QueryError } from '../errors/query-error.js';
import type { Model } from '../model/model.js';
import { type ModelClass, type ModelReference, resolveModel } from '../model/model-class.js';
import type { EagerLoad, ModelQuery, RelationCallback, WhereArgs } from '../model/model-query.js';
import type { ModelColumn, ModelEagerLoad, ModelListValue, ModelWhereArgs, RelationPath } from '../types/typed-model.js';
import { hasLoadedRelations, loadedRelation } from './loaded-relations.js';

type Constraint<R extends Model> = (query: ModelQuery<R>) => ModelQuery<R>;

/** Which parents a `whereHas` keeps: those whose `column` is one of `keys`. */
export interface MatchingParents {
  readonly column: string;
  readonly keys: readonly unknown[];
}

let uncomparable = 0;

/**
 * A relation between a parent model and a related model that may live on
 * another connection. Awaiting it runs it on the related model's own
 * connection (or gives what `with()` already loaded); it is also a query:
 * `await user.orders().where('status', 'paid').orderBy('id').get()`.
 *
 * Each relation type is one subclass that fulfils the contract the loaders
 * dispatch to (Laravel's eager-load steps, across connections): `eagerLoad`
 * for `with()`, `matchingParents` for `whereHas()`, `countPerParent` for
 * `withCount()`, and `fetchResults` for one parent. None of them may join
 * across connections or query once per parent row.
 */
export abstract class Relation<R extends Model, Result> implements PromiseLike<Result> {
  /** Gives a list (hasMany) rather than one model or null. */
  abstract readonly many: boolean;
  protected readonly parent: Model;
  protected readonly related: ModelReference<R>;
  protected readonly constraints: readonly Constraint<R>[] = [];

  constructor(parent: Model, related: ModelReference<R>) {
    this.parent = parent;
    this.related = related;
  }

  /**
   * Loads the relation of every parent (one query per hop per chunk of keys, on each
   * hop's own connection), sets it on each parent under `name`, and returns the related
   * models, for the next level of a nested `with()`.
   */
  abstract eagerLoad(parents: readonly Model[], name: string, callbacks: readonly RelationCallback[]): Promise<Model[]>;

  /** The parents that have a related row matching `callback`, as a key list on a parent column. */
  abstract matchingParents(callback: RelationCallback | undefined): Promise<MatchingParents>;

  /** How many related rows matching `callback` each parent has. */
  abstract countPerParent(
    parents: readonly Model[],
    callback: RelationCallback | undefined,
  ): Promise<(parent: Model) => number>;

  /** The related models of this parent as a model query, constraints applied. */
  abstract query(): ModelQuery<R>;

  /** The result for this parent alone, queried. */
  protected abstract fetchResults(): Promise<Result>;

  /** What tells this relation from another of the same parent: kind, related model, keys. */
  protected abstract describe(): string;

  /** The related model's class. */
  relatedModel(): ModelClass<R> {
    return resolveModel(this.related);
  }

  // Columns, values and relation paths are the related model's, checked when it is typed (Model.for).
  where(...args: ModelWhereArgs<R>): this {
    return this.constrain((q) => q.where(...(args as WhereArgs)));
  }

  orWhere(...args: ModelWhereArgs<R>): this {
    return this.constrain((q) => q.orWhere(...(args as WhereArgs)));
  }

  whereIn<C extends ModelColumn<R>>(column: C, values: readonly ModelListValue<R, C>[]): this {
    return this.constrain((q) => q.whereIn(column, values));
  }

  whereNotIn<C extends ModelColumn<R>>(column: C, values: readonly ModelListValue<R, C>[]): this {
    return this.constrain((q) => q.whereNotIn(column, values));
  }

  whereNull(column: ModelColumn<R>): this {
    return this.constrain((q) => q.whereNull(column));
  }

  whereNotNull(column: ModelColumn<R>): this {
    return this.constrain((q) => q.whereNotNull(column));
  }

  whereHas(relation: RelationPath<R>, callback?: RelationCallback): this {
    return this.constrain((q) => q.whereHas(relation, callback));
  }

  orderBy(column: ModelColumn<R>, direction: 'asc' | 'desc' | 'ASC' | 'DESC' = 'asc'): this {
    return this.constrain((q) => q.orderBy(column, direction));
  }

  orderByDesc(column: ModelColumn<R>): this {
    return this.constrain((q) => q.orderByDesc(column));
  }

  limit(count: number): this {
    return this.constrain((q) => q.limit(count));
  }

  offset(count: number): this {
    return this.constrain((q) => q.offset(count));
  }

  /** Eager-loads relations of the related models when this relation runs. */
  with(...relations: ModelEagerLoad<R>[]): this {
    return this.constrain((q) => q.with(...(relations as EagerLoad[])));
  }

  /** Always queries (even when loaded). */
  get(): Promise<R[]> {
    return this.query().get();
  }

  first(): Promise<R | null> {
    return this.query().first();
  }

  count(): Promise<number> {
    return this.query().count();
  }

  exists(): Promise<boolean> {
    return this.query().exists();
  }

  pluck<V = unknown>(column: ModelColumn<R>): Promise<V[]> {
    return this.query().pluck<V>(column);
  }

  /** The result: the loaded value when `with()`/`load()` loaded it, else queried. */
  async getResults(): Promise<Result> {
    if (hasLoadedRelations(this.parent)) {
      const loaded = loadedRelation(this.parent, this.signature());
      if (loaded.found) return loaded.value as Result;
    }
    return this.fetchResults();
  }

  /** Awaiting a relation runs it. */
  then<R1 = Result, R2 = never>(
    onfulfilled?: ((value: Result) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.getResults().then(onfulfilled, onrejected);
  }

  /** @internal The relation's own constraints applied to a query of the related model. */
  applyConstraints(query: ModelQuery<R>): ModelQuery<R> {
    let constrained = query;
    for (const constraint of this.constraints) constrained = constraint(constrained);
    return constrained;
  }

  /**
   * @internal What identifies this relation among the parent's loaded ones:
   * kind, related model, keys and constraints (as the SQL they compile to).
   */
  signature(): string {
    const base = this.describe();
    if (this.constraints.length === 0) return base;
    try {
      const { sql, bindings } = this.applyConstraints(this.relatedModel().query()).toSQL();
      return `${base}|${sql}|${bindings.map((b) => String(b)).join('\u0000')}`;
    } catch {
      // Constraints that cannot be shown as SQL (a whereHas) never match: such a relation always queries.
      return `${base}|#${++uncomparable}`;
    }
  }

  /** `query`, narrowed by the relation's own constraints, then by the caller's callbacks (with, whereHas, withCount). */
  protected constrainedQuery(query: ModelQuery<R>, callbacks: readonly (RelationCallback | undefined)[]): ModelQuery<R> {
    let result = this.applyConstraints(query);
    for (const callback of callbacks) {
      if (callback === undefined) continue;
      const returned = callback(result);
      if (returned === undefined || returned === null || typeof (returned as { get?: unknown }).get !== 'function') {
        throw new QueryError('A relation callback must return the query it was given (queries are immutable): q => q.where(...).', '', []);
      }
      result = returned;
    }
    return result;
  }

  protected constrain(constraint: Constraint<R>): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    (copy as unknown as { constraints: Constraint<R>[] }).constraints = [...this.constraints, constraint];
    return copy;
  }
}
