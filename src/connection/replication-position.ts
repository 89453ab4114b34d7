import type { WriteMark } from '../transaction/flow-writes.js';

/** The two questions read-your-writes asks (sent through the connection, so they are observed). */
export interface PositionQueries {
  /** The writer's current replication position (rejects when it cannot be read). */
  writerPosition(): Promise<string>;
  /** Whether the replica has replayed up to `position`; false when it cannot tell (the error is reported). */
  caughtUp(replica: number, position: string): Promise<boolean>;
}

/**
 * Read-your-writes by replication position (`readYourWrites: 'position'`).
 * After a flow wrote, its reads may use a replica only once that replica has
 * replayed the writer's position as of the flow's last write (PostgreSQL WAL
 * LSN, MariaDB GTID position). The position is fetched once, on the first read
 * after a write (it then covers every write the flow made, transactions
 * included); a replica found caught up is remembered until the flow writes again.
 * Without a position from the writer, no replica counts as caught up.
 */
export class ReplicationPosition {
  readonly #queries: PositionQueries;

  constructor(queries: PositionQueries) {
    this.#queries = queries;
  }

  /** The first of `candidates` (in order) that has replayed the flow's writes, or undefined: use the writer. */
  async choose(mark: WriteMark, candidates: readonly number[]): Promise<number | undefined> {
    if (candidates.length === 0) return undefined;
    let position = mark.position;
    if (position === undefined) {
      const generation = mark.generation;
      try {
        position = await this.#queries.writerPosition();
      } catch {
        return undefined; // reported as a failed statement; the writer serves the read (or reports its own failure)
      }
      // A write that started meanwhile may not be covered: this read goes to the writer.
      if (mark.generation !== generation) return undefined;
      mark.position = position;
    }
    // A writer that reports no position (no binary log, Galera, a NULL) gives nothing to compare: a replica
    // would answer "caught up" to an empty GTID set. Only the writer is known to have the flow's writes.
    if (position === '') return undefined;
    for (const replica of candidates) if (mark.caughtUp.has(replica)) return replica;
    for (const replica of candidates) {
      if (await this.#queries.caughtUp(replica, position)) {
        if (mark.position === position) mark.caughtUp.add(replica);
        return replica;
      }
    }
    return undefined;
  }
}
