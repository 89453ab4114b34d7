import type { Model } from '../model/model.js';
import type { ModelReference } from '../model/model-class.js';
import { KeyedRelation } from './keyed-relation.js';

/**
 * The parent holds the key of one related model: `order.user_id` -> `auser.uid`.
 *
 * @example
 * class Order extends Model { user() { return this.belongsTo(User, 'user_id', 'uid'); } }
 * const user = await order.user(); // User | null, read on User's connection
 */
export class BelongsTo<R extends Model> extends KeyedRelation<R, R | null> {
  readonly many = false;

  constructor(parent: Model, related: ModelReference<R>, foreignKey: string, ownerKey: string) {
    super(parent, related, foreignKey, ownerKey);
  }
}
