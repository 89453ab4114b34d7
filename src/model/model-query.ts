import type { Row } from '../dialect/dialect.js';
import { ModelNotFoundError } from '../errors/model-errors.js';
import type { QueryBuilder } from '../query/query-builder.js';
import { checkBatchSize, DEFAULT_BATCH_SIZE } from '../connection/row-cursor.js';
import { checkPositive, checkValue } from '../query/builder-input.js';
import { type ChunkCallback, chunk, chunkById, itemsById } from '../query/chunking.js';
import { DEFAULT_PER_PAGE, type Page, paginate } from '../query/pagination.js';
import { type CursorPage, cursorPaginate } from '../query/pagination-cursor.js';
import { databaseForm } from './attributes.js';
import { assertSoftDeletes, softDeleteColumns } from './soft-deletes.js';
import { firstOrCreate, firstOrNew, type Match, updateOrCreate } from './first-or-create.js';
import { type IncrementMethod, incrementExtra } from './increment-model.js';
import { castsOf, fromDatabase } from './casts.js';
import type { Model } from './model.js';
import { pagedModels, streamedModels } from './model-pieces.js';
import { ModelQueryRelations } from './model-query-relations.js';
import { primaryKeyOf } from './model-class.js';
import { timestampNow } from './timestamps.js';
import { writableConnection } from './write-guard.js';

/** A group of conditions: `where(q => q.where('a', 1).orWhere('b', 2))`. */
export type WhereCallback = (query: QueryBuilder) => QueryBuilder;

/** `where('status', 'paid')`, `where('total', '>', 100)`, `where({ status: 'paid' })`, `where(q => ...)`. */
export type WhereArgs =
  | [column: string, value: unknown]
  | [column: string, operator: string, value: unknown]
  | [conditions: Record<string, unknown> | WhereCallback];

/**
 * Narrows a query of a related model; returns the query (queries are immutable). Declared as a
 * method so that a callback may name the query's type to use its scopes:
 * `whereHas('invoices', (q: ScopedQuery<typeof Invoice>) => q.paid())`.
 */
// biome-ignore lint/suspicious/noExplicitAny: the related model is named by a string, so its type is not known here
export type RelationCallback = { callback(query: ModelQuery<any>): ModelQuery<any> }['callback'];

/** `'user'`, `'user.profile'`, or `{ orders: q => q.where('status', 'paid') }`. */
export type EagerLoad = string | Record<string, RelationCallback>;

/**
 * A query of a model: the query builder's methods, results as model
 * instances, relations (`with`, `whereHas`, `withCount`) across connections.
 * Immutable; nothing runs before a terminal call or `await`. Reads go to
 * the model's read connection (see `readConnectionFor`), writes to its connection.
 * This module holds the terminals: reads, reads in pieces, writes.
 *
 * @example
 * const orders = await Order.where('status', 'pending').with('user').orderBy('id').limit(20).get();
 */
export class ModelQuery<M extends Model> extends ModelQueryRelations<M> implements PromiseLike<M[]> {
  async get(): Promise<M[]> {
    return this.queryModels(await this.queryRead((b) => b.get()));
  }

  /**
   * The models streamed through the driver, 1000 rows at a time, each batch with its eager
   * loads (one query per relation per batch); leaving the loop early closes the read.
   * @example for await (const order of Order.where('status', 'paid').with('user').cursor()) await mail(order);
   */
  cursor(): AsyncIterable<M> {
    return this.lazy(DEFAULT_BATCH_SIZE);
  }

  /** `cursor()` with `size` rows per batch (and per eager load). */
  lazy(size: number = DEFAULT_BATCH_SIZE): AsyncIterable<M> {
    return streamedModels(this.queryReader(), 'lazy', checkBatchSize(this.connectionName(), 'lazy', size));
  }

  /** The models one by one, read `size` at a time by key (default the primary key), as `chunkById` reads them. */
  lazyById(size: number = DEFAULT_BATCH_SIZE, column?: string): AsyncIterable<M> {
    checkPositive(this.connectionName(), 'lazyById', size, 'the rows per chunk');
    return { [Symbol.asyncIterator]: () => itemsById(pagedModels(this.queryReader()), 'lazyById', size, column) };
  }

  /** The models `size` at a time in pages of the query's order (it must have one); `fn` returning false stops. */
  chunk(size: number, fn: ChunkCallback<M>): Promise<boolean> {
    return chunk(pagedModels(this.queryReader()), 'chunk', size, fn);
  }

  /** `chunk` by key (default the primary key): safe when `fn` updates or deletes the models. */
  chunkById(size: number, fn: ChunkCallback<M>, column?: string): Promise<boolean> {
    return chunkById(pagedModels(this.queryReader()), 'chunkById', size, fn, column);
  }

  /** Page `page` of `perPage` models with the count of all: `{ data, total, perPage, currentPage, lastPage }`. */
  paginate(perPage: number = DEFAULT_PER_PAGE, page = 1): Promise<Page<M>> {
    return paginate(pagedModels(this.queryReader()), 'paginate', perPage, page);
  }

  /** The `perPage` models after `cursor` by keyset on the query's order (the primary key added): `{ data, nextCursor, prevCursor }`. */
  cursorPaginate(perPage: number = DEFAULT_PER_PAGE, cursor?: string | null): Promise<CursorPage<M>> {
    return cursorPaginate(pagedModels(this.queryReader()), 'cursorPaginate', perPage, cursor);
  }

  async first(): Promise<M | null> {
    const [model] = await this.limit(1).get();
    return model ?? null;
  }

  /** The model with this primary key, or null. */
  find(id: unknown): Promise<M | null> {
    try {
      checkValue(this.connectionName(), 'find', id, 'the key');
      return this.where(primaryKeyOf(this.queryParts.model), id).first();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @throws ModelNotFoundError naming the model and the key. */
  async findOrFail(id: unknown): Promise<M> {
    const found = await this.find(id);
    if (found === null) throw new ModelNotFoundError(this.queryParts.model.name, id, this.connectionName());
    return found;
  }

  async count(column = '*'): Promise<number> {
    return this.queryRead((b) => b.count(column));
  }

  async exists(): Promise<boolean> {
    return this.queryRead((b) => b.exists());
  }

  /** One column of every row (cast when the model casts that column). */
  async pluck<V = unknown>(column: string): Promise<V[]> {
    const values = await this.queryRead((b) => b.pluck<V>(column));
    const cast = castsOf(this.queryParts.model).get(column);
    return cast === undefined ? values : values.map((value) => fromDatabase(cast, value) as V);
  }

  async sum(column: string): Promise<number> {
    return this.queryRead((b) => b.sum(column));
  }

  async avg(column: string): Promise<number | null> {
    return this.queryRead((b) => b.avg(column));
  }

  async min<V = unknown>(column: string): Promise<V | null> {
    return this.queryRead((b) => b.min<V>(column));
  }

  async max<V = unknown>(column: string): Promise<V | null> {
    return this.queryRead((b) => b.max<V>(column));
  }

  /**
   * UPDATE of every matching row (casts applied, `updated_at` set with timestamps);
   * refused with ReadOnlyError on a read-only model or connection. Affected rows.
   */
  async update(values: Record<string, unknown>): Promise<number> {
    const { model, connection } = this.queryParts;
    writableConnection(model, 'update', connection);
    let row: Row = databaseForm(values, castsOf(model));
    if (model.timestamps === true && !('updated_at' in row)) row = { ...row, updated_at: timestampNow() };
    return this.queryWrite((b) => b.update(row));
  }

  /**
   * `UPDATE ... SET column = column + amount` (and the `extra` columns; `updated_at` with
   * timestamps) of every matching row, in one statement. Affected rows.
   * @example await Order.where('status', 'paid').increment('reminders', 1, { status: 'late' })
   */
  increment(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return this.#increment('increment', column, amount, extra);
  }

  decrement(column: string, amount: number | bigint = 1, extra?: Record<string, unknown>): Promise<number> {
    return this.#increment('decrement', column, amount, extra);
  }

  /** Inserts a model of this query's model (mass assignment rules apply), as `Model.create`. */
  async create(attributes: Record<string, unknown>): Promise<M> {
    writableConnection(this.queryParts.model, 'create', this.queryParts.connection);
    const model = this.newModel(attributes);
    await model.save();
    return model;
  }

  /**
   * The first model matching this query and `match` (read on the writer), else a new one
   * filled with `match` and `values`, not saved. Eloquent's `firstOrNew`.
   */
  async firstOrNew(match: Match, values?: Match): Promise<M> {
    return (await firstOrNew(this, 'firstOrNew', match, values)).model;
  }

  /**
   * The first model matching `match` (read on the writer), else one inserted with `match` and `values`.
   * @example const tag = await Tag.firstOrCreate({ slug: 'sale' }, { label: 'On sale' });
   */
  firstOrCreate(match: Match, values?: Match): Promise<M> {
    return firstOrCreate(this, match, values);
  }

  /** The first model matching `match`, updated with `values` (changed columns only), else one inserted with both. */
  updateOrCreate(match: Match, values?: Match): Promise<M> {
    return updateOrCreate(this, match, values);
  }

  /**
   * DELETE of every matching row, or with soft deletes an UPDATE setting their `deleted_at`
   * (and `updated_at` with timestamps); refused with ReadOnlyError on a read-only model or
   * connection. Affected rows.
   */
  async delete(): Promise<number> {
    const { model, connection } = this.queryParts;
    writableConnection(model, 'delete', connection);
    if (model.softDeletes === true) {
      const columns = softDeleteColumns(model, timestampNow());
      return this.queryWrite((b) => b.update(columns));
    }
    return this.queryWrite((b) => b.delete());
  }

  /** DELETE of every matching row, trashed ones included, even with soft deletes (other global scopes still apply). */
  async forceDelete(): Promise<number> {
    writableConnection(this.queryParts.model, 'forceDelete', this.queryParts.connection);
    return this.withTrashed().queryWrite((b) => b.delete());
  }

  /**
   * Soft deletes: clears `deleted_at` of every matching row, trashed or not (sets `updated_at`
   * with timestamps). Affected rows.
   * @example await Order.onlyTrashed().where('user_id', 7).restore()
   */
  async restore(): Promise<number> {
    assertSoftDeletes(this, 'restore');
    writableConnection(this.queryParts.model, 'restore', this.queryParts.connection);
    const columns = softDeleteColumns(this.queryParts.model, null);
    return this.withTrashed().queryWrite((b) => b.update(columns));
  }

  /** Awaiting a model query runs `get()`. */
  then<R1 = M[], R2 = never>(
    onfulfilled?: ((models: M[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.get().then(onfulfilled, onrejected);
  }

  #increment(method: IncrementMethod, column: string, amount: number | bigint, extra: Record<string, unknown> | undefined): Promise<number> {
    const { model, connection } = this.queryParts;
    try {
      writableConnection(model, method, connection);
      const values = incrementExtra(model, extra) as Record<string, unknown> | undefined;
      return this.queryWrite((b) => b[method](column, amount, values));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
