import type { ModelClass } from './model-class.js';

/**
 * Model classes by class name, so a model read back from a cache becomes an
 * instance of its class again. A class registers itself when first
 * instantiated, or by `Model.boot()`. Two classes of one name: the later wins.
 */
const byName = new Map<string, ModelClass>();

/** The class registered last: every instance registers its class, and a result's instances come in a row of one class. */
let last: ModelClass | undefined;

export function registerModel(model: ModelClass): void {
  if (model === last) return;
  last = model;
  if (byName.get(model.name) !== model) byName.set(model.name, model);
}

export function modelNamed(name: string): ModelClass | undefined {
  return byName.get(name);
}
