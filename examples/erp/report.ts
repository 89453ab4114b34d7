/** Printing the demo's report, and counting the statements a step sends. */
import pc from 'picocolors';
import { DB } from './so-database.js';

export const out = {
  title(text: string): void {
    console.log(pc.bold(text));
  },
  section(number: number, text: string): void {
    console.log(`\n${pc.bold(`${number}. ${text}`)}`);
  },
  line(text: string): void {
    console.log(text === '' ? '' : `   ${text}`);
  },
  note(text: string): void {
    console.log(pc.dim(`   ${text}`));
  },
};

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function amount(value: number): string {
  return money.format(value);
}

export interface Counted<T> {
  result: T;
  total: number;
  /** `db 2 · essentials 1`, in the order the connections were first used. */
  perConnection: string;
  /** Statements per connection name. */
  counts: Map<string, number>;
}

/** Statements that are queries, not a new session's set-up (pragmas, SET ...). */
const QUERY = /^\s*(select|insert|update|delete)\b/i;

/** Runs `fn` and counts the queries it sent, per connection (through DB.listen). */
export async function counted<T>(fn: () => Promise<T>): Promise<Counted<T>> {
  const counts = new Map<string, number>();
  const stop = DB.listen((event) => {
    if (QUERY.test(event.sql)) counts.set(event.connection, (counts.get(event.connection) ?? 0) + 1);
  });
  try {
    const result = await fn();
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const perConnection = [...counts].map(([name, n]) => `${name} ${n}`).join(' · ');
    return { result, total, perConnection, counts };
  } finally {
    stop();
  }
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
