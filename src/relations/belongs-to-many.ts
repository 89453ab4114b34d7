import type { Connection } from '../connection/connection.js';
import type { Row } from '../dialect/dialect.js';
import type { Model } from '../model/model.js';
import type { ModelClass, ModelReference } from '../model/model-class.js';
import type { ModelQuery, RelationCallback, WhereArgs } from '../model/model-query.js';
import type { QueryBuilder } from '../query/query-builder.js';
import { inputError, shown } from '../query/builder-input.js';
import { chunks, uniqueKeys } from './key-chunks.js';
import { keyOf } from './key-map.js';
import { KeyDictionary } from './key-dictionary.js';
import { RelationSetter } from './loaded-relations.js';
import { distinctEntries, type PivotId, type PivotIds, pivotEntries } from './pivot-ids.js';
import { type WithPivot, withPivot } from './pivot-record.js';
import { atomically, type PivotCondition, type PivotDefinition, type PivotEntry, type PivotTable } from './pivot-table.js';
import { type MatchingParents, Relation } from './relation.js';

/** What `sync` did: keys attached and detached, and attached keys whose pivot attributes it wrote. */
export interface SyncResult {
  attached: PivotId[];
  detached: PivotId[];
  updated: PivotId[];
}

/** What `toggle` did. */
export interface ToggleResult {
  attached: PivotId[];
  detached: PivotId[];
}

function columnValue(model: object, column: string): unknown {
  return (model as Record<string, unknown>)[column];
}

/**
 * Many-to-many through a pivot table, each of the three on its own connection: the
 * parent's, the pivot's (the parent's unless `using()` names another) and the related
 * model's. Reading is two queries per chunk of keys, never a JOIN: the pivot rows of the
 * parents (`WHERE foreignPivotKey IN (...)`), then the related models
 * (`WHERE relatedKey IN (...)`), matched in the application. Each related model
 * carries its pivot row as `model.pivot`.
 *
 * @example
 * class User extends Model {
 *   roles() { return this.belongsToMany(Role, 'role_user', 'user_id', 'role_id').using('auth').withPivot('expires_at'); }
 * }
 * const roles = await user.roles();          // Role[], each with role.pivot.expires_at
 * await user.roles().sync([1, 2]);           // { attached, detached, updated }, on 'auth'
 */
export class BelongsToMany<R extends Model> extends Relation<R, WithPivot<R>[]> {
  readonly many = true;
  readonly pivotTable: PivotTable;
  /** The parent's column the pivot's `foreignPivotKey` holds (default: its primary key). */
  readonly parentKey: string;
  /** The related model's column the pivot's `relatedPivotKey` holds (default: its primary key). */
  readonly relatedKey: string;

  constructor(parent: Model, related: ModelReference<R>, pivotTable: PivotTable, parentKey: string, relatedKey: string) {
    super(parent, related);
    this.pivotTable = pivotTable;
    this.parentKey = parentKey;
    this.relatedKey = relatedKey;
  }

  /** The pivot table lives on this connection (default: the parent model's). */
  using(connection: string): this {
    if (typeof connection !== 'string' || connection === '') {
      throw inputError(this.parentClass().connection ?? 'default', 'using', `takes a connection name, got ${shown(connection)}`);
    }
    return this.withPivotTable({ connection });
  }

  /** Pivot columns to read onto `model.pivot` besides the two keys. */
  withPivot(...columns: string[]): this {
    return this.withPivotTable({ columns: [...this.pivotTable.definition.columns, ...columns.flat()] });
  }

  /** Sets `created_at`/`updated_at` of pivot rows on attach (`updated_at` on update) and reads them. */
  withTimestamps(): this {
    return this.withPivotTable({ timestamps: true });
  }

  /** Only pivot rows matching: `wherePivot('active', 1)`, `wherePivot('expires_at', '>', now)`. */
  wherePivot(...args: WhereArgs): this {
    return this.withCondition((q) => (q.where as (...a: unknown[]) => QueryBuilder).apply(q, args));
  }

  orWherePivot(...args: WhereArgs): this {
    return this.withCondition((q) => (q.orWhere as (...a: unknown[]) => QueryBuilder).apply(q, args));
  }

  wherePivotIn(column: string, values: readonly unknown[]): this {
    return this.withCondition((q) => q.whereIn(column, values));
  }

  wherePivotNotIn(column: string, values: readonly unknown[]): this {
    return this.withCondition((q) => q.whereNotIn(column, values));
  }

  wherePivotNull(column: string): this {
    return this.withCondition((q) => q.whereNull(column));
  }

  wherePivotNotNull(column: string): this {
    return this.withCondition((q) => q.whereNotNull(column));
  }

  /** A pivot column that is both a condition of every read and a value of every attach. */
  withPivotValue(column: string, value: unknown): this {
    return this.withPivotTable({ values: { ...this.pivotTable.definition.values, [column]: value } });
  }

  // Reading

  /** The related models of this parent as a model query (pivot keys read first when it runs); no `pivot` on them. */
  query(): ModelQuery<R> {
    return this.applyConstraints(
      this.relatedModel()
        .query()
        .whereKeysFrom(this.label(), async () => ({ column: this.relatedKey, keys: uniqueKeys(await this.ownPivotRows(true), this.pivotRelatedKey) })),
    );
  }

  /** Always queries: the pivot rows of this parent, then the related models, each with its `pivot`. */
  override async get(): Promise<WithPivot<R>[]> {
    const pivots = await this.ownPivotRows(false);
    if (pivots.length === 0) return [];
    const related = await this.applyConstraints(this.relatedModel().query().whereIn(this.relatedKey, uniqueKeys(pivots, this.pivotRelatedKey))).get();
    return this.matchPivots(related, pivots).all;
  }

  override async first(): Promise<WithPivot<R> | null> {
    const [model] = await this.limit(1).get();
    return model ?? null;
  }

  async eagerLoad(parents: readonly Model[], name: string, callbacks: readonly RelationCallback[]): Promise<Model[]> {
    const reader = this.pivotTable.readConnection(this.parentClass());
    const pivots = await this.pivotTable.rowsOf(reader, uniqueKeys(parents, this.parentKey));
    const related: R[] = [];
    for (const chunk of chunks(uniqueKeys(pivots, this.pivotRelatedKey))) {
      for (const model of await this.constrainedQuery(this.relatedModel().query().whereIn(this.relatedKey, chunk), callbacks).get()) {
        related.push(model);
      }
    }
    const { byParent, all } = this.matchPivots(related, pivots);
    const loaded = new RelationSetter(name, this.signature());
    for (const parent of parents) loaded.set(parent, byParent.get(columnValue(parent, this.parentKey)) ?? []);
    return all;
  }

  /** The related keys matching `callback` (related connection), then the parents attached to them (pivot connection). */
  async matchingParents(callback: RelationCallback | undefined): Promise<MatchingParents> {
    const relatedKeys = await this.constrainedQuery(this.relatedModel().query(), [callback])
      .withoutOrders()
      .whereNotNull(this.relatedKey)
      .distinct()
      .pluck(this.relatedKey);
    const reader = this.pivotTable.readConnection(this.parentClass());
    return { column: this.parentKey, keys: relatedKeys.length === 0 ? [] : await this.pivotTable.parentKeysOf(reader, relatedKeys) };
  }

  /** Pivot rows of the parents (pivot connection), then a grouped count of the related rows they name (related connection). */
  async countPerParent(parents: readonly Model[], callback: RelationCallback | undefined): Promise<(parent: Model) => number> {
    const reader = this.pivotTable.readConnection(this.parentClass());
    const pivots = await this.pivotTable.rowsOf(reader, uniqueKeys(parents, this.parentKey), true);
    const perRelated = new Map<string, number>();
    for (const chunk of chunks(uniqueKeys(pivots, this.pivotRelatedKey))) {
      const query = this.constrainedQuery(this.relatedModel().query().whereIn(this.relatedKey, chunk), [callback]);
      for (const row of await query.countGroupedBy(this.relatedKey)) perRelated.set(keyOf(row.group_key) as string, Number(row.aggregate));
    }
    const totals = new Map<string, number>();
    for (const pivot of pivots) {
      const parentKey = keyOf(pivot[this.pivotForeignKey]) as string;
      totals.set(parentKey, (totals.get(parentKey) ?? 0) + (perRelated.get(keyOf(pivot[this.pivotRelatedKey]) as string) ?? 0));
    }
    return (parent) => {
      const key = keyOf(columnValue(parent, this.parentKey));
      return key === undefined ? 0 : (totals.get(key) ?? 0);
    };
  }

  protected fetchResults(): Promise<WithPivot<R>[]> {
    return this.get();
  }

  protected describe(): string {
    const pivot = this.pivotTable.describe(this.pivotTable.readConnection(this.parentClass()));
    return `BelongsToMany|${this.relatedModel().name}|${this.parentKey}|${this.relatedKey}|${pivot}`;
  }

  // Writing: on the pivot's connection, in the flow's transaction there when it has one.

  /**
   * Inserts pivot rows: `attach(2)`, `attach([1, 2], { level: 1 })`, `attach({ 1: { level: 2 } })`.
   * One INSERT (per set of columns), in this flow's transaction on the pivot's connection if one is open.
   */
  async attach(ids: PivotIds<R>, attributes?: Record<string, unknown>): Promise<void> {
    const { connection, key } = this.writeTarget('attach');
    const entries = this.entriesOf(ids, attributes, connection, 'attach');
    if (entries.length > 0) await this.pivotTable.insert(connection, key, entries);
  }

  /** Deletes this parent's pivot rows to these keys, or all of them (under the `wherePivot` conditions). Rows deleted. */
  async detach(ids?: PivotIds<R>): Promise<number> {
    const { connection, key } = this.writeTarget('detach');
    if (ids === undefined) return this.pivotTable.delete(connection, key, undefined);
    const entries = this.entriesOf(ids, undefined, connection, 'detach');
    return entries.length === 0 ? 0 : this.pivotTable.delete(connection, key, entries.map((e) => e.id));
  }

  /**
   * Makes the attached keys exactly `ids`: detaches the others, attaches the missing ones,
   * and writes the pivot attributes given for keys already attached. Atomic on the pivot's connection.
   */
  sync(ids: PivotIds<R>): Promise<SyncResult> {
    return this.syncing(ids, true, 'sync');
  }

  /** `sync` that detaches nothing. */
  syncWithoutDetaching(ids: PivotIds<R>): Promise<SyncResult> {
    return this.syncing(ids, false, 'syncWithoutDetaching');
  }

  /** Detaches the given keys that are attached and attaches the others. Atomic on the pivot's connection. */
  async toggle(ids: PivotIds<R>, attributes?: Record<string, unknown>): Promise<ToggleResult> {
    const { connection, key } = this.writeTarget('toggle');
    const entries = distinctEntries(this.entriesOf(ids, attributes, connection, 'toggle'));
    if (entries.length === 0) return { attached: [], detached: [] };
    return atomically(connection, async () => {
      const current = await this.pivotTable.attachedIds(connection, key, entries.map((e) => e.id));
      const attachedNow = new Set(current.map(keyOf));
      const detached = entries.filter((e) => attachedNow.has(keyOf(e.id)));
      const attached = entries.filter((e) => !attachedNow.has(keyOf(e.id)));
      if (detached.length > 0) await this.pivotTable.delete(connection, key, detached.map((e) => e.id));
      if (attached.length > 0) await this.pivotTable.insert(connection, key, attached);
      return { attached: attached.map((e) => e.id as PivotId), detached: detached.map((e) => e.id as PivotId) };
    });
  }

  /** Writes pivot columns of one attached key. Rows updated. */
  async updateExistingPivot(id: PivotId | R, attributes: Record<string, unknown>): Promise<number> {
    const { connection, key } = this.writeTarget('updateExistingPivot');
    const [entry] = this.entriesOf(id, attributes, connection, 'updateExistingPivot');
    return this.pivotTable.update(connection, key, entry.id, entry.attributes);
  }

  private async syncing(ids: PivotIds<R>, detaching: boolean, method: string): Promise<SyncResult> {
    const { connection, key } = this.writeTarget(method);
    const entries = distinctEntries(this.entriesOf(ids, undefined, connection, method));
    return atomically(connection, async () => {
      const current = distinctEntries((await this.pivotTable.attachedIds(connection, key)).map((id) => ({ id, attributes: {} })));
      const attachedNow = new Set(current.map((e) => keyOf(e.id)));
      const wanted = new Set(entries.map((e) => keyOf(e.id)));
      const detached = detaching ? current.filter((e) => !wanted.has(keyOf(e.id))).map((e) => e.id as PivotId) : [];
      if (detached.length > 0) await this.pivotTable.delete(connection, key, detached);
      const attached = entries.filter((e) => !attachedNow.has(keyOf(e.id)));
      if (attached.length > 0) await this.pivotTable.insert(connection, key, attached);
      const updated: PivotId[] = [];
      for (const entry of entries) {
        if (!attachedNow.has(keyOf(entry.id)) || Object.keys(entry.attributes).length === 0) continue;
        if ((await this.pivotTable.update(connection, key, entry.id, entry.attributes)) > 0) updated.push(entry.id as PivotId);
      }
      return { attached: attached.map((e) => e.id as PivotId), detached, updated };
    });
  }

  /** Related models matched to their pivot rows, in the related query's order: per parent key, and all of them. */
  private matchPivots(related: readonly R[], pivots: readonly Row[]): { byParent: KeyDictionary<WithPivot<R>>; all: WithPivot<R>[] } {
    const pivotsByRelated = new KeyDictionary<Row>();
    for (const pivot of pivots) pivotsByRelated.add(pivot[this.pivotRelatedKey], pivot);
    const byParent = new KeyDictionary<WithPivot<R>>();
    const all: WithPivot<R>[] = [];
    for (const model of related) {
      let copy = false;
      for (const pivot of pivotsByRelated.get(columnValue(model, this.relatedKey)) ?? []) {
        const attached = withPivot(model, pivot, copy);
        copy = true;
        byParent.add(pivot[this.pivotForeignKey], attached);
        all.push(attached);
      }
    }
    return { byParent, all };
  }

  /** This parent's pivot rows (one query), or none without a parent key. */
  private async ownPivotRows(keysOnly: boolean): Promise<Row[]> {
    const key = columnValue(this.parent, this.parentKey);
    if (key === null || key === undefined) return [];
    return this.pivotTable.rowsOf(this.pivotTable.readConnection(this.parentClass()), [key], keysOnly);
  }

  private writeTarget(method: string): { connection: Connection; key: unknown } {
    const connection = this.pivotTable.writeConnection(this.parentClass());
    const key = columnValue(this.parent, this.parentKey);
    if (key === null || key === undefined) {
      throw inputError(
        connection.name,
        method,
        `needs the key ${shown(this.parentKey)} of the [${this.parentClass().name}] it writes pivot rows for: save the model first`,
      );
    }
    return { connection, key };
  }

  private entriesOf(ids: unknown, attributes: unknown, connection: Connection, method: string): PivotEntry[] {
    return pivotEntries(ids, attributes, { related: this.relatedModel(), relatedKey: this.relatedKey, connection: connection.name, method });
  }

  private get pivotForeignKey(): string {
    return this.pivotTable.definition.foreignPivotKey;
  }

  private get pivotRelatedKey(): string {
    return this.pivotTable.definition.relatedPivotKey;
  }

  private parentClass(): ModelClass {
    return this.parent.constructor as ModelClass;
  }

  private label(): string {
    return `${this.parentClass().name}.belongsToMany(${this.relatedModel().name})`;
  }

  private withCondition(condition: PivotCondition): this {
    return this.withPivotTable({ conditions: [...this.pivotTable.definition.conditions, condition] });
  }

  private withPivotTable(patch: Partial<PivotDefinition>): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    (copy as unknown as { pivotTable: PivotTable }).pivotTable = this.pivotTable.with(patch);
    return copy;
  }
}
