import type { Model } from '../model/model.js';
import type { ModelReference } from '../model/model-class.js';
import { type ThroughKeys, ThroughRelation } from './through-relation.js';

/**
 * One related model reached through an intermediate model: a mechanic's car owner
 * through the car (`cars.mechanic_id`, `owners.car_id`). Each of the three models
 * may live on its own connection.
 *
 * @example
 * class Mechanic extends Model {
 *   carOwner() { return this.hasOneThrough(Owner, Car, 'mechanic_id', 'car_id'); }
 * }
 * const owner = await mechanic.carOwner(); // Owner | null
 */
export class HasOneThrough<R extends Model, T extends Model = Model> extends ThroughRelation<R, T, R | null> {
  readonly many = false;

  constructor(parent: Model, related: ModelReference<R>, through: ModelReference<T>, keys: ThroughKeys) {
    super(parent, related, through, keys);
  }
}
