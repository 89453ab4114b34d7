/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two words. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Close enough to be a typo: at most 2 edits, and most of the word right. */
function near(typed: string, candidate: string): number | null {
  const edits = distance(typed, candidate);
  const length = Math.max(typed.length, candidate.length);
  return edits <= 2 && (length - edits) / length > 0.4 ? edits : null;
}

/**
 * The commands a mistyped one most likely meant, best first; empty when none is close.
 * Beyond typos of the full name (commander's own suggestion), it knows the forms people type
 * from other tools: the name without its `migrate:` prefix (`rollback`, `fresh`, `rolback`),
 * and other separators or case (`migrate-rollback`, `Migrate_Status`).
 *
 * @example
 * suggestCommands('rollback', ['migrate', 'migrate:rollback']); // ['migrate:rollback']
 */
export function suggestCommands(typed: string, names: readonly string[]): string[] {
  const word = typed.toLowerCase().replace(/[-_.\s]+/g, ':');
  const exact = names.filter((name) => name === word);
  if (exact.length > 0) return exact;
  const last = word.slice(word.lastIndexOf(':') + 1);
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const name of names) {
    const suffix = name.slice(name.lastIndexOf(':') + 1);
    const whole = near(word, name);
    // A typo of a whole name beats the same typo of a suffix (`statuss`: status, not migrate:status).
    const part = suffix === name ? null : near(last, suffix);
    const edits = Math.min(whole ?? Number.POSITIVE_INFINITY, part === null ? Number.POSITIVE_INFINITY : part + 0.5);
    if (edits === Number.POSITIVE_INFINITY) continue;
    if (edits < best) {
      best = edits;
      found = [name];
    } else if (edits === best) found.push(name);
  }
  return best === Number.POSITIVE_INFINITY ? [] : found.sort();
}
