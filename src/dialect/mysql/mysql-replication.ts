import type { ReplicationSql } from '../dialect.js';

/**
 * MariaDB GTID replication. (MySQL's GTIDs differ: `@@gtid_executed` and
 * WAIT_FOR_EXECUTED_GTID_SET; read-your-writes by position is MariaDB-only here.)
 */
export const mysqlReplication: ReplicationSql = {
  writerPosition: 'SELECT @@gtid_binlog_pos AS position',
  // Timeout 0: answers at once, 0 when replayed, -1 when not yet.
  replicaCaughtUp: 'SELECT MASTER_GTID_WAIT(?, 0) = 0 AS caught_up',
  replicaLag: 'SHOW SLAVE STATUS',
  replicaLagSeconds(rows) {
    // No row: not a replica. NULL: a replication thread is stopped.
    const row = rows[0];
    const seconds = row?.Seconds_Behind_Master ?? row?.Seconds_Behind_Source;
    return seconds === null || seconds === undefined ? null : Number(seconds);
  },
};
