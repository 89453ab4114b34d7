import type { Model } from '../model/model.js';
import { type ModelClass, type ModelReference, resolveModel } from '../model/model-class.js';
import type { ModelQuery, RelationCallback } from '../model/model-query.js';
import { chunks, uniqueKeys } from './key-chunks.js';
import { keyOf } from './key-map.js';
import { KeyDictionary } from './key-dictionary.js';
import { RelationSetter } from './loaded-relations.js';
import { type MatchingParents, Relation } from './relation.js';

function columnValue(model: object, column: string): unknown {
  return (model as Record<string, unknown>)[column];
}

/** The keys of a through relation, in Eloquent's order and meaning. */
export interface ThroughKeys {
  /** Column of the through model holding the parent's `localKey` (`environments.project_id`). */
  readonly firstKey: string;
  /** Column of the related model holding the through model's `secondLocalKey` (`deployments.environment_id`). */
  readonly secondKey: string;
  /** Column of the parent (default: its primary key). */
  readonly localKey: string;
  /** Column of the through model (default: its primary key). */
  readonly secondLocalKey: string;
}

/**
 * hasOneThrough and hasManyThrough: parent -> through model -> related model, each
 * on its own connection. Every read is one query per hop per chunk of keys, matched
 * in the application: the through rows of the parents (`WHERE firstKey IN (...)`),
 * then the related rows (`WHERE secondKey IN (...)`). Never a JOIN.
 * (No `#private` members: copies are made with Object.create, see `Relation.constrain`.)
 */
export abstract class ThroughRelation<R extends Model, T extends Model, Result> extends Relation<R, Result> {
  protected readonly through: ModelReference<T>;
  readonly keys: ThroughKeys;

  constructor(parent: Model, related: ModelReference<R>, through: ModelReference<T>, keys: ThroughKeys) {
    super(parent, related);
    this.through = through;
    this.keys = keys;
  }

  /** The through model's class. */
  throughModel(): ModelClass<T> {
    return resolveModel(this.through);
  }

  /** The related models of this parent as a model query (its through keys read first when it runs). */
  query(): ModelQuery<R> {
    const { secondKey } = this.keys;
    return this.applyConstraints(
      this.relatedModel()
        .query()
        .whereKeysFrom(this.label(), async () => ({ column: secondKey, keys: await this.ownThroughKeys() })),
    );
  }

  async eagerLoad(parents: readonly Model[], name: string, callbacks: readonly RelationCallback[]): Promise<Model[]> {
    const { firstKey, secondKey, localKey, secondLocalKey } = this.keys;
    const through = await this.throughRows(parents);
    const related: R[] = [];
    for (const chunk of chunks(uniqueKeys(through, secondLocalKey))) {
      for (const model of await this.constrainedQuery(this.relatedModel().query().whereIn(secondKey, chunk), callbacks).get()) {
        related.push(model);
      }
    }
    const throughByKey = new KeyDictionary<Model>();
    for (const row of through) throughByKey.add(columnValue(row, secondLocalKey), row);
    const byParent = new KeyDictionary<R>();
    for (const model of related) {
      for (const row of throughByKey.get(columnValue(model, secondKey)) ?? []) byParent.add(columnValue(row, firstKey), model);
    }
    const loaded = new RelationSetter(name, this.signature());
    for (const parent of parents) {
      const list = byParent.get(columnValue(parent, localKey));
      loaded.set(parent, this.many ? (list ?? []) : (list?.[0] ?? null));
    }
    return related;
  }

  /** Related keys matching `callback` (related connection), then the parents' keys of the through rows naming them (through connection). */
  async matchingParents(callback: RelationCallback | undefined): Promise<MatchingParents> {
    const { firstKey, secondKey, localKey, secondLocalKey } = this.keys;
    const relatedKeys = await this.constrainedQuery(this.relatedModel().query(), [callback])
      .withoutOrders()
      .whereNotNull(secondKey)
      .distinct()
      .pluck(secondKey);
    const found: { key: unknown }[] = [];
    for (const chunk of chunks(relatedKeys)) {
      const keys = await this.throughModel().query().whereIn(secondLocalKey, chunk).whereNotNull(firstKey).distinct().pluck(firstKey);
      for (const key of keys) found.push({ key });
    }
    return { column: localKey, keys: uniqueKeys(found, 'key') };
  }

  /** Through rows of the parents, then one grouped count of the related rows per chunk of their keys. */
  async countPerParent(parents: readonly Model[], callback: RelationCallback | undefined): Promise<(parent: Model) => number> {
    const { firstKey, secondKey, localKey, secondLocalKey } = this.keys;
    const through = await this.throughRows(parents);
    const perThrough = new Map<string, number>();
    for (const chunk of chunks(uniqueKeys(through, secondLocalKey))) {
      const query = this.constrainedQuery(this.relatedModel().query().whereIn(secondKey, chunk), [callback]);
      for (const row of await query.countGroupedBy(secondKey)) perThrough.set(keyOf(row.group_key) as string, Number(row.aggregate));
    }
    const totals = new Map<string, number>();
    for (const row of through) {
      const parentKey = keyOf(columnValue(row, firstKey)) as string;
      totals.set(parentKey, (totals.get(parentKey) ?? 0) + (perThrough.get(keyOf(columnValue(row, secondLocalKey)) as string) ?? 0));
    }
    return (parent) => {
      const key = keyOf(columnValue(parent, localKey));
      return key === undefined ? 0 : (totals.get(key) ?? 0);
    };
  }

  /** The through keys of this parent (one query), then its related models (one query; none without through keys). */
  protected async fetchResults(): Promise<Result> {
    const keys = await this.ownThroughKeys();
    if (keys.length === 0) return (this.many ? [] : null) as Result;
    const query = this.applyConstraints(this.relatedModel().query().whereIn(this.keys.secondKey, keys));
    return (this.many ? await query.get() : await query.first()) as Result;
  }

  protected describe(): string {
    const { firstKey, secondKey, localKey, secondLocalKey } = this.keys;
    return `${this.constructor.name}|${this.relatedModel().name}|${this.throughModel().name}|${firstKey}|${secondKey}|${localKey}|${secondLocalKey}`;
  }

  /** The through rows (their two key columns) of these parents: one query per chunk of keys, on the through model's connection. */
  private async throughRows(parents: readonly Model[]): Promise<T[]> {
    const { firstKey, localKey, secondLocalKey } = this.keys;
    const rows: T[] = [];
    for (const chunk of chunks(uniqueKeys(parents, localKey))) {
      for (const row of await this.throughModel().query().whereIn(firstKey, chunk).select(firstKey, secondLocalKey).get()) rows.push(row);
    }
    return rows;
  }

  /** The through keys of this parent alone (one query), or none without its key. */
  private async ownThroughKeys(): Promise<unknown[]> {
    const { firstKey, localKey, secondLocalKey } = this.keys;
    const key = columnValue(this.parent, localKey);
    if (key === null || key === undefined) return [];
    return this.throughModel().query().where(firstKey, key).whereNotNull(secondLocalKey).distinct().pluck(secondLocalKey);
  }

  private label(): string {
    return `${this.parent.constructor.name}.${this.many ? 'hasManyThrough' : 'hasOneThrough'}(${this.relatedModel().name})`;
  }
}
