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
  /**
   * Set on the events that report a replica of a split connection changing
   * state; they carry `sql: ''`, no bindings, `role: 'read'`, and `error` when a failure caused it.
   */
  health?: ReplicaHealthChange;
}

/** A replica left or rejoined the rotation of a read/write connection. */
export interface ReplicaHealthChange {
  /** The replica's index in the connection's `read` list. */
  replica: number;
  /** `host:port` of the replica. */
  server: string;
  /** `down`: unreachable, tried again after `retryInMs`; `lagging`: over `maxReplicationLag`; `healthy`: back in rotation. */
  state: 'down' | 'lagging' | 'healthy';
  /** Seconds behind the writer when `lagging` (null: not replicating at all). */
  lagSeconds?: number | null;
  retryInMs?: number;
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
