import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactionFrame } from './transaction-frame.js';

/**
 * Which transaction each connection is in, for the current async flow. The
 * map is copied on every change, so a flow never sees a transaction that
 * another flow (or its own parent, after it forked) began.
 */
type Scope = ReadonlyMap<object, TransactionFrame>;

const storage = new AsyncLocalStorage<Scope>();
// Enabled at once: on Node 20/22, until its first run()/enterWith() a storage is not tracked, so the
// first enterWith() in an awaited callee also leaked into its callers' continuations.
storage.run(new Map(), () => {});

/** The innermost transaction of `owner` in this flow that has not ended. */
export function activeFrame(owner: object): TransactionFrame | undefined {
  let frame = storage.getStore()?.get(owner);
  while (frame?.ended) frame = frame.parent;
  return frame;
}

function withFrame(owner: object, frame: TransactionFrame | undefined): Scope {
  const scope = new Map(storage.getStore());
  if (frame === undefined) scope.delete(owner);
  else scope.set(owner, frame);
  return scope;
}

/**
 * Puts `frame` into the current flow from here on. Called synchronously from
 * `beginTransaction()` so that it reaches the caller's continuation and what it
 * starts afterwards (AsyncLocalStorage.enterWith).
 */
export function enterFrame(owner: object, frame: TransactionFrame | undefined): void {
  storage.enterWith(withFrame(owner, frame));
}

/** Runs `fn` with `frame` (none: outside any transaction of `owner`) in scope, leaving the caller's scope untouched. */
export function runInFrame<T>(owner: object, frame: TransactionFrame | undefined, fn: () => T): T {
  return storage.run(withFrame(owner, frame), fn);
}
