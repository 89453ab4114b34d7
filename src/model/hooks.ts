import { DatabaseError } from '../errors/database-error.js';
import type { Model } from './model.js';
import type { ModelClass } from './model-class.js';

/** What a hook may return: `false` from a `*ing` hook cancels the write. */
// biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing (or an async one) is typed void
export type HookResult = void | boolean | Promise<void | boolean>;

/**
 * A model's hooks, Eloquent's model events: `static hooks: ModelHooks<User> = { creating: (user) => ... }`.
 * Declared as methods so that a subclass's `ModelHooks<User>` fits `ModelHooks<Model>`.
 */
export interface ModelHooks<M extends Model = Model> {
  saving?(model: M): HookResult;
  saved?(model: M): HookResult;
  creating?(model: M): HookResult;
  created?(model: M): HookResult;
  updating?(model: M): HookResult;
  updated?(model: M): HookResult;
  deleting?(model: M): HookResult;
  deleted?(model: M): HookResult;
  /** Soft deletes' `restore()`: before clearing `deleted_at` (false cancels), and after its save. */
  restoring?(model: M): HookResult;
  restored?(model: M): HookResult;
}

export type HookName = keyof ModelHooks;

/** The write asking for hooks, named in the error about a bad declaration. */
export interface HookedWrite {
  connection: string;
  operation: string;
}

const NAMES = new Set<string>([
  'saving',
  'saved',
  'creating',
  'created',
  'updating',
  'updated',
  'deleting',
  'deleted',
  'restoring',
  'restored',
]);
const checked = new WeakSet<object>();

/**
 * The hooks a model class runs, base class first: a subclass runs the hooks its
 * parents declare and then its own (as Eloquent's `booted()` registrations are
 * inherited). Undefined when no class in the chain declares any, so models
 * without hooks pay one property read per write.
 */
export function hooksOf(definition: ModelClass, write: HookedWrite): readonly ModelHooks[] | undefined {
  if (definition.hooks === undefined) return undefined;
  const chain: ModelHooks[] = [];
  for (let c: object = definition; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    if (!Object.hasOwn(c, 'hooks')) continue;
    const hooks = (c as ModelClass).hooks;
    if (hooks === undefined || hooks === null) continue;
    assertHooks(c as ModelClass, hooks, write);
    chain.unshift(hooks);
  }
  return chain.length === 0 ? undefined : chain;
}

/**
 * Runs the `name` hooks in order; false when a `*ing` hook returned `false`
 * (the hooks after it do not run, as Eloquent's `until` dispatch stops).
 * Hooks run in the caller's async flow, so inside its transaction.
 */
export async function runHooks(chain: readonly ModelHooks[], name: HookName, model: Model): Promise<boolean> {
  const cancellable = name.endsWith('ing');
  for (const hooks of chain) {
    const hook = hooks[name];
    if (hook === undefined) continue;
    const result = await hook.call(hooks, model);
    if (cancellable && result === false) return false;
  }
  return true;
}

/** A misspelt hook would never run: refuse it by name, once per hooks object. */
function assertHooks(model: ModelClass, hooks: object, write: HookedWrite): void {
  if (checked.has(hooks)) return;
  for (const [name, hook] of Object.entries(hooks)) {
    const problem = !NAMES.has(name)
      ? `declares an unknown hook "${name}"; hooks are: ${[...NAMES].join(', ')}`
      : typeof hook !== 'function'
        ? `hook "${name}" is not a function`
        : undefined;
    if (problem !== undefined) throw new DatabaseError(`Model [${model.name}] ${problem} (${write.operation} refused).`, { connection: write.connection });
  }
  checked.add(hooks);
}
