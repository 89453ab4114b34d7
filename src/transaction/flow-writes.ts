import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one async flow wrote to one split connection, for sticky reads and
 * read-your-writes by replication position.
 */
export interface WriteMark {
  /** Bumped by every write, so a position fetched before a later write is not kept (0: reserved, no write yet). */
  generation: number;
  /** The writer's position after this flow's writes; undefined until fetched after the latest write. */
  position: string | undefined;
  /** Replicas (by index) known to have replayed `position`. */
  caughtUp: Set<number>;
}

/**
 * The marks of a flow, one per connection written to. Implicit states (made by
 * a write) are copied when a write adds a connection, so a concurrent flow
 * forked earlier never sees it; a declared state (`enter`, `run`) is the whole
 * flow's and is added to in place. A mark is always updated in place: flows
 * that share it already read from the writer or at a position, and a later
 * write only makes that stricter, never staler.
 */
interface FlowState {
  readonly marks: Map<object, WriteMark>;
  readonly declared: boolean;
}

const storage = new AsyncLocalStorage<FlowState>();

/**
 * The writes of the current async flow. A flow gets its state on its first
 * write, through `enterWith`, which reaches the caller's continuation only
 * when called synchronously from the caller's own call (as `Connection.run`
 * does before its first `await`). Code that writes after an `await` of its own
 * (a model's save hooks) should call `enter()` synchronously at its start.
 */
export const flowWrites = {
  /** Records a write by this flow to `owner` (synchronously, before the statement is sent). */
  note(owner: object): void {
    const state = storage.getStore();
    const mark = state?.marks.get(owner);
    if (mark !== undefined) {
      mark.generation++;
      mark.position = undefined;
      mark.caughtUp.clear();
      return;
    }
    const fresh: WriteMark = { generation: 1, position: undefined, caughtUp: new Set() };
    if (state?.declared) state.marks.set(owner, fresh);
    else storage.enterWith({ marks: copy(state).set(owner, fresh), declared: false });
  },

  /** This flow's mark for `owner`, or undefined when it has not written to it. */
  mark(owner: object): WriteMark | undefined {
    const mark = storage.getStore()?.marks.get(owner);
    return mark === undefined || mark.generation === 0 ? undefined : mark;
  },

  /**
   * Gives this flow, from here on, a mark for `owner` that writes made in
   * scopes it starts (a transaction callback) update in place, so they count
   * for this flow too. Synchronous, like `note`.
   */
  reserve(owner: object): void {
    const state = storage.getStore();
    if (state?.marks.has(owner)) return;
    const reserved: WriteMark = { generation: 0, position: undefined, caughtUp: new Set() };
    if (state?.declared) state.marks.set(owner, reserved);
    else storage.enterWith({ marks: copy(state).set(owner, reserved), declared: false });
  },

  /**
   * Declares the current flow (from here on, and what it starts) as one unit:
   * a write anywhere in it, even after awaits in nested functions, counts for all of it.
   *
   * @example
   * async function handle(req) {
   *   flowWrites.enter();          // synchronously, first thing in the request's flow
   *   await saveOrder(req.body);   // writes somewhere inside, after awaits
   *   return loadOrder(req.id);    // still knows that this flow wrote
   * }
   */
  enter(): void {
    storage.enterWith({ marks: copy(storage.getStore()), declared: true });
  },

  /** Runs `fn` as a declared flow of its own (starting from the caller's marks), leaving the caller's untouched. */
  run<T>(fn: () => T): T {
    return storage.run({ marks: copy(storage.getStore()), declared: true }, fn);
  },
};

function copy(state: FlowState | undefined): Map<object, WriteMark> {
  const marks = new Map<object, WriteMark>();
  if (state === undefined) return marks;
  for (const [owner, mark] of state.marks) marks.set(owner, { ...mark, caughtUp: new Set(mark.caughtUp) });
  return marks;
}
