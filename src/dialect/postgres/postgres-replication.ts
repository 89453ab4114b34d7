import type { ReplicationSql } from '../dialect.js';

/** PostgreSQL streaming replication (hot standby). */
export const postgresReplication: ReplicationSql = {
  writerPosition: 'SELECT pg_current_wal_lsn()::text AS position',
  // NULL on a server that is not in recovery: never "caught up", so the writer serves.
  replicaCaughtUp: 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up',
  // An idle standby that has replayed all it received is not behind, however old its last replayed commit.
  replicaLag:
    'SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 ' +
    'ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END AS lag',
  replicaLagSeconds(rows) {
    const lag = rows[0]?.lag;
    return lag === null || lag === undefined ? null : Number(lag);
  },
};
