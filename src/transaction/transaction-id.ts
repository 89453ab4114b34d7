import { createHash, randomBytes } from 'node:crypto';

/**
 * Transaction ids of cross-connection transactions. They are spliced into XA
 * and PREPARE TRANSACTION statements, so they hold only letters, digits and `_`:
 *
 *   `<prefix>_<created, ms since epoch, base 36>_<12 random hex>_<log tag>_<branch>`
 *
 * The global id (everything before the branch) keys the decision log; each
 * participant's branch has its own id, because two participants may share a
 * server, where XA ids and PostgreSQL GIDs must be unique. MariaDB/MySQL keep no
 * prepare time, so the creation time rides in the id; the log tag names the
 * connection that holds the decision, so recovery knows where to look.
 */
export interface ParsedTransactionId {
  /** The global id: the key of the decision log. */
  gid: string;
  /** When the transaction began (ms since epoch, the coordinator's clock). */
  createdAt: number;
  /** `logTag()` of the connection that holds the decision log. */
  logTag: string;
  branch: number;
}

/** A new global id. */
export function newGlobalId(prefix: string, logConnection: string, now = Date.now()): string {
  return `${prefix}_${now.toString(36)}_${randomBytes(6).toString('hex')}_${logTag(logConnection)}`;
}

/** The id of one participant's branch (its position among the participants). */
export function branchId(gid: string, branch: number): string {
  return `${gid}_${branch.toString(36)}`;
}

/** Six hex digits naming a connection (names may hold any character, ids may not). */
export function logTag(connection: string): string {
  return createHash('sha256').update(connection).digest('hex').slice(0, 6);
}

const cache = new Map<string, RegExp>();

/** The parts of a branch id made with `prefix`, or null for any other id (another application's, a hand-made one). */
export function parseBranchId(prefix: string, xid: string): ParsedTransactionId | null {
  let pattern = cache.get(prefix);
  if (pattern === undefined) {
    // The prefix is validated by the configuration (a letter, then letters, digits, `_`): no regex metacharacters.
    pattern = new RegExp(`^(${prefix}_([0-9a-z]{1,11})_[0-9a-f]{12}_([0-9a-f]{6}))_([0-9a-z]{1,3})$`);
    cache.set(prefix, pattern);
  }
  const match = pattern.exec(xid);
  if (match === null) return null;
  return { gid: match[1], createdAt: Number.parseInt(match[2], 36), logTag: match[3], branch: Number.parseInt(match[4], 36) };
}
