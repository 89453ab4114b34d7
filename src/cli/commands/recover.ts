import { Command, InvalidArgumentError } from 'commander';
import { action, contextOf, type ExitCode } from '../cli-context.js';

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of milliseconds.');
  return n;
}

/** `so-db recover [--min-age-ms N] [--json]`: `DB.recover()`, which finishes in-doubt two-phase transactions. */
export function recoverCommand(): Command {
  return new Command('recover')
    .description('finish the prepared (two-phase) transactions a crash left in doubt, by their recorded decision')
    .option('--min-age-ms <n>', 'leave alone prepared transactions younger than this (default 60000)', nonNegativeInteger)
    .option('--json', 'print JSON for scripts')
    .action(
      action(async (options: { minAgeMs?: number; json?: boolean }, command: Command): Promise<ExitCode> => {
        const { out, config } = contextOf(command);
        await config();
        const { DB } = await import('../../registry/db.js'); // when it runs, so that `so-db --help` starts fast
        const results = await DB.recover(options.minAgeMs === undefined ? {} : { minAgeMs: options.minAgeMs });
        // A connection that could not be looked at (xid null) may still hold transactions in doubt.
        const incomplete = results.some((r) => r.xid === null);
        if (options.json) {
          out.json(results);
          return incomplete ? 1 : 0;
        }
        if (results.length === 0) {
          out.line('Nothing to recover: no prepared transaction of this application is in doubt.');
          return 0;
        }
        const c = out.color;
        const rows = results.map((r) => [
          r.connection,
          r.xid ?? c.dim('-'),
          r.action === 'skipped' ? c.yellow(r.action) : c.green(r.action),
          r.reason,
        ]);
        out.line(out.table(['Connection', 'Transaction', 'Action', 'Reason'], rows));
        return incomplete ? 1 : 0;
      }),
    );
}
