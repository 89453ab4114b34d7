import { DatabaseError } from '../errors/database-error.js';
import { attributesOf, syncOriginal } from '../model/attributes.js';
import { castsOf } from '../model/casts.js';
import { Model } from '../model/model.js';
import type { ModelClass } from '../model/model-class.js';
import { modelNamed, registerModel } from '../model/model-registry.js';
import { stateOf } from '../model/model-state.js';
import { loadedRelations, setLoadedRelation } from '../relations/loaded-relations.js';
import { pivotOf, setPivot } from '../relations/pivot-record.js';
import { relationOf } from '../relations/relation-of.js';

/**
 * Cache values as JSON text that comes back as what went in: models as
 * instances of their class (`{ __model: 'Order', attributes, relations }`),
 * dates as dates, bigints, buffers, maps and sets as themselves.
 */

type Tagged = null | boolean | number | string | Tagged[] | { [key: string]: Tagged };

const TAGS = ['__model', '__date', '__bigint', '__bytes', '__map', '__set', '__object'];

/** Thrown by `decode` when a cached model's class is not registered in this process. */
export class UnknownCachedModelError extends DatabaseError {}

export function encode(value: unknown): string {
  return JSON.stringify(tag(value));
}

export function decode(text: string): unknown {
  return JSON.parse(text, revive);
}

function tag(value: unknown): Tagged {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return { __bigint: value.toString() };
    case 'function':
    case 'symbol':
      return null;
  }
  if (Array.isArray(value)) return value.map(tag);
  if (value instanceof Model) return tagModel(value);
  if (value instanceof Date) return { __date: value.toISOString() };
  if (value instanceof Uint8Array) return { __bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Map) return { __map: [...value].map(([k, v]) => [tag(k), tag(v)]) };
  if (value instanceof Set) return { __set: [...value].map(tag) };
  const object = value as Record<string, unknown>;
  if (typeof object.toJSON === 'function') return tag(object.toJSON());
  const entries = Object.entries(object);
  // An object whose own keys look like tags is stored as entries, so it is never mistaken for one.
  if (entries.some(([key]) => TAGS.includes(key))) return { __object: entries.map(([k, v]) => [k, tag(v)]) };
  const out: Record<string, Tagged> = {};
  for (const [key, item] of entries) if (item !== undefined) out[key] = tag(item);
  return out;
}

function tagModel(model: Model): Tagged {
  const model_ = model.constructor as ModelClass;
  registerModel(model_);
  const relations: Record<string, Tagged> = {};
  for (const [name, related] of loadedRelations(model) ?? []) relations[name] = tag(related);
  const pivot = pivotOf(model);
  return {
    __model: model_.name,
    attributes: tag(attributesOf(model)),
    relations,
    exists: model.$isPersisted,
    ...(pivot === undefined ? {} : { pivot: tag(pivot) }),
  };
}

function revive(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  if (typeof v.__date === 'string') return new Date(v.__date);
  if (typeof v.__bigint === 'string') return BigInt(v.__bigint);
  if (typeof v.__bytes === 'string') return Buffer.from(v.__bytes, 'base64');
  if (Array.isArray(v.__map)) return new Map(v.__map as [unknown, unknown][]);
  if (Array.isArray(v.__set)) return new Set(v.__set);
  if (Array.isArray(v.__object)) return Object.fromEntries(v.__object as [string, unknown][]);
  if (typeof v.__model === 'string') return restoreModel(v);
  return value;
}

function restoreModel(tagged: Record<string, unknown>): Model {
  const name = tagged.__model as string;
  const model = modelNamed(name);
  if (model === undefined) {
    throw new UnknownCachedModelError(
      `The cache holds a model [${name}] whose class is not known in this process yet: call ${name}.boot() at start-up (or use the model once) before reading it from the cache.`,
    );
  }
  const instance = new model();
  Object.assign(instance, tagged.attributes as Record<string, unknown>);
  stateOf(instance).exists = tagged.exists === true;
  syncOriginal(instance, castsOf(model));
  if (tagged.pivot !== null && typeof tagged.pivot === 'object') setPivot(instance, tagged.pivot as Record<string, unknown>);
  for (const [relation, related] of Object.entries((tagged.relations ?? {}) as Record<string, unknown>)) {
    setLoadedRelation(instance, relation, related, signatureOf(instance, relation));
  }
  return instance;
}

function signatureOf(model: Model, relation: string): string | undefined {
  try {
    return relationOf(model, relation).signature();
  } catch {
    return undefined;
  }
}
