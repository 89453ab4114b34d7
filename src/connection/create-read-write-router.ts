import type { NormalizedConnectionConfig } from '../config/types.js';
import type { Dialect, Row } from '../dialect/dialect.js';
import { DatabaseError } from '../errors/database-error.js';
import type { ReplicaHealthChange } from './query-events.js';
import { ReadWriteRouter } from './read-write-router.js';
import { ReplicaHealth } from './replica-health.js';
import { ReplicationPosition } from './replication-position.js';

/** What the router's checks need from their connection (statements go through it, so they are observed). */
export interface RouterWiring {
  config: NormalizedConnectionConfig;
  dialect: Dialect;
  /** Key of the connection in the flows' write marks. */
  owner: object;
  /** Runs a read on replica `replica` (its pool, role 'read'). */
  onReplica(replica: number, sql: string, bindings: readonly unknown[]): Promise<Row[]>;
  /** Runs a read on the writer (role 'write'). */
  onWriter(sql: string): Promise<Row[]>;
  /** A replica left or rejoined the rotation. */
  report(change: ReplicaHealthChange, error: DatabaseError | undefined): void;
}

/** The router of a read/write connection, with its replica health checks and read-your-writes by position. */
export function createReadWriteRouter(wiring: RouterWiring): ReadWriteRouter {
  const { config, onReplica } = wiring;
  const replication = wiring.dialect.replication;
  // A cluster whose nodes report their state (Galera) has it checked even without a lag limit.
  const stateChecked = replication?.stateCheckMs !== undefined && config.maxReplicationLag === undefined;
  const health = new ReplicaHealth({
    servers: config.read,
    maxReplicationLag: replication === undefined ? undefined : stateChecked ? Number.POSITIVE_INFINITY : config.maxReplicationLag,
    ...(stateChecked ? { lagCheckIntervalMs: replication?.stateCheckMs } : {}),
    checks: {
      ping: async (replica) => {
        await onReplica(replica, 'SELECT 1', []);
      },
      lag: async (replica) =>
        replication === undefined ? null : replication.replicaLagSeconds(await onReplica(replica, replication.replicaLag, [])),
    },
    report: wiring.report,
  });
  const causalRead = replication?.causalRead;
  let position: ReplicationPosition | undefined;
  if (config.readYourWrites === 'position' && replication !== undefined && causalRead === undefined) {
    position = new ReplicationPosition({
      writerPosition: async () => String((await wiring.onWriter(replication.writerPosition))[0]?.position ?? ''),
      caughtUp: async (replica, at) => {
        try {
          const caughtUp = (await onReplica(replica, replication.replicaCaughtUp, [at]))[0]?.caught_up;
          return caughtUp === true || Number(caughtUp) === 1;
        } catch (error) {
          // Already reported as a failed statement; an unreachable replica also leaves the rotation.
          if (error instanceof DatabaseError) health.failed(replica, error);
          return false;
        }
      },
    });
  }
  return new ReadWriteRouter({
    connection: config.name,
    owner: wiring.owner,
    // Sticky wins when both are set: it is the stricter of the two. A cluster with causal reads
    // (Galera) always reads a flow's writes back: it costs only the flows that wrote.
    readYourWrites: config.sticky ? 'sticky' : causalRead !== undefined ? 'causal' : config.readYourWrites === 'position' ? 'position' : 'none',
    fallbackToWriter: config.fallbackToWriter,
    health,
    position,
    ...(causalRead === undefined ? {} : { causalRead }),
  });
}
