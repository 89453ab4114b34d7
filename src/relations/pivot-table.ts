import { Connection } from '../connection/connection.js';
import type { Row } from '../dialect/dialect.js';
import { type ModelClass, writeConnectionOf } from '../model/model-class.js';
import { readConnectionFor } from '../model/read-routing.js';
import { timestampNow } from '../model/timestamps.js';
import type { QueryBuilder } from '../query/query-builder.js';
import { chunks, uniqueKeys } from './key-chunks.js';

/** A `wherePivot...` condition, applied to every query of the pivot table. */
export type PivotCondition = (query: QueryBuilder) => QueryBuilder;

/** What a belongsToMany knows of its pivot table. */
export interface PivotDefinition {
  readonly table: string;
  /** The pivot column holding the parent's key (`user_id` of `role_user`). */
  readonly foreignPivotKey: string;
  /** The pivot column holding the related model's key (`role_id`). */
  readonly relatedPivotKey: string;
  /** The connection `using()` named; undefined: the parent model's. */
  readonly connection: string | undefined;
  /** `withPivot` columns, read with the keys onto `model.pivot`. */
  readonly columns: readonly string[];
  readonly conditions: readonly PivotCondition[];
  /** `withPivotValue` columns: a condition of every query and a value of every attach. */
  readonly values: Readonly<Record<string, unknown>>;
  /** `withTimestamps()`: `created_at`/`updated_at` set on attach, `updated_at` on update, both read. */
  readonly timestamps: boolean;
}

/** Several statements as one: in the flow's transaction on the connection if there is one, else in their own. */
export function atomically<T>(connection: Connection, work: () => Promise<T>): Promise<T> {
  return connection.inTransaction() ? work() : connection.transaction(work);
}

/** One row to attach: the related key and its own pivot columns. */
export interface PivotEntry {
  readonly id: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * The pivot table of a belongsToMany, on its own connection: the parent's unless
 * `using()` named another. Reads go where the parent model's reads go (its
 * `readConnection`, unless this flow writes in a transaction there); writes and the
 * reads that decide them (`sync`, `toggle`) go to the connection's writer and join the
 * flow's transaction on it. Every statement is one query per chunk of keys, never a JOIN.
 */
export class PivotTable {
  readonly definition: PivotDefinition;

  constructor(definition: PivotDefinition) {
    this.definition = definition;
  }

  /** A copy with some of the definition replaced. */
  with(patch: Partial<PivotDefinition>): PivotTable {
    return new PivotTable({ ...this.definition, ...patch });
  }

  readConnection(parent: ModelClass): Connection {
    const named = this.definition.connection;
    return named === undefined ? readConnectionFor(parent, false) : Connection.getInstance(named);
  }

  writeConnection(parent: ModelClass): Connection {
    const named = this.definition.connection;
    return named === undefined ? writeConnectionOf(parent) : Connection.getInstance(named);
  }

  /** The pivot table with its conditions. */
  query(connection: Connection): QueryBuilder {
    let query = connection.table(this.definition.table);
    for (const [column, value] of Object.entries(this.definition.values)) query = query.where(column, value);
    for (const condition of this.definition.conditions) query = condition(query);
    return query;
  }

  /** The columns read onto `model.pivot`: the two keys, `withPivot` columns, timestamps. */
  columns(): string[] {
    const { foreignPivotKey, relatedPivotKey, columns, timestamps } = this.definition;
    const all = [foreignPivotKey, relatedPivotKey, ...columns, ...(timestamps ? ['created_at', 'updated_at'] : [])];
    return [...new Set(all)];
  }

  /** Pivot rows of these parents: one `WHERE foreignPivotKey IN (...)` per chunk of keys. */
  async rowsOf(connection: Connection, parentKeys: readonly unknown[], keysOnly = false): Promise<Row[]> {
    const { foreignPivotKey, relatedPivotKey } = this.definition;
    const columns = keysOnly ? [foreignPivotKey, relatedPivotKey] : this.columns();
    const rows: Row[] = [];
    for (const chunk of chunks(parentKeys)) {
      for (const row of await this.query(connection).whereIn(foreignPivotKey, chunk).select(...columns).get()) rows.push(row);
    }
    return rows;
  }

  /** The distinct parent keys that have a pivot row to one of `relatedKeys`: one query per chunk of them. */
  async parentKeysOf(connection: Connection, relatedKeys: readonly unknown[]): Promise<unknown[]> {
    const { foreignPivotKey, relatedPivotKey } = this.definition;
    const found: { key: unknown }[] = [];
    for (const chunk of chunks(relatedKeys)) {
      const keys = await this.query(connection).whereIn(relatedPivotKey, chunk).whereNotNull(foreignPivotKey).distinct().pluck(foreignPivotKey);
      for (const key of keys) found.push({ key });
    }
    return uniqueKeys(found, 'key');
  }

  /** The related keys attached to one parent (among `among`, when given), read on the writer. */
  attachedIds(connection: Connection, parentKey: unknown, among?: readonly unknown[]): Promise<unknown[]> {
    const { foreignPivotKey, relatedPivotKey } = this.definition;
    let query = this.query(connection).useWriter().where(foreignPivotKey, parentKey);
    if (among !== undefined) query = query.whereIn(relatedPivotKey, among);
    return query.pluck(relatedPivotKey);
  }

  /**
   * Inserts one pivot row per entry: one INSERT per set of columns (entries with the same
   * attribute names share one); several INSERTs run as one transaction.
   */
  async insert(connection: Connection, parentKey: unknown, entries: readonly PivotEntry[]): Promise<void> {
    const { foreignPivotKey, relatedPivotKey, values, timestamps, table } = this.definition;
    const now = timestamps ? timestampNow() : undefined;
    const byShape = new Map<string, Row[]>();
    for (const entry of entries) {
      const row: Row = { ...values, ...(now === undefined ? {} : { created_at: now, updated_at: now }), ...entry.attributes };
      row[foreignPivotKey] = parentKey;
      row[relatedPivotKey] = entry.id;
      const shape = Object.keys(row).join('\0');
      const rows = byShape.get(shape);
      if (rows === undefined) byShape.set(shape, [row]);
      else rows.push(row);
    }
    const groups = [...byShape.values()];
    if (groups.length === 1) {
      await connection.table(table).insert(groups[0]);
      return;
    }
    await atomically(connection, async () => {
      for (const rows of groups) await connection.table(table).insert(rows);
    });
  }

  /** Deletes the parent's pivot rows (to these related keys, when given; under the conditions). Affected rows. */
  async delete(connection: Connection, parentKey: unknown, ids: readonly unknown[] | undefined): Promise<number> {
    const { foreignPivotKey, relatedPivotKey } = this.definition;
    let query = this.query(connection).where(foreignPivotKey, parentKey);
    if (ids !== undefined) query = query.whereIn(relatedPivotKey, ids);
    return query.delete();
  }

  /** Updates the pivot row of one parent and one related key. Affected rows. */
  update(connection: Connection, parentKey: unknown, id: unknown, attributes: Readonly<Record<string, unknown>>): Promise<number> {
    const { foreignPivotKey, relatedPivotKey, timestamps } = this.definition;
    const values = timestamps && !('updated_at' in attributes) ? { ...attributes, updated_at: timestampNow() } : attributes;
    return this.query(connection).where(foreignPivotKey, parentKey).where(relatedPivotKey, id).update(values);
  }

  /** What tells this pivot from another, for the loaded-relation signature. */
  describe(connection: Connection): string {
    const { table, foreignPivotKey, relatedPivotKey, conditions, values } = this.definition;
    const base = `${this.definition.connection ?? ''}|${table}|${foreignPivotKey}|${relatedPivotKey}|${this.columns().join(',')}`;
    // Only conditions need compiling (as the SQL they become); most pivots have none.
    if (conditions.length === 0 && Object.keys(values).length === 0) return base;
    const { sql, bindings } = this.query(connection).toSQL();
    return `${base}|${sql}|${bindings.map((b) => String(b)).join('\u0000')}`;
  }
}
