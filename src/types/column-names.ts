import type { Selectable } from 'kysely';

/** The column names of table type `T`. */
export type ColumnOf<T> = keyof T & string;

/** A column as a query names it: `'total'` or `'orders.total'`. */
export type ColumnRef<TB extends string, T> = ColumnOf<T> | `${TB}.${ColumnOf<T>}`;

/** What `select()` takes: a column, `'total as amount'`, `'*'` or `'orders.*'`. */
export type SelectColumn<TB extends string, T> = ColumnRef<TB, T> | `${ColumnRef<TB, T>} as ${string}` | '*' | `${TB}.*`;

/** The key a selected column has in the row: its alias, else its name without the table. */
type OutputName<C extends string> = C extends `${string} as ${infer Alias}` ? Alias : C extends `${string}.${infer Name}` ? Name : C;

/** The column a selection reads. */
export type SourceName<C extends string> = C extends `${infer Source} as ${string}` ? SourceName<Source> : C extends `${string}.${infer Name}` ? Name : C;

/** The row `select(...C)` returns: the selected columns with their types (all of them for `*`). */
export type SelectedRow<T, C extends string> = [Extract<C, '*' | `${string}.*`>] extends [never]
  ? { [K in C as OutputName<K>]: Selectable<T>[SourceName<K> & keyof Selectable<T>] }
  : Selectable<T>;

/** Conditions given as an object (`where({ status: 'paid' })`): only the table's columns, each with its values. */
export type ColumnValues<TB extends string, T> = { readonly [K in ColumnRef<TB, T>]?: ConditionValue<ColumnType<T, K>> };

/**
 * What a condition compares a column of type `V` with: its own type, a date also as a string
 * (`'2024-01-01'`), a string column also as a number (DECIMAL and BIGINT arrive as strings:
 * `where('total', '>', 100)`), a number column also as a bigint; null only when `V` is nullable.
 */
export type ConditionValue<V> = V extends Date
  ? Date | string
  : V extends number
    ? number | bigint
    : V extends string
      ? string | number | bigint
      : V;

/** The type of the column a condition names (`'total'` or `'orders.total'`) in table type `T`. */
export type ColumnType<T, C extends string> = Selectable<T>[SourceName<C> & keyof Selectable<T>];

/** The operators `where` takes (the builder lower-cases them; these are the spellings the types accept). */
export type EqualityOperator = '=' | '!=' | '<>';
export type OrderOperator = '<' | '<=' | '>' | '>=';
export type LikeOperator = 'like' | 'not like' | 'ilike' | 'not ilike' | 'LIKE' | 'NOT LIKE' | 'ILIKE' | 'NOT ILIKE';
export type NullOperator = 'is' | 'is not' | 'IS' | 'IS NOT';

/**
 * The argument lists of a condition on one column whose values are `V`: `(column, value)`,
 * `(column, '=', value)` (null when nullable), `(column, '>', value)`, `(column, 'like', text)`,
 * `(column, 'is', null)` (nullable columns only).
 */
export type ConditionArgs<C, V> =
  | [column: C, value: V]
  | [column: C, operator: EqualityOperator, value: V]
  | [column: C, operator: OrderOperator, value: NonNullable<V>]
  | [column: C, operator: LikeOperator, value: string]
  | [column: C, operator: NullOperator, value: null extends V ? null : never];

/** `where`'s arguments for each column of table `TB` (type `T`), each column with its own value type. */
export type ColumnConditionArgs<TB extends string, T> = {
  [C in ColumnRef<TB, T>]: ConditionArgs<C, ConditionValue<ColumnType<T, C>>>;
}[ColumnRef<TB, T>];
