import type { DatabaseError } from '../errors/database-error.js';

/** What `DB.listen` listeners receive after every statement sent to a server. */
export interface QueryEvent {
  connection: string;
  sql: string;
  bindings: readonly unknown[];
  durationMs: number;
  /** `read` or `write` on a connection with read/write splitting; absent elsewhere. */
  role?: 'read' | 'write';
  /** Set when the statement failed. */
  error?: DatabaseError;
}

export type QueryListener = (event: QueryEvent) => void;

const listeners = new Set<QueryListener>();

/** The statement observers. `active` lets the hot path skip timing when nobody listens. */
export const queryEvents = {
  active: false,

  listen(listener: QueryListener): () => void {
    listeners.add(listener);
    queryEvents.active = true;
    return () => {
      listeners.delete(listener);
      queryEvents.active = listeners.size > 0;
    };
  },

  emit(event: QueryEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // A failing observer must not fail the statement it observes.
        process.emitWarning(`A DB.listen listener threw: ${(error as Error)?.message ?? String(error)}`);
      }
    }
  },
};
