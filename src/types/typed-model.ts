import type { Selectable, Updateable } from 'kysely';
import type { CastName } from '../model/casts.js';
import type { QueryBuilder } from '../query/query-builder.js';
import type { Model } from '../model/model.js';
import type { ModelClass } from '../model/model-class.js';
import type { Relation } from '../relations/relation.js';
import type { ColumnRef, ColumnType, ConditionArgs, ConditionValue, SelectColumn, SourceName } from './column-names.js';
import type { DatabaseOf, TableName } from './register.js';

/** The key of a typed model's compile-time types. No value carries it: it exists for the compiler only. */
declare const modelTypes: unique symbol;

/** What `Model.for(connection, table)` gives its subclasses to check: the table name, its generated interface, the attributes. */
export interface ModelTypes<TB extends string = string, T = unknown, A = unknown> {
  table: TB;
  columns: T;
  attributes: A;
}

/** The instance side of a typed model: never set at run time, read by the types below. */
export interface TypedModelBrand<TB extends string, T, A> {
  readonly [modelTypes]: ModelTypes<TB, T, A>;
}

/** The types of a model made with `Model.for`, or never for an untyped model. */
export type TypesOf<M> = 0 extends 1 & M ? never : M extends { readonly [modelTypes]: infer X } ? X : never;

/** The casts a typed base may declare, and what each turns a column into. */
export type TypedCasts = Readonly<Record<string, CastName>>;
interface CastTypes {
  number: number;
  boolean: boolean;
  date: Date;
  json: unknown;
  string: string;
}

/** The attributes of a row of `T` with `casts` applied (a nullable column stays nullable). */
export type CastAttributes<T, C> = {
  [K in keyof Selectable<T>]: K extends keyof C
    ? C[K] extends CastName
      ? CastTypes[C[K]] | (null extends Selectable<T>[K] ? null : never)
      : Selectable<T>[K]
    : Selectable<T>[K];
};

/** A column of model `M` (`'total'`, `'orders.total'`); any string for a model without generated types. */
export type ModelColumn<M> = [TypesOf<M>] extends [never] ? string : TypesOf<M> extends ModelTypes<infer TB, infer T> ? ColumnRef<TB, T> : string;

/** What `create`/`fill`/`update` take: the writable columns (not those the database computes), cast types accepted. */
export type ModelValues<M> = [TypesOf<M>] extends [never]
  ? Record<string, unknown>
  : TypesOf<M> extends ModelTypes<string, infer T, infer A>
    ? { [K in keyof Updateable<T>]?: Updateable<T>[K] | (K extends keyof A ? A[K] : never) }
    : Record<string, unknown>;

/** What a condition on column `C` of a typed model takes: the column's values or its cast attribute's (see ConditionValue). */
type ConditionOf<T, A, C extends string> = ConditionValue<ColumnType<T, C>> | ConditionValue<A[SourceName<C> & keyof A]>;

/** The value a condition on column `C` of model `M` takes (`unknown` for a model without generated types). */
export type ModelConditionValue<M, C extends string> = TypesOf<M> extends ModelTypes<string, infer T, infer A> ? ConditionOf<T, A, C> : unknown;

/** Conditions as an object (`where({ status: 'paid' })`): the model's columns, each with its values. */
export type ModelConditions<M> = [TypesOf<M>] extends [never]
  ? Record<string, unknown>
  : { readonly [K in ModelColumn<M>]?: ModelConditionValue<M, K> };

/**
 * What tells a relation from another method: its related model. Read from one member, not by
 * comparing with `Relation` as a whole: that would compare its methods, whose parameters are
 * typed by the related model's relations, a cycle the compiler resolves to any (nothing checked).
 */
type RelationLike = Pick<Relation<Model, unknown>, 'relatedModel'>;

/** The names of `M`'s relation methods (`user() { return this.belongsTo(User, ...) }`). */
export type RelationName<M> = { [K in keyof M]-?: M[K] extends () => RelationLike ? K : never }[keyof M] & string;

/** The model relation `K` of `M` reads. */
type RelatedOf<M, K extends keyof M> = M[K] extends () => { get(): Promise<(infer R)[]> } ? R : never;

/** `'user'`, `'user.profile'`, ... three levels deep. */
type Paths<M, Depth extends unknown[]> = Depth['length'] extends 3
  ? never
  : { [K in RelationName<M>]: K | `${K}.${Paths<RelatedOf<M, K>, [...Depth, unknown]>}` }[RelationName<M>];

/** A relation path of a typed model (checked); any string for a model without generated types. */
export type RelationPath<M> = [TypesOf<M>] extends [never] ? string : Paths<M, []>;

/** `with`/`withCount` arguments: a path, or paths with a callback each. */
// biome-ignore lint/suspicious/noExplicitAny: the callback's query is of the related model, named by a string.
export type ModelEagerLoad<M> = RelationPath<M> | { readonly [P in RelationPath<M>]?: (query: any) => unknown };

/** What `withCount(...R)` adds to each model: `orders_count: number` per relation counted. */
export type CountsOf<R extends readonly unknown[]> = {
  [E in R[number] as E extends string ? `${E}_count` : never]: number;
} & UnionToIntersection<R[number] extends infer E ? (E extends string ? unknown : { [K in keyof E & string as `${K}_count`]: number }) : never>;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The model `withCount(...R)` gives: `M` with the counts (a model without generated types stays `M`). */
export type WithCounts<M, R extends readonly unknown[]> = [TypesOf<M>] extends [never] ? M : M & CountsOf<R>;

/**
 * Casts the base was given, and no others: the instance's attribute types are fixed by the base
 * (a class's instance type cannot see its own statics), so a `static casts` on the subclass would
 * convert at run time while the types said otherwise. Its index signature of `never` makes
 * such a declaration a compile error (the subclass's static side no longer extends the base's).
 */
type BaseCasts<C> = C & { readonly [column: string]: never };

/** The constructor `Model.for(connection, table)` returns: `Model` whose instances have the table's attributes. */
export type TypedModelBase<N extends string, TB extends string, T, C> = Omit<typeof Model, 'prototype'> &
  (new () => Model & CastAttributes<T, C> & TypedModelBrand<TB, T, CastAttributes<T, C>>) & { connection: N; table: TB; casts: BaseCasts<C> };

/** The generated interface of table `TB` of connection `N`. */
export type TableOf<N, TB> = TB extends keyof DatabaseOf<N> ? DatabaseOf<N>[TB] : never;

/** Any typed model class (for `Model.for`'s callers' constraints). */
export type AnyModelClass = ModelClass;

export type { TableName };

/** What `select()` of a model query takes: the model's columns (with `as` aliases, `*`); any string when untyped. */
export type ModelSelectColumn<M> = [TypesOf<M>] extends [never]
  ? string
  : TypesOf<M> extends ModelTypes<infer TB, infer T>
    ? SelectColumn<TB, T>
    : string;

/**
 * `where`'s arguments on a model: `('status', 'paid')`, `('total', '>', 100)`, `({ status: 'paid' })`,
 * `(q => ...)`; on a typed model each column with its own values (ConditionArgs), on an untyped one anything.
 */
export type ModelWhereArgs<M> =
  | ([TypesOf<M>] extends [never]
      ? [column: string, value: unknown] | [column: string, operator: string, value: unknown]
      : TypesOf<M> extends ModelTypes<infer TB, infer T, infer A>
        ? { [C in ColumnRef<TB, T>]: ConditionArgs<C, ConditionOf<T, A, C>> }[ColumnRef<TB, T>]
        : never)
  | [conditions: ModelConditions<M> | ((query: QueryBuilder) => QueryBuilder)];

/** A value of an `IN` list or a `BETWEEN` range on column `C` of model `M`: never null. */
export type ModelListValue<M, C extends string> = [TypesOf<M>] extends [never] ? unknown : NonNullable<ModelConditionValue<M, C>>;
