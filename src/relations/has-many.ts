import type { Model } from '../model/model.js';
import type { ModelReference } from '../model/model-class.js';
import { HasOneOrMany } from './has-one-or-many.js';

/**
 * Related models hold the parent's key: `orders.user_id` -> `auser.uid`.
 *
 * @example
 * class User extends Model { orders() { return this.hasMany(Order, 'user_id', 'uid'); } }
 * const orders = await user.orders(); // Order[], read on Order's connection
 */
export class HasMany<R extends Model> extends HasOneOrMany<R, R[]> {
  readonly many = true;

  constructor(parent: Model, related: ModelReference<R>, foreignKey: string, localKey: string) {
    super(parent, related, localKey, foreignKey);
  }
}
