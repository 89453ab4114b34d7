import type { Row } from '../dialect/dialect.js';
import { DatabaseError } from '../errors/database-error.js';
import { loadedRelationAt, loadedRelationNames } from '../relations/loaded-relations.js';
import { pivotOf } from '../relations/pivot-record.js';
import { attributesOf } from './attributes.js';
import type { Model } from './model.js';
import type { ModelClass } from './model-class.js';

/**
 * `toJSON()` with Eloquent's `hidden`, `visible` and `appends`: the attributes,
 * then the appended getters, the pivot and the loaded relations, then the
 * `visible` and `hidden` filters over all of them (a relation, `pivot` or a
 * `withCount` count is hidden by its name as an attribute is). Nested models
 * follow their own class's rules. Models that declare none take the plain path.
 */
export function serialiseModel(model: Model): Row {
  const definition = model.constructor as ModelClass;
  const rules = rulesOf(model, definition);
  const json = attributesOf(model);
  if (rules !== undefined) for (const name of rules.appends) json[name] = plain((model as unknown as Row)[name]);
  const pivot = pivotOf(model);
  if (pivot !== undefined) json.pivot = pivot;
  const relations = loadedRelationNames(model);
  for (let i = 0; i < relations.length; i++) json[relations[i]] = plain(loadedRelationAt(model, i));
  return rules === undefined ? json : filtered(json, rules);
}

/** `makeHidden`: these names join the instance's hidden ones. */
export function makeHidden(model: Model, names: readonly string[]): void {
  const current = visibilityOf(model);
  instanceVisibility.set(model, { ...current, hidden: union(current.hidden, names) });
}

/** `makeVisible`: these names leave the hidden ones, and join `visible` when the class restricts to it. */
export function makeVisible(model: Model, names: readonly string[]): void {
  const current = visibilityOf(model);
  const leaving = new Set(names);
  instanceVisibility.set(model, {
    ...current,
    hidden: current.hidden.filter((name) => !leaving.has(name)),
    visible: current.visible === undefined || current.visible.length === 0 ? current.visible : union(current.visible, names),
  });
}

/** `append`: these getters join the instance's appended ones. */
export function append(model: Model, names: readonly string[]): void {
  const current = visibilityOf(model);
  instanceVisibility.set(model, { ...current, appends: union(current.appends, names) });
}

/** The serialisation rules of one instance, once it changed its class's. */
interface Visibility {
  hidden: readonly string[];
  visible: readonly string[] | undefined;
  appends: readonly string[];
}

/** Instances with their own rules (`makeHidden`...): few, so kept beside them rather than in every model's state. */
const instanceVisibility = new WeakMap<Model, Visibility>();

interface Rules {
  hidden: ReadonlySet<string>;
  /** Undefined when not declared or empty: then everything is visible (as in Eloquent). */
  visible: ReadonlySet<string> | undefined;
  appends: readonly string[];
}

/** A class's rules, with the statics they were compiled from (a reassigned static recompiles). */
interface CachedRules {
  hidden: ModelClass['hidden'];
  visible: ModelClass['visible'];
  appends: ModelClass['appends'];
  rules: Rules;
}

const classRules = new WeakMap<object, CachedRules>();

function rulesOf(model: Model, definition: ModelClass): Rules | undefined {
  const own = instanceVisibility.get(model);
  if (own !== undefined) return compile(definition, own);
  const { hidden, visible, appends } = definition;
  if (hidden === undefined && visible === undefined && appends === undefined) return undefined;
  const cached = classRules.get(definition);
  if (cached !== undefined && cached.hidden === hidden && cached.visible === visible && cached.appends === appends) {
    return cached.rules;
  }
  const rules = compile(definition, { hidden: hidden ?? [], visible, appends: appends ?? [] });
  classRules.set(definition, { hidden, visible, appends, rules });
  return rules;
}

function compile(definition: ModelClass, visibility: Visibility): Rules {
  for (const name of visibility.appends) {
    if (!(name in definition.prototype)) {
      throw new DatabaseError(
        `Model [${definition.name}] appends [${name}] but has no getter for it: declare \`get ${name}()\` on the class (toJSON refused).`,
        { connection: definition.connection },
      );
    }
  }
  const visible = visibility.visible;
  return {
    hidden: new Set(visibility.hidden),
    visible: visible === undefined || visible.length === 0 ? undefined : new Set(visible),
    appends: visibility.appends,
  };
}

function visibilityOf(model: Model): Visibility {
  const definition = model.constructor as ModelClass;
  return instanceVisibility.get(model) ?? { hidden: definition.hidden ?? [], visible: definition.visible, appends: definition.appends ?? [] };
}

function filtered(json: Row, rules: Rules): Row {
  const out: Row = {};
  for (const key of Object.keys(json)) {
    if (rules.hidden.has(key) || (rules.visible !== undefined && !rules.visible.has(key))) continue;
    out[key] = json[key];
  }
  return out;
}

function union(names: readonly string[], more: readonly string[]): string[] {
  return [...new Set([...names, ...more])];
}

/** Models (also in arrays) as their own `toJSON()`; other values as they are. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  return isModel(value) ? value.toJSON() : value;
}

/** A model's class inherits Model's static `query` (the test `resolveModel` uses for classes). */
function isModel(value: unknown): value is Model {
  return (
    typeof value === 'object' && value !== null && typeof (value.constructor as { query?: unknown } | undefined)?.query === 'function'
  );
}
