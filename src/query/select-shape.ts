import type { Aggregate, QueryState } from './query-state.js';
import { RawSql } from './raw-sql.js';
import type { WhereClause } from './where-clause.js';

/**
 * What of a state is SQL text (its shape, the key of the compiled-SQL cache) and what
 * is bound (its values, in the order Kysely binds them). The two must agree with
 * select-sql.ts: two states with the same shape compile to the same SQL, and the values
 * are that SQL's parameters (compiled-sql-cache.ts checks the order once per shape).
 *
 * A shape is a sequence of parts (names, raw SQL texts, counts, flags), counts before
 * lists and a kind before each item, so the sequence reads back one way only and no two
 * different states share a shape (with spaces and commas, `where('a = ;and b', 1)` and
 * `where('a', 1).where('b', 2)` could, and the second would run the first one's SQL).
 * A SELECT's parts go down a trie (shape-trie.ts) without being joined into a string:
 * a key lookup's whole cost was hashing that fresh string. Writes join them (`whereShape`),
 * NUL-separated: names cannot hold NUL (builder-input.ts), raw texts come with their length.
 */

/** One part of a shape: a name, a raw SQL text, a count or a flag, never a bound value. */
export type ShapePart = string | number | boolean | undefined;

/** Takes a shape's parts in order: into a string (`whereShape`) or down a trie (shape-trie.ts). */
export interface ShapeWriter {
  add(part: ShapePart): void;
}

/** The parts of a SELECT (or of its aggregate). LIMIT and OFFSET are literals in the SQL, so they are part of it. */
export function writeSelectShape(state: QueryState, aggregate: Aggregate | undefined, out: ShapeWriter): void {
  out.add(state.table);
  out.add(state.columns.length);
  for (const column of state.columns) writeListItem(column, out);
  out.add(state.distinct);
  out.add(state.joins.length);
  for (const join of state.joins) {
    out.add(join.kind);
    out.add(join.table);
    writeWhereShape(join.conditions, out);
  }
  writeWhereShape(state.wheres, out);
  out.add(state.groups.length);
  for (const group of state.groups) writeListItem(group, out);
  writeWhereShape(state.havings, out);
  out.add(state.orders.length);
  for (const order of state.orders) {
    if (order instanceof RawSql) writeRaw(order, out);
    else {
      out.add('c');
      out.add(order.column);
      out.add(order.direction);
    }
  }
  out.add(state.limit);
  out.add(state.offset);
  out.add(state.lock);
  out.add(aggregate?.fn);
  out.add(aggregate?.column);
}

/** The shape of conditions as a string, for the writes' cache keys (write-sql.ts, increment.ts). */
export function whereShape(wheres: readonly WhereClause[]): string {
  const text = new ShapeText();
  writeWhereShape(wheres, text);
  return text.value;
}

/**
 * The parts of conditions without their values. What a value is changes the SQL only
 * through null (IS NULL): arrays, objects and functions never get this far
 * (builder-input.ts), so a cached shape binds its values one per placeholder. A long
 * list's form binds one value or none; with none its SQL holds the values, and the
 * builder never caches it.
 */
export function writeWhereShape(wheres: readonly WhereClause[], out: ShapeWriter): void {
  out.add(wheres.length);
  for (const where of wheres) {
    out.add(where.type);
    out.add(where.boolean);
    switch (where.type) {
      case 'basic':
        out.add(where.column);
        out.add(where.operator);
        out.add(where.value === null);
        break;
      case 'in':
        out.add(where.column);
        out.add(where.not);
        // A packed list binds a fixed number of values whatever its length.
        out.add(where.packed === undefined);
        out.add(where.packed === undefined ? where.values.length : where.packed.bound.length);
        break;
      case 'null':
      case 'between':
        out.add(where.column);
        out.add(where.not);
        break;
      case 'nested':
        writeWhereShape(where.wheres, out);
        break;
      case 'column':
        out.add(where.first);
        out.add(where.operator);
        out.add(where.second);
        break;
      case 'raw':
        writeRaw(where.raw, out);
        break;
      case 'exists':
        out.add(where.not);
        writeSelectShape(where.query, undefined, out);
        break;
      case 'inQuery':
        out.add(where.column);
        out.add(where.not);
        writeSelectShape(where.query, undefined, out);
        break;
    }
  }
}

/** A selected column or GROUP BY term: a name, or a raw piece. */
function writeListItem(item: string | RawSql, out: ShapeWriter): void {
  if (typeof item !== 'string') writeRaw(item, out);
  else {
    out.add('c');
    out.add(item);
  }
}

/** A raw piece by its text, length first (the string form needs it: the text may hold NUL). */
function writeRaw(raw: RawSql, out: ShapeWriter): void {
  out.add('r');
  out.add(raw.sql.length);
  out.add(raw.sql);
}

/** Parts joined with NUL. */
class ShapeText implements ShapeWriter {
  value = '';

  add(part: ShapePart): void {
    this.value += `\0${part}`;
  }
}

/** A SELECT's values in the order Kysely binds them: selections, joins, WHERE, GROUP BY, HAVING, ORDER BY. */
export function collectSelectValues(state: QueryState, into: unknown[]): void {
  for (const column of state.columns) if (typeof column !== 'string') pushAll(column.bindings, into);
  for (const join of state.joins) collectWhereValues(join.conditions, into);
  collectWhereValues(state.wheres, into);
  for (const group of state.groups) if (typeof group !== 'string') pushAll(group.bindings, into);
  collectWhereValues(state.havings, into);
  for (const order of state.orders) if (order instanceof RawSql) pushAll(order.bindings, into);
}

/** Values of conditions in the order Kysely binds them. */
export function collectWhereValues(wheres: readonly WhereClause[], into: unknown[]): void {
  for (const where of wheres) {
    switch (where.type) {
      case 'basic':
        if (where.value !== null) into.push(where.value);
        break;
      case 'in':
        pushAll(where.packed?.bound ?? where.values, into);
        break;
      case 'nested':
        collectWhereValues(where.wheres, into);
        break;
      case 'between':
        into.push(where.low, where.high);
        break;
      case 'raw':
        pushAll(where.raw.bindings, into);
        break;
      case 'exists':
      case 'inQuery':
        collectSelectValues(where.query, into);
        break;
    }
  }
}

function pushAll(values: readonly unknown[], into: unknown[]): void {
  for (const value of values) into.push(value);
}
