import type { Model } from '../model/model.js';
import type { ModelReference } from '../model/model-class.js';
import { type ThroughKeys, ThroughRelation } from './through-relation.js';

/**
 * Related models reached through an intermediate model: a project's deployments
 * through its environments (`environments.project_id`, `deployments.environment_id`).
 * Each of the three models may live on its own connection.
 *
 * @example
 * class Project extends Model {
 *   deployments() { return this.hasManyThrough(Deployment, Environment, 'project_id', 'environment_id'); }
 * }
 * const deployments = await project.deployments(); // Deployment[]: one query on each hop's connection
 */
export class HasManyThrough<R extends Model, T extends Model = Model> extends ThroughRelation<R, T, R[]> {
  readonly many = true;

  constructor(parent: Model, related: ModelReference<R>, through: ModelReference<T>, keys: ThroughKeys) {
    super(parent, related, through, keys);
  }
}
