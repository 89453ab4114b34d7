import { ConnectionError } from '../errors/connection-errors.js';
import { flowWrites } from '../transaction/flow-writes.js';
import type { ReplicaHealth } from './replica-health.js';
import type { ReplicationPosition } from './replication-position.js';
import type { StatementKind } from './statement-kind.js';

/** The route to the writer; any other route is a replica's index in the `read` list. */
export const WRITER = -1;

/** How a flow reads after it wrote. */
export type ReadYourWrites = 'none' | 'sticky' | 'position';

export interface ReadWriteRouterOptions {
  connection: string;
  /** Key of this connection in the flows' write marks. */
  owner: object;
  readYourWrites: ReadYourWrites;
  fallbackToWriter: boolean;
  health: ReplicaHealth;
  /** Present when `readYourWrites` is 'position'. */
  position?: ReplicationPosition;
}

// Locking reads must see and lock the writer's rows. A false positive (the words in a string literal) only costs a replica read.
const LOCKING_READ = /\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(?:KEY\s+)?SHARE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i;

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
 *    replayed the flow's writes, else the writer;
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
    if (kind !== 'select' || needsWriter || LOCKING_READ.test(sql)) return WRITER;
    if (this.#tracksWrites) {
      const mark = flowWrites.mark(this.#options.owner);
      if (mark !== undefined) {
        const position = this.#options.position;
        if (position === undefined) return WRITER; // sticky (or position tracking the engine cannot do)
        return position.choose(mark, this.#candidates()).then((replica) => replica ?? WRITER);
      }
    }
    return this.#nextReplica();
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
