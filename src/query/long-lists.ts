import { type ExpressionBuilder, expressionBuilder } from 'kysely';
import type { Connection } from '../connection/connection.js';
import type { Dialect } from '../dialect/dialect.js';
import { inputError, shown } from './builder-input.js';
import type { QueryState } from './query-state.js';
import { collectWhereValues } from './select-shape.js';
import type { WhereClause } from './where-clause.js';

type InClause = Extract<WhereClause, { type: 'in' }>;

// biome-ignore lint/suspicious/noExplicitAny: table shapes are only known at run time
const eb: ExpressionBuilder<any, any> = expressionBuilder();

/**
 * The conditions to compile for a statement binding `count` parameters (its conditions'
 * values and any others, an UPDATE's SET values): unchanged while the engine takes that
 * many; past it, the longest IN lists, one after another, in the engine's long-list form
 * (`dialect.longList`: one parameter, or literals) until the statement fits. Which lists
 * follows from their lengths alone, which the cache's shape holds. `cacheable` is false
 * when a list was written as literals: that SQL holds the values.
 * When even that cannot fit (thousands of single values), the conditions come back
 * unchanged and the binding check refuses the statement with a QueryError.
 *
 * @example
 * // 70,000 ids on SQLite (32,766 parameters at most): `id IN (SELECT value FROM json_each(?))`
 * fitParameters('db', dialect, wheres, 70_000);
 */
export function fitParameters(
  connection: string,
  dialect: Dialect,
  wheres: readonly WhereClause[],
  count: number,
): { wheres: readonly WhereClause[]; cacheable: boolean } {
  if (count <= dialect.maxParameters) return { wheres, cacheable: true };
  const lists: InClause[] = [];
  gatherLists(wheres, lists);
  lists.sort((a, b) => b.values.length - a.values.length);
  let excess = count - dialect.maxParameters;
  const chosen = new Set<WhereClause>();
  for (const list of lists) {
    if (excess <= 0 || list.values.length <= 1) break;
    chosen.add(list);
    excess -= list.values.length - 1;
  }
  if (excess > 0) return { wheres, cacheable: true };
  const packed = { cacheable: true };
  return { wheres: pack(connection, dialect, wheres, chosen, packed), cacheable: packed.cacheable };
}

/**
 * The state with its WHERE conditions fitted to the engine's parameter limit (see
 * fitParameters): the statement's values (`collect`, in bind order) are appended to
 * `values`, after the `others` already there (an UPDATE's SET values). `cacheable` is
 * false when the SQL holds values (literal lists).
 */
export function fitState(
  connection: Connection,
  state: QueryState,
  values: unknown[],
  others: number,
  collect: (state: QueryState, into: unknown[]) => void = collectConditionValues,
): { state: QueryState; cacheable: boolean } {
  collect(state, values);
  const dialect = connection.dialect;
  if (values.length <= dialect.maxParameters) return { state, cacheable: true };
  const { wheres, cacheable } = fitParameters(connection.name, dialect, state.wheres, values.length);
  if (wheres === state.wheres) return { state, cacheable };
  const fitted = { ...state, wheres };
  values.length = others;
  collect(fitted, values);
  return { state: fitted, cacheable };
}

/** The values of an UPDATE's or DELETE's WHERE. */
function collectConditionValues(state: QueryState, into: unknown[]): void {
  collectWhereValues(state.wheres, into);
}

function gatherLists(wheres: readonly WhereClause[], into: InClause[]): void {
  for (const where of wheres) {
    if (where.type === 'in' && where.packed === undefined) into.push(where);
    else if (where.type === 'nested') gatherLists(where.wheres, into);
  }
}

function pack(
  connection: string,
  dialect: Dialect,
  wheres: readonly WhereClause[],
  chosen: ReadonlySet<WhereClause>,
  result: { cacheable: boolean },
): WhereClause[] {
  return wheres.map((where) => {
    if (where.type === 'nested') return { ...where, wheres: pack(connection, dialect, where.wheres, chosen, result) };
    if (where.type !== 'in' || !chosen.has(where)) return where;
    // The column parsed as every other condition's is (`table.column`, parts trimmed).
    const packed = dialect.longList.condition(eb.ref(where.column), where.values, where.not);
    if ('problem' in packed) {
      throw inputError(
        connection,
        where.not ? 'whereNotIn' : 'whereIn',
        `has ${where.values.length} values for ${shown(where.column)}, more than one statement binds on this engine, and ${packed.problem}`,
      );
    }
    if (packed.bound.length === 0) result.cacheable = false;
    return { ...where, packed };
  });
}
