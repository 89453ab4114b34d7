import type { Model } from '../model/model.js';
import { KeyedRelation } from './keyed-relation.js';
import type { ModelValues } from '../types/typed-model.js';

/** hasOne and hasMany: the related models hold the parent's key. */
export abstract class HasOneOrMany<R extends Model, Result> extends KeyedRelation<R, Result> {
  /**
   * Creates a related model with its foreign key set to this parent's key.
   * The other attributes go through mass assignment as in `create()`.
   * @example const order = await user.orders().create({ total: 100, status: 'pending' });
   */
  async create(attributes: ModelValues<R>): Promise<R> {
    const related = new (this.relatedModel())();
    related.fill(attributes);
    (related as unknown as Record<string, unknown>)[this.relatedKey] = (this.parent as unknown as Record<string, unknown>)[
      this.parentKey
    ];
    await related.save();
    return related;
  }
}
