import type { Dialect, ReplicationSql, Row } from '../dialect.js';
import { mysqlDialect } from './mysql-dialect.js';

/**
 * MariaDB Galera (`topology: 'galera'`): every node takes reads and writes, and replication is
 * the cluster's own (certification, no binary log needed), so:
 *
 * - a node serves while `wsrep_ready = ON` and `wsrep_local_state_comment = 'Synced'` (checked on
 *   every `read` node every second; a Donor, Joining or non-Primary node leaves the rotation);
 * - read-your-writes: a flow that wrote sends its reads on other nodes as
 *   `SET STATEMENT wsrep_sync_wait = 1 FOR <read>`: the node first applies every write the
 *   cluster committed before the read (MariaDB's per-statement form of `SET SESSION
 *   wsrep_sync_wait`, so a pooled session shared by other flows keeps its own setting);
 * - no two-phase commit: Galera refuses `XA START` (error 1235), so a Galera connection takes part
 *   in `DB.transaction([...])` only as its one participant without two-phase commit (the last
 *   resource, committed last).
 */
export const galeraDialect: Dialect = {
  ...mysqlDialect,
  twoPhase: null,
  noTwoPhase: 'Galera: XA transactions are not supported with Galera replication',
  replication: galeraReplication(),
};

function galeraReplication(): ReplicationSql {
  return {
    // Positions are not used (causalRead is); GTIDs exist only with a binary log, which Galera does not need.
    writerPosition: 'SELECT @@gtid_binlog_pos AS position',
    replicaCaughtUp: 'SELECT 0 AS caught_up',
    replicaLag: "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment')",
    replicaLagSeconds(rows: readonly Row[]): number | null {
      const status = new Map(rows.map((row) => [String(row.Variable_name).toLowerCase(), String(row.Value)]));
      // A node in sync is never behind (certification makes every node commit in the same order).
      return status.get('wsrep_ready') === 'ON' && status.get('wsrep_local_state_comment') === 'Synced' ? 0 : null;
    },
    causalRead: (sql) => `SET STATEMENT wsrep_sync_wait = 1 FOR ${sql}`,
    stateCheckMs: 1000,
  };
}
