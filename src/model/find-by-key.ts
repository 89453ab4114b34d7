import type { Connection } from '../connection/connection.js';
import type { Row } from '../dialect/dialect.js';
import { checkValue } from '../query/builder-input.js';
import { castsOf } from './casts.js';
import { hydrateOne } from './hydration.js';
import type { Model } from './model.js';
import { type ModelClass, primaryKeyOf } from './model-class.js';
import { readConnectionFor } from './read-routing.js';

/** SQL of `Model.find` per model class and connection, compiled once by the ordinary model query. */
const findSql = new WeakMap<ModelClass, WeakMap<Connection, string>>();

/**
 * `Model.find(id)` without building a query per call: the hottest model read
 * (bench W1/W2/W7) runs the cached SQL directly through `Connection.run`, so
 * transactions, routing, read-only checks and events apply as for any query.
 * The SQL comes from `query().where(key, id).limit(1)` itself, so both paths
 * say the same; if that query did not bind exactly `[id]`, it is used as is.
 */
export function findByKey<M extends Model>(model: ModelClass<M>, id: unknown): Promise<M | null> {
  const connection = readConnectionFor(model, false);
  try {
    checkValue(connection.name, 'find', id, 'the key');
  } catch (error) {
    return Promise.reject(error);
  }
  let byConnection = findSql.get(model);
  let sql = byConnection?.get(connection);
  if (sql === undefined) {
    const query = model.query().where(primaryKeyOf(model), id).limit(1);
    const compiled = query.toSQL();
    if (compiled.bindings.length !== 1 || !Object.is(compiled.bindings[0], id)) return query.first();
    sql = compiled.sql;
    if (byConnection === undefined) {
      byConnection = new WeakMap();
      findSql.set(model, byConnection);
    }
    byConnection.set(connection, sql);
  }
  return connection.run({ kind: 'select', sql, bindings: [id], native: true }).then((rows) => {
    const row = (rows as Row[])[0];
    return row === undefined ? null : hydrateOne(model, row, castsOf(model));
  });
}
