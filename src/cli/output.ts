import { createRequire } from 'node:module';
import type TableConstructor from 'cli-table3';
import pc from 'picocolors';

// cli-table3 (and the string-width packages under it) on first table only: `--help` never draws one.
const nodeRequire = createRequire(import.meta.url);

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours only for a terminal, and never with NO_COLOR set (https://no-color.org); FORCE_COLOR forces them. */
export function colorsFor(stream: NodeJS.WriteStream): Colors {
  const env = process.env;
  const enabled =
    !('NO_COLOR' in env && env.NO_COLOR !== '') &&
    (('FORCE_COLOR' in env && env.FORCE_COLOR !== '0') || (stream.isTTY === true && env.TERM !== 'dumb'));
  return pc.createColors(enabled);
}

/** Where commands write: results to stdout, messages and errors to stderr. */
export class Output {
  readonly color = colorsFor(process.stdout);
  readonly errorColor = colorsFor(process.stderr);

  line(text = ''): void {
    process.stdout.write(`${text}\n`);
  }

  /** A line on stderr, so stdout stays parseable. */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  error(text: string): void {
    process.stderr.write(`${this.errorColor.red(this.errorColor.bold('so-db:'))} ${text}\n`);
  }

  json(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, jsonValue, 2)}\n`);
  }

  table(head: readonly string[], rows: readonly (readonly string[])[]): string {
    const Table = nodeRequire('cli-table3') as typeof TableConstructor;
    const table = new Table({
      head: head.map((h) => this.color.bold(h)),
      // Colours are ours (picocolors, which honours NO_COLOR), not cli-table3's.
      style: { head: [], border: [] },
      // No rule between rows: a table of many rows stays readable.
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    for (const row of rows) table.push([...row]);
    return table.toString();
  }
}

/** JSON for values drivers return: bigints as strings, bytes as hex, dates as ISO text. */
export function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (isBufferJson(value)) return `\\x${Buffer.from(value.data).toString('hex')}`;
  return value;
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer';
}

/** A value as a table cell shows it. */
export function cell(value: unknown, color: Colors): string {
  if (value === null || value === undefined) return color.dim('NULL');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object') return JSON.stringify(value, jsonValue);
  return String(value);
}
