import { checkColumn, inputError, shown } from './builder-input.js';
import { type Conjunction, checkColumnOperator, type WhereClause } from './where-clause.js';
import { inOf, nullOf, whereOf } from './where-input.js';

/** A JOIN of the query: its kind, table (`'orders as o'`) and ON conditions (none for a cross join). */
export interface Join {
  readonly kind: 'inner' | 'left' | 'right' | 'cross';
  readonly table: string;
  readonly conditions: readonly WhereClause[];
}

/** A join's conditions as `join(table, j => ...)` receives them; returns the clause (clauses are immutable). */
export type JoinCallback = (join: JoinClause) => JoinClause;

/**
 * The ON conditions of a join with several: `on` compares two columns, `where`
 * compares a column with a bound value, as Laravel's JoinClause. Immutable: each
 * call returns a new clause, and the callback returns the last one.
 *
 * @example
 * db.table('users as u').join('orders as o', (j) => j.on('o.user_id', '=', 'u.id').where('o.status', 'paid'))
 */
export class JoinClause {
  readonly #connection: string;
  readonly #method: string;
  readonly #conditions: readonly WhereClause[];

  /** @internal The builder makes it. */
  constructor(connection: string, method: string, conditions: readonly WhereClause[] = []) {
    this.#connection = connection;
    this.#method = method;
    this.#conditions = conditions;
  }

  /** `first operator second` between two columns; `on(first, second)` means `=`; a callback groups. */
  on(first: string, operator: string, second: string): JoinClause;
  on(first: string, second: string): JoinClause;
  on(group: JoinCallback): JoinClause;
  on(first: string | JoinCallback, ...rest: string[]): JoinClause {
    return this.#add(this.#columns('and', first, rest));
  }

  orOn(first: string, operator: string, second: string): JoinClause;
  orOn(first: string, second: string): JoinClause;
  orOn(group: JoinCallback): JoinClause;
  orOn(first: string | JoinCallback, ...rest: string[]): JoinClause {
    return this.#add(this.#columns('or', first, rest));
  }

  /** A column compared with a bound value: `where('o.status', 'paid')`, `where('o.total', '>', 100)`. */
  where(column: string, value: unknown): JoinClause;
  where(column: string, operator: string, value: unknown): JoinClause;
  where(column: string, ...rest: unknown[]): JoinClause {
    return this.#add(whereOf(this.#connection, this.#method, 'and', column, rest));
  }

  orWhere(column: string, value: unknown): JoinClause;
  orWhere(column: string, operator: string, value: unknown): JoinClause;
  orWhere(column: string, ...rest: unknown[]): JoinClause {
    return this.#add(whereOf(this.#connection, this.#method, 'or', column, rest));
  }

  whereIn(column: string, values: readonly unknown[]): JoinClause {
    return this.#add(inOf(this.#connection, this.#method, 'and', column, values, false));
  }

  whereNotIn(column: string, values: readonly unknown[]): JoinClause {
    return this.#add(inOf(this.#connection, this.#method, 'and', column, values, true));
  }

  whereNull(column: string): JoinClause {
    return this.#add(nullOf(this.#connection, this.#method, 'and', column, false));
  }

  whereNotNull(column: string): JoinClause {
    return this.#add(nullOf(this.#connection, this.#method, 'and', column, true));
  }

  /** @internal The conditions recorded so far. */
  static conditionsOf(clause: JoinClause): readonly WhereClause[] {
    return clause.#conditions;
  }

  #add(condition: WhereClause | undefined): JoinClause {
    return condition === undefined ? this : new JoinClause(this.#connection, this.#method, [...this.#conditions, condition]);
  }

  #columns(boolean: Conjunction, first: unknown, rest: readonly unknown[]): WhereClause | undefined {
    if (typeof first === 'function') {
      const group = runJoinCallback(this.#connection, this.#method, first as JoinCallback);
      return group.length === 0 ? undefined : { type: 'nested', boolean, wheres: group };
    }
    return columnsOf(this.#connection, this.#method, boolean, first, rest);
  }
}

/** `(first, operator, second)` or `(first, second)` between two columns (`whereColumn`, a join's `on`). */
export function columnsOf(connection: string, method: string, boolean: Conjunction, first: unknown, rest: readonly unknown[]): WhereClause {
  if (rest.length === 0 || rest.length > 2) {
    throw inputError(connection, method, `takes (first, operator, second) or (first, second) columns, got ${rest.length + 1} arguments`);
  }
  const operator = rest.length === 1 ? '=' : checkColumnOperator(connection, method, rest[0]);
  const second = rest[rest.length - 1];
  return { type: 'column', boolean, first: checkColumn(connection, method, first), operator, second: checkColumn(connection, method, second) };
}

/** The conditions a join callback built; it must return the clause it was given (or one made from it). */
export function runJoinCallback(connection: string, method: string, callback: JoinCallback): readonly WhereClause[] {
  const clause: unknown = callback(new JoinClause(connection, method));
  if (!(clause instanceof JoinClause)) {
    throw inputError(connection, method, `callback must return the join clause it was given (clauses are immutable): j => j.on(...), got ${shown(clause)}`);
  }
  return JoinClause.conditionsOf(clause);
}
