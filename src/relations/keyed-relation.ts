import type { Row } from '../dialect/dialect.js';
import type { Model } from '../model/model.js';
import type { ModelReference } from '../model/model-class.js';
import type { ModelQuery, RelationCallback } from '../model/model-query.js';
import { chunks, uniqueKeys } from './key-chunks.js';
import { keyOf } from './key-map.js';
import { KeyDictionary } from './key-dictionary.js';
import { RelationSetter } from './loaded-relations.js';
import { type MatchingParents, Relation } from './relation.js';

function columnValue(model: Model, column: string): unknown {
  return (model as unknown as Record<string, unknown>)[column];
}

/**
 * A relation of one hop that matches a key column of the parent (`parentKey`)
 * with a key column of the related model (`relatedKey`): belongsTo, hasOne, hasMany.
 */
export abstract class KeyedRelation<R extends Model, Result> extends Relation<R, Result> {
  /** Parent-side column (`user_id` of a belongsTo; the parent's key of a hasMany). */
  readonly parentKey: string;
  /** Related-side column (the owner key of a belongsTo; `user_id` of a hasMany). */
  readonly relatedKey: string;

  constructor(parent: Model, related: ModelReference<R>, parentKey: string, relatedKey: string) {
    super(parent, related);
    this.parentKey = parentKey;
    this.relatedKey = relatedKey;
  }

  query(): ModelQuery<R> {
    return this.applyConstraints(this.relatedModel().query().where(this.relatedKey, columnValue(this.parent, this.parentKey) ?? null));
  }

  /** One `WHERE relatedKey IN (...)` per chunk of the parents' keys, matched through a key dictionary. */
  async eagerLoad(parents: readonly Model[], name: string, callbacks: readonly RelationCallback[]): Promise<Model[]> {
    const related: Model[] = [];
    for (const chunk of chunks(uniqueKeys(parents, this.parentKey))) {
      const query = this.constrainedQuery(this.relatedModel().query().whereIn(this.relatedKey, chunk), callbacks);
      for (const model of await query.get()) related.push(model);
    }
    const dictionary = new KeyDictionary<Model>();
    for (const model of related) dictionary.add(columnValue(model, this.relatedKey), model);
    const loaded = new RelationSetter(name, this.signature());
    for (const parent of parents) {
      const group = dictionary.get(columnValue(parent, this.parentKey));
      loaded.set(parent, this.many ? (group ?? []) : (group?.[0] ?? null));
    }
    return related;
  }

  /** `SELECT DISTINCT relatedKey ...` on the related connection: the parents whose `parentKey` is among them. */
  async matchingParents(callback: RelationCallback | undefined): Promise<MatchingParents> {
    const keys = await this.constrainedQuery(this.relatedModel().query(), [callback])
      .withoutOrders()
      .whereNotNull(this.relatedKey)
      .distinct()
      .pluck(this.relatedKey);
    return { column: this.parentKey, keys };
  }

  /** Per chunk of parent keys, `SELECT relatedKey, COUNT(*) ... GROUP BY relatedKey` on the related connection. */
  async countPerParent(parents: readonly Model[], callback: RelationCallback | undefined): Promise<(parent: Model) => number> {
    const totals = new Map<string, number>();
    for (const chunk of chunks(uniqueKeys(parents, this.parentKey))) {
      const query = this.constrainedQuery(this.relatedModel().query().whereIn(this.relatedKey, chunk), [callback]);
      const rows: Row[] = await query.countGroupedBy(this.relatedKey);
      for (const row of rows) totals.set(keyOf(row.group_key) as string, Number(row.aggregate));
    }
    return (parent) => {
      const key = keyOf(columnValue(parent, this.parentKey));
      return key === undefined ? 0 : (totals.get(key) ?? 0);
    };
  }

  protected async fetchResults(): Promise<Result> {
    const value = columnValue(this.parent, this.parentKey);
    if (value === null || value === undefined) return (this.many ? [] : null) as Result;
    const query = this.query();
    return (this.many ? await query.get() : await query.first()) as Result;
  }

  protected describe(): string {
    return `${this.constructor.name}|${this.relatedModel().name}|${this.parentKey}|${this.relatedKey}`;
  }
}
