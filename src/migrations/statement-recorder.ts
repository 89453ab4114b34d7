import { AsyncLocalStorage } from 'node:async_hooks';
import { queryEvents } from '../connection/query-events.js';

export interface RecordedStatement {
  sql: string;
  failed: boolean;
}

/**
 * Records the statements each migration sends, whichever way it sends them (its
 * Kysely instance or raw `DB.connection(...)` calls), by following the migration's
 * async flow: statements of other flows on the same connection are not mixed in.
 */
export class StatementRecorder {
  readonly #current = new AsyncLocalStorage<RecordedStatement[]>();
  readonly #byMigration = new Map<string, RecordedStatement[]>();

  /** Observes statements on `connection` until the returned function is called. */
  listen(connection: string): () => void {
    return queryEvents.listen((event) => {
      const list = this.#current.getStore();
      if (list !== undefined && event.connection === connection) {
        list.push({ sql: event.sql, failed: event.error !== undefined });
      }
    });
  }

  /** Runs `fn`, recording its statements under `migration`. */
  record<T>(migration: string, fn: () => Promise<T>): Promise<T> {
    const list: RecordedStatement[] = [];
    this.#byMigration.set(migration, list);
    return this.#current.run(list, fn);
  }

  statementsOf(migration: string): readonly RecordedStatement[] {
    return this.#byMigration.get(migration) ?? [];
  }
}
