import type { Connection } from '../connection/connection.js';
import type { Row } from '../dialect/dialect.js';
import { QueryBuilder, type QueryState } from '../query/query-builder.js';
import { fitParameters } from '../query/long-lists.js';
import { collectWhereValues, type WhereClause, whereExpression } from '../query/where-clause.js';

/**
 * The query builder under a model query. It adds what a model query needs
 * from the builder's state: reading it, moving the query to another
 * connection (read routing), editing its conditions (relation filters) and a
 * grouped count (`withCount`).
 * @internal
 */
export class ModelBuilder extends QueryBuilder {
  static start(connection: Connection, table: string): ModelBuilder {
    const initial = (QueryBuilder.on(connection, table) as ModelBuilder).state;
    return new ModelBuilder(connection, initial);
  }

  get queryState(): QueryState {
    return this.state;
  }

  get boundConnection(): Connection {
    return this.connection;
  }

  /** The same query on another connection. */
  onConnection(connection: Connection): this {
    const copy = this.with({});
    (copy as unknown as { connection: Connection }).connection = connection;
    return copy;
  }

  withWheres(wheres: readonly WhereClause[]): this {
    return this.with({ wheres });
  }

  /** `SELECT column, COUNT(*) ... GROUP BY column` under this query's conditions: key -> count rows. */
  async countGroupedBy(column: string): Promise<Row[]> {
    const { dialect, name } = this.connection;
    const state = this.state;
    const values: unknown[] = [];
    collectWhereValues(state.wheres, values);
    const { wheres } = fitParameters(name, dialect, state.wheres, values.length);
    let query = dialect.compiler
      .selectFrom(state.table)
      .select((eb) => [eb.ref(column).as('group_key'), eb.fn.countAll().as('aggregate')]);
    if (wheres.length > 0) query = query.where((eb) => whereExpression(eb, wheres));
    const compiled = query.groupBy(column).compile();
    return (await this.connection.run('select', compiled.sql, compiled.parameters, true, state.useWriter)) as Row[];
  }
}
