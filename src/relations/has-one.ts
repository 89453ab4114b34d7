import type { Model } from '../model/model.js';
import type { ModelReference } from '../model/model-class.js';
import { HasOneOrMany } from './has-one-or-many.js';

/**
 * One related model holds the parent's key: `profiles.user_uid` -> `auser.uid`.
 *
 * @example
 * class User extends Model { profile() { return this.hasOne(Profile, 'user_uid', 'uid'); } }
 * const profile = await user.profile(); // Profile | null, read on Profile's connection
 */
export class HasOne<R extends Model> extends HasOneOrMany<R, R | null> {
  readonly many = false;

  constructor(parent: Model, related: ModelReference<R>, foreignKey: string, localKey: string) {
    super(parent, related, localKey, foreignKey);
  }
}
