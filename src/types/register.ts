/**
 * The types `so-db types` generates reach the library through this interface: the
 * generated file augments it (`declare module 'so-database' { interface Register { databases: Databases } }`),
 * and connection names, table names and columns are then checked by the compiler.
 * Without that file nothing is registered and everything stays as untyped as before.
 *
 * @example
 * declare module 'so-database' {
 *   interface Register { databases: { main: { orders: { id: Generated<number>; total: string } } }; defaultConnection: 'main' }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from the generated file.
export interface Register {}

/** `Databases` of the generated file (connection name -> table name -> columns), or never when none is registered. */
export type RegisteredDatabases = Register extends { databases: infer D } ? D : never;

/** True when a generated file registered its databases. */
export type IsTyped = [RegisteredDatabases] extends [never] ? false : true;

/** The names `Connection.getInstance`, `DB.connection` and `DB.transaction` accept: the generated ones, else any string. */
export type ConnectionName = IsTyped extends true ? keyof RegisteredDatabases & string : string;

/** The tables of connection `N` (a Kysely-style database interface), or never when `N` is not typed. */
export type DatabaseOf<N> = IsTyped extends true ? (N extends keyof RegisteredDatabases ? RegisteredDatabases[N] : never) : never;

/** Table names of connection `N`; never when it is not typed. */
export type TableName<N> = [DatabaseOf<N>] extends [never] ? never : keyof DatabaseOf<N> & string;

/** What `table()` takes besides a typed table name: any string on an untyped connection, `'orders as o'` on a typed one. */
export type UntypedTableName<N> = [DatabaseOf<N>] extends [never] ? string : `${TableName<N>} as ${string}`;

/** The configuration's default connection, as the generated file registered it; never when none is. */
export type DefaultConnectionName = Register extends { defaultConnection: infer D extends string } ? D : never;

/** The connection `DB.connection()` and `Connection.getInstance()` give without a name: the registered default, else any. */
export type DefaultConnection = [DefaultConnectionName] extends [never] ? string : DefaultConnectionName;
