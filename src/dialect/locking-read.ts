/**
 * A read that locks the rows it reads (`FOR UPDATE`, `FOR NO KEY UPDATE`, `FOR SHARE`,
 * `FOR KEY SHARE`, MySQL's `LOCK IN SHARE MODE`): it must see and lock the writer's rows.
 * A false positive (the words in a string literal) only costs a replica read.
 *
 * @example
 * isLockingRead('SELECT * FROM t WHERE id = ? FOR UPDATE'); // true
 */
export function isLockingRead(sql: string): boolean {
  return LOCKING_READ.test(sql);
}

const LOCKING_READ = /\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(?:KEY\s+)?SHARE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i;
