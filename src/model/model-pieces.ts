import type { Row } from '../dialect/dialect.js';
import type { PagedQuery } from '../query/paged-query.js';
import { selectStream } from '../query/select-stream.js';
import type { Model } from './model.js';
import type { ModelBuilder } from './model-builder.js';
import { type ModelClass, primaryKeyOf } from './model-class.js';
import { stateOf } from './model-state.js';

/**
 * A model query's reading in pieces (chunk, lazy, cursor, paginate): the query builder's
 * algorithms over models. Each piece of rows becomes models with the query's eager loads and
 * counts, one query per relation per piece (not per model).
 */
export interface ModelReader<M extends Model> {
  model: ModelClass<M>;
  /** The query's builder on its read connection, relation filters not yet resolved. */
  builder: ModelBuilder;
  /** Runs `terminal` on the builder once its relation filters (`whereHas`) have their keys. */
  resolve<T>(builder: ModelBuilder, terminal: (resolved: ModelBuilder) => Promise<T>): Promise<T>;
  /** Models of a piece of rows, with the query's eager loads and counts. */
  models(rows: Row[]): Promise<M[]>;
}

/**
 * The model query as a PagedQuery: its relation filters resolved once, at the first read of
 * the terminal (so a bad argument is refused before anything is sent), then every page reads
 * the same builder. Keys and cursors take the models' database values (their originals).
 */
export function pagedModels<M extends Model>(reader: ModelReader<M>): PagedQuery<M> {
  const { builder } = reader;
  let resolved: Promise<{ builder: ModelBuilder }> | undefined;
  // Wrapped in an object: a builder is thenable, and a promise would run it.
  const ready = () => {
    resolved ??= reader.resolve(builder, (b) => Promise.resolve({ builder: b }));
    return resolved;
  };
  return {
    connection: builder.boundConnection.name,
    state: builder.queryState,
    key: primaryKeyOf(reader.model),
    rows: async (change) => {
      const { builder: query } = await ready();
      return reader.models(await query.withState(change(query.queryState)).get());
    },
    count: async () => (await ready()).builder.count(),
    valueOf: (item, column) => stateOf(item).original[column],
  };
}

/**
 * The models streamed through the driver, `batchSize` rows at a time, each batch hydrated
 * and eager-loaded before its models are yielded. Leaving the loop early closes the read.
 * The eager loads of a batch run while the stream holds its session: on the model's own
 * connection they need a second one (a pool of 1 would wait for the stream's).
 */
export function streamedModels<M extends Model>(reader: ModelReader<M>, method: string, batchSize: number): AsyncIterable<M> {
  return { [Symbol.asyncIterator]: () => modelStream(reader, method, batchSize) };
}

async function* modelStream<M extends Model>(reader: ModelReader<M>, method: string, batchSize: number): AsyncGenerator<M> {
  const { builder } = await reader.resolve(reader.builder, (b) => Promise.resolve({ builder: b }));
  const source = selectStream(builder.boundConnection, builder.queryState, method, batchSize);
  try {
    for (let rows = await source.next(); rows !== null; rows = await source.next()) yield* await reader.models(rows);
  } finally {
    await source.close();
  }
}
