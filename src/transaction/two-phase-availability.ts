import type { Connection } from '../connection/connection.js';

/** Servers known to prepare transactions (a refusal is asked again: the setting may have been fixed). */
const available = new WeakMap<Connection, Promise<string | null>>();

/**
 * Why the connection's server cannot prepare transactions (PostgreSQL with
 * `max_prepared_transactions = 0`), or null when it can. Asked once per connection.
 */
export function twoPhaseProblem(connection: Connection): Promise<string | null> {
  const check = connection.dialect.twoPhase?.availability;
  if (check === undefined || check === null) return Promise.resolve(null);
  let answer = available.get(connection);
  if (answer === undefined) {
    answer = connection.transactions.runOutside(() => connection.select(check.sql)).then((rows) => check.problem(rows[0]));
    available.set(connection, answer);
    answer.then(
      (problem) => {
        if (problem !== null) available.delete(connection);
      },
      () => available.delete(connection),
    );
  }
  return answer;
}
