import type { ShapePart, ShapeWriter } from './select-shape.js';

interface TrieNode {
  next: Map<ShapePart, TrieNode> | undefined;
  /** The SQL of the shape that ends here; false: compiled every time (see compiled-sql-cache.ts). */
  sql: string | false | undefined;
}

/** Shapes kept (then the trie starts over) and characters of their names and raw texts, as sql-text-cache.ts bounds its texts. */
const MAX_SHAPES = 2000;
const MAX_CHARACTERS = 4_000_000;

function node(): TrieNode {
  return { next: undefined, sql: undefined };
}

/**
 * The compiled SELECTs of one engine, keyed by shape (select-shape.ts) part by part: each
 * step is a Map lookup on a part the caller mostly wrote as a literal (`'users'`, `'id'`),
 * whose hash the engine keeps, instead of hashing a shape string built afresh per query.
 * A walk writes the parts into the trie itself (it is the ShapeWriter), so nothing is
 * allocated: `find` a shape, and on a miss `store` its SQL by writing the parts again.
 * Synchronous and not re-entrant: a walk ends before anything else runs.
 * Past its bounds it starts over empty (the shapes in use come back at one compile each).
 */
export class ShapeTrie implements ShapeWriter {
  #root = node();
  #at: TrieNode | undefined;
  #creating = false;
  #shapes = 0;
  #characters = 0;

  /** Starts a walk: `add` the shape's parts, then `found()`. */
  find(): ShapeWriter {
    this.#at = this.#root;
    this.#creating = false;
    return this;
  }

  /** The SQL cached for the parts added since `find()`, or undefined. */
  found(): string | false | undefined {
    return this.#at?.sql;
  }

  /** Starts a walk that makes the missing nodes: `add` the parts, then `store(sql)`. */
  insert(): ShapeWriter {
    if (this.#shapes >= MAX_SHAPES || this.#characters >= MAX_CHARACTERS) {
      this.#root = node();
      this.#shapes = 0;
      this.#characters = 0;
    }
    this.#at = this.#root;
    this.#creating = true;
    return this;
  }

  /** Keeps `sql` for the parts added since `insert()`. */
  store(sql: string | false): void {
    const at = this.#at as TrieNode;
    if (at.sql === undefined) this.#shapes++;
    if (typeof sql === 'string') this.#characters += sql.length;
    at.sql = sql;
  }

  add(part: ShapePart): void {
    const at = this.#at;
    if (at === undefined) return;
    let next = at.next?.get(part);
    if (next === undefined) {
      if (!this.#creating) {
        this.#at = undefined;
        return;
      }
      next = node();
      at.next ??= new Map();
      at.next.set(part, next);
      if (typeof part === 'string') this.#characters += part.length;
    }
    this.#at = next;
  }
}
