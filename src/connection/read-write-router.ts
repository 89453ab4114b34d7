import { isLockingRead } from '../dialect/locking-read.js';
import { ConnectionError } from '../errors/connection-errors.js';
import { flowWrites } from '../transaction/flow-writes.js';
import type { ReplicaHealth } from './replica-health.js';
import type { ReplicationPosition } from './replication-position.js';
import type { StatementKind } from './statement-kind.js';

/** The route to the writer; any other route is a replica's index in the `read` list. */
export const WRITER = -1;

/** How a flow reads after it wrote ('causal': on any replica, each read sent as the cluster's causal read). */
export type ReadYourWrites = 'none' | 'sticky' | 'position' | 'causal';

export interface ReadWriteRouterOptions {
  connection: string;
  /** Key of this connection in the flows' write marks. */
  owner: object;
  readYourWrites: ReadYourWrites;
  fallbackToWriter: boolean;
  health: ReplicaHealth;
  /** Present when `readYourWrites` is 'position'. */
  position?: ReplicationPosition;
  /** Present when `readYourWrites` is 'causal': the read as sent to see every earlier write (Galera). */
  causalRead?(sql: string): string;
}

/**
 * Where a statement of a read/write connection runs, by these rules in order:
 *
 * 1. inside a transaction: that transaction's session, on the writer
 *    (`Connection.run` sends those before asking the router);
 * 2. writes (insert, update, delete, statement) and locking reads
 *    (FOR UPDATE, FOR SHARE, LOCK IN SHARE MODE): the writer;
 * 3. `useWriter()` or a builder lock (`needsWriter`): the writer;
 * 4. `sticky: true` and this flow wrote: the writer;
 * 5. `readYourWrites: 'position'` and this flow wrote: a replica that has
 *    replayed the flow's writes, else the writer; on a cluster that checks
 *    causality itself (Galera) any healthy replica, the read sent through
 *    `replicaSql` so that the node waits for the cluster's writes first;
 * 6. the next healthy replica, round robin; with none, the writer
 *    (`fallbackToWriter`, default) or a ConnectionError.
 */
export class ReadWriteRouter {
  readonly health: ReplicaHealth;
  readonly #options: ReadWriteRouterOptions;
  readonly #tracksWrites: boolean;
  /** Round-robin cursor. */
  #next = 0;

  constructor(options: ReadWriteRouterOptions) {
    this.#options = options;
    this.health = options.health;
    this.#tracksWrites = options.readYourWrites !== 'none';
    options.health.start();
  }

  /** Records a write of this flow (before it is sent, synchronously: see flowWrites). */
  wrote(): void {
    if (this.#tracksWrites) flowWrites.note(this.#options.owner);
  }

  /** A transaction begins in this flow: its writes, made in the transaction's own scope, must count for this flow. */
  transactionBegins(): void {
    if (this.#tracksWrites) flowWrites.reserve(this.#options.owner);
  }

  /** The route of a statement outside a transaction: WRITER or a replica index. */
  route(kind: StatementKind, sql: string, needsWriter: boolean): number | Promise<number> {
    if (kind !== 'select' || needsWriter || isLockingRead(sql)) return WRITER;
    if (this.#tracksWrites) {
      const mark = flowWrites.mark(this.#options.owner);
      if (mark !== undefined) {
        if (this.#options.causalRead !== undefined) return this.#candidates()[0] ?? WRITER;
        const position = this.#options.position;
        if (position === undefined) return WRITER; // sticky (or position tracking the engine cannot do)
        return position.choose(mark, this.#candidates()).then((replica) => replica ?? WRITER);
      }
    }
    return this.#nextReplica();
  }

  /** The text of a read `route` sent to a replica: the causal form when this flow wrote and the cluster has one. */
  replicaSql(sql: string): string {
    const causalRead = this.#options.causalRead;
    if (causalRead === undefined || flowWrites.mark(this.#options.owner) === undefined) return sql;
    return causalRead(sql);
  }

  #nextReplica(): number {
    const health = this.health;
    const count = health.size;
    for (let i = 0; i < count; i++) {
      const replica = (this.#next + i) % count;
      if (health.available(replica)) {
        this.#next = replica + 1;
        return replica;
      }
    }
    return this.#noReplica();
  }

  /** The healthy replicas, starting at the round-robin cursor (which moves on by one). */
  #candidates(): number[] {
    const health = this.health;
    const count = health.size;
    const start = this.#next;
    this.#next = (start + 1) % count;
    const candidates: number[] = [];
    for (let i = 0; i < count; i++) {
      const replica = (start + i) % count;
      if (health.available(replica)) candidates.push(replica);
    }
    return candidates; // none: the writer serves this flow, which wrote, whatever fallbackToWriter says
  }

  #noReplica(): number {
    if (this.#options.fallbackToWriter) return WRITER;
    const name = this.#options.connection;
    throw new ConnectionError(
      `Connection [${name}]: no healthy read replica (${this.health.describe()}) and fallbackToWriter is false.`,
      { connection: name },
    );
  }
}
