import { Command } from 'commander';
import type { Row, WriteResult } from '../../dialect/dialect.js';
import { action, contextOf, type ExitCode } from '../cli-context.js';
import { cell, type Output } from '../output.js';

/** A binding from the command line: numbers, `true`, `false` and `null` as such; anything else as text. */
export function parseBinding(text: string): unknown {
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n) || !Number.isInteger(n)) return n;
  }
  return text;
}

/** `so-db query NAME "SQL" [bindings...] [--json]`: one statement on one connection. */
export function queryCommand(): Command {
  return new Command('query')
    .description('run one SQL statement on a connection (? placeholders; read-only connections refuse writes) and print its rows')
    .argument('<connection>', 'connection name')
    .argument('<sql>', 'the statement, with ? placeholders')
    .argument('[bindings...]', 'values for the placeholders (numbers, true, false and null are typed; the rest is text)')
    .option('--json', 'print JSON for scripts')
    .action(
      action(
        async (name: string, sql: string, args: string[], options: { json?: boolean }, command: Command): Promise<ExitCode> => {
          const { out, config } = contextOf(command);
          await config();
          // Loaded when the command runs, so that `so-db --help` starts fast.
          const [{ planRawStatement }, { registry }] = await Promise.all([
            import('../../connection/kysely-driver.js'),
            import('../../registry/connection-registry.js'),
          ]);
          const connection = registry.get(name);
          const bindings = args.map(parseBinding);
          const plan = planRawStatement(sql);
          // Everything passes Connection.run, which refuses a write on a read-only connection by the plan's operation.
          const result = await connection.run({ ...plan, sql, bindings });
          if (Array.isArray(result)) printRows(out, result, options.json === true);
          else printWrite(out, result, options.json === true);
          return 0;
        },
      ),
    );
}

function printRows(out: Output, rows: Row[], json: boolean): void {
  if (json) {
    out.json(rows);
    return;
  }
  if (rows.length === 0) {
    out.line(out.color.dim('(no rows)'));
    return;
  }
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  out.line(out.table(columns, rows.map((row) => columns.map((column) => cell(row[column], out.color)))));
  out.line(out.color.dim(`${rows.length} row${rows.length === 1 ? '' : 's'}`));
}

function printWrite(out: Output, result: WriteResult, json: boolean): void {
  if (json) {
    out.json({ affectedRows: result.affectedRows, insertId: result.insertId });
    return;
  }
  const id = result.insertId === null ? '' : `, insert id ${result.insertId}`;
  out.line(`${result.affectedRows} row${result.affectedRows === 1 ? '' : 's'} affected${id}`);
}
