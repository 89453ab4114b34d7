import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type OperationNode,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Row } from '../dialect/dialect.js';
import { isLockingRead } from '../dialect/locking-read.js';
import type { TransactionSql } from '../dialect/transaction-sql.js';
import { DatabaseError } from '../errors/database-error.js';
import type { Connection } from './connection.js';
import type { StatementKind } from './statement-kind.js';

/** How a statement goes through `Connection.run`. */
export interface StatementPlan {
  kind: StatementKind;
  /** A write with RETURNING: its rows are the result. */
  returnsRows: boolean;
  /** A locking read, which must not go to a replica. */
  needsWriter: boolean;
  /** What a read-only connection says it refused (`create table`, `insert`, ...). */
  operation: string;
}

const QUERY_KINDS: Readonly<Record<string, StatementKind>> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
};

const LOCKING = new Set(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare']);
/** Raw SQL that reads (`PRAGMA x = y` writes, so only the bare PRAGMA form counts). */
const RAW_READ = /^[\s(]*(?:select|with|show|explain|values|describe|desc|table)\b|^\s*pragma\s+[\w.]+\s*(?:\([^)]*\))?\s*;?\s*$/i;
const RAW_WRITE = /^[\s(]*(insert|update|delete|replace)\b/i;
const RETURNING = /\breturning\b/i;
const LEADING_COMMENTS = /^(?:\s*(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/))+/;

interface NodeFields extends OperationNode {
  readonly returning?: unknown;
  readonly endModifiers?: ReadonlyArray<{ readonly modifier?: string }>;
}

/**
 * How hand-written SQL goes through `Connection.run`, from its first keyword: reads,
 * inserts, updates, deletes (with RETURNING, their rows are the result), else a statement.
 *
 * @example
 * planRawStatement('UPDATE users SET name = ? RETURNING id'); // { kind: 'update', returnsRows: true, ... }
 */
export function planRawStatement(sql: string): StatementPlan {
  const text = sql.replace(LEADING_COMMENTS, '');
  if (RAW_READ.test(text)) {
    return { kind: 'select', returnsRows: false, needsWriter: isLockingRead(text), operation: 'select' };
  }
  const write = RAW_WRITE.exec(text);
  if (write !== null) {
    const kind = (write[1].toLowerCase() === 'replace' ? 'insert' : write[1].toLowerCase()) as StatementKind;
    return { kind, returnsRows: RETURNING.test(text), needsWriter: false, operation: kind };
  }
  return { kind: 'statement', returnsRows: false, needsWriter: false, operation: 'statement' };
}

function plan(compiled: CompiledQuery): StatementPlan {
  const node = compiled.query as NodeFields;
  const kind = QUERY_KINDS[node.kind];
  if (kind !== undefined) {
    const locking = kind === 'select' && (node.endModifiers ?? []).some((m) => LOCKING.has(m.modifier ?? ''));
    return { kind, returnsRows: kind !== 'select' && node.returning !== undefined, needsWriter: locking, operation: kind };
  }
  if (node.kind === 'RawNode') return planRawStatement(compiled.sql);
  // Schema changes and the rest: `CreateTableNode` -> `create table`.
  const operation = node.kind
    .replace(/Node$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return { kind: 'statement', returnsRows: false, needsWriter: false, operation };
}

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/** Runs one Kysely-compiled statement through the connection's single path. */
async function execute(connection: Connection, compiled: CompiledQuery, writer: boolean): Promise<QueryResult<Row>> {
  const how = plan(compiled);
  const statement = { ...how, sql: compiled.sql, bindings: compiled.parameters, native: true, needsWriter: how.needsWriter || writer };
  const result = await connection.run(statement);
  // A write that returns rows (RETURNING): its rows are the result.
  if (Array.isArray(result)) return how.returnsRows ? { rows: result, numAffectedRows: BigInt(result.length) } : { rows: result };
  const insertId = toBigInt(result.insertId);
  return {
    rows: [],
    numAffectedRows: BigInt(result.affectedRows),
    ...(insertId === undefined ? {} : { insertId }),
  };
}

type Scope = <R>(fn: () => R) => R;

/**
 * What Kysely holds as "a connection". It owns no session: statements go through
 * `Connection.run`, which finds this async flow's transaction. A Kysely transaction
 * begun on it is a transaction of the Connection; the bridge remembers the async
 * context it began in, so the transaction's statements find it even when Kysely
 * runs them from another flow (`db.startTransaction()` hands the transaction back
 * to the caller, whose flow never saw it begin).
 */
class ConnectionBridge implements DatabaseConnection {
  readonly #connection: Connection;
  readonly #writer: boolean;
  #scope: Scope | undefined;

  constructor(connection: Connection, writer: boolean) {
    this.#connection = connection;
    this.#writer = writer;
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const scope = this.#scope;
    // In the flow that began it (Kysely's transaction callback), the transaction is
    // already in scope, and the caller's own async context is kept as it is.
    if (scope === undefined || this.#connection.inTransaction()) {
      return execute(this.#connection, compiled, this.#writer) as Promise<QueryResult<R>>;
    }
    return scope(() => execute(this.#connection, compiled, this.#writer)) as Promise<QueryResult<R>>;
  }

  /** Rows in chunks; the statement itself runs to completion first (sessions do not stream). */
  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 1000): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }

  /** Not async: `beginTransaction()` must enter the caller's async context synchronously. */
  begin(): Promise<void> {
    const started = this.#connection.beginTransaction();
    this.#scope = AsyncLocalStorage.snapshot();
    return started;
  }

  end(commit: boolean): Promise<void> {
    const scope = this.#scope;
    this.#scope = undefined;
    if (scope === undefined) return Promise.resolve();
    return scope(() => (commit ? this.#connection.commit() : this.#connection.rollback()));
  }
}

/**
 * A Kysely `Driver` over a so-database `Connection`: every statement Kysely sends
 * (schema builder, query builder, migrator, introspector) takes `Connection.run`, so
 * read-only refusal, the async flow's transaction, error translation and `DB.listen`
 * events all apply. Kysely transactions are the Connection's transactions (a
 * savepoint when the flow already has one). The driver never closes the connection:
 * its pool belongs to the registry (`DB.disconnect()`).
 *
 * @example
 * const db = new Kysely<any>({ dialect: { createDriver: () => new ConnectionDriver(conn), ...parts } });
 */
export interface ConnectionDriverOptions {
  /** Every read on the primary too, never a replica (the migrator must not read stale state). */
  writer?: boolean;
}

export class ConnectionDriver implements Driver {
  readonly #connection: Connection;
  readonly #writer: boolean;

  constructor(connection: Connection, options: ConnectionDriverOptions = {}) {
    this.#connection = connection;
    this.#writer = options.writer === true;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new ConnectionBridge(this.#connection, this.#writer);
  }

  async releaseConnection(): Promise<void> {}

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel !== undefined || settings.accessMode !== undefined) {
      return Promise.reject(
        new DatabaseError(
          `Connection [${this.#connection.name}]: Kysely transactions with an isolation level or access mode are not supported; set them with a statement inside the transaction.`,
          { connection: this.#connection.name },
        ),
      );
    }
    return (connection as ConnectionBridge).begin();
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return (connection as ConnectionBridge).end(true);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return (connection as ConnectionBridge).end(false);
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(this.#sql.savepoint(this.#quote(name))));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(this.#sql.rollbackToSavepoint(this.#quote(name))));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(this.#sql.releaseSavepoint(this.#quote(name))));
  }

  /** The pool belongs to the registry; `db.destroy()` leaves it open. */
  async destroy(): Promise<void> {}

  get #sql(): TransactionSql {
    return this.#connection.dialect.transactionSql;
  }

  #quote(name: string): string {
    return this.#connection.dialect.quoteIdentifier(name);
  }
}
