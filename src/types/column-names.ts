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
type SourceName<C extends string> = C extends `${infer Source} as ${string}` ? SourceName<Source> : C extends `${string}.${infer Name}` ? Name : C;

/** The row `select(...C)` returns: the selected columns with their types (all of them for `*`). */
export type SelectedRow<T, C extends string> = [Extract<C, '*' | `${string}.*`>] extends [never]
  ? { [K in C as OutputName<K>]: Selectable<T>[SourceName<K> & keyof Selectable<T>] }
  : Selectable<T>;

/** Conditions given as an object (`where({ status: 'paid' })`): only the table's columns. */
export type ColumnValues<TB extends string, T> = { readonly [K in ColumnRef<TB, T>]?: unknown };
