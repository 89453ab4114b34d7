import type { Connection } from '../connection/connection.js';
import type { Row } from '../dialect/dialect.js';
import { fitState } from '../query/long-lists.js';
import { checkTable } from '../query/builder-input.js';
import { QueryBuilder } from '../query/query-builder.js';
import { initialState, type QueryState } from '../query/query-state.js';
import { collectSelectValues } from '../query/select-shape.js';
import { buildSelect } from '../query/select-sql.js';
import type { WhereClause } from '../query/where-clause.js';

/**
 * The query builder under a model query. It adds what a model query needs
 * from the builder's state: reading it, moving the query to another
 * connection (read routing), editing its conditions (relation filters) and a
 * grouped count (`withCount`).
 * @internal
 */
export class ModelBuilder extends QueryBuilder {
  static start(connection: Connection, table: string): ModelBuilder {
    return new ModelBuilder(connection, initialState(checkTable(connection.name, 'table', table)));
  }

  get queryState(): QueryState {
    return this.state;
  }

  get boundConnection(): Connection {
    return this.connection;
  }

  /** The same query on another connection. */
  onConnection(connection: Connection): this {
    return this.clone({}, connection);
  }

  /** The same query with another state (a page, a keyset batch of a model query). */
  withState(state: QueryState): this {
    return this.clone(state);
  }

  withWheres(wheres: readonly WhereClause[]): this {
    return this.clone({ wheres });
  }

  /** The same query without ORDER BY (a key list for a relation filter needs none, and DISTINCT refuses some). */
  withoutOrders(): this {
    return this.clone({ orders: [] });
  }

  /** `SELECT column, COUNT(*) ... GROUP BY column` under this query's conditions: key -> count rows. */
  async countGroupedBy(column: string): Promise<Row[]> {
    const { dialect, name } = this.connection;
    const values: unknown[] = [];
    const counted = { ...this.state, columns: [`${column} as group_key`], groups: [column], orders: [], limit: undefined, offset: undefined };
    const { state } = fitState(this.connection, counted, values, 0, collectSelectValues);
    const compiled = buildSelect(dialect, name, state)
      .select((eb) => eb.fn.countAll().as('aggregate'))
      .compile();
    return (await this.connection.run({ kind: 'select', sql: compiled.sql, bindings: compiled.parameters, native: true, needsWriter: state.useWriter })) as Row[];
  }
}
