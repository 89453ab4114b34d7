import type { MigrationRun, MigrationStep } from '../migrations/connection-migrator.js';
import type { Output } from './output.js';

function label(step: MigrationStep, out: Output): string {
  const c = out.color;
  switch (step.status) {
    case 'done':
      return step.direction === 'up' ? c.green('applied') : c.green('rolled back');
    case 'failed':
      return c.red('FAILED');
    case 'reverted':
      return c.yellow('undone (rolled back with the failure)');
    default:
      return c.dim('not run');
  }
}

function counted(names: readonly string[], one: string): string {
  return `${names.length} ${one}${names.length === 1 ? '' : 's'}${names.length === 0 ? '' : ` (${names.join(', ')})`}`;
}

/** Prints what a run did on one connection; returns the exit code it deserves. */
export function printRun(out: Output, run: MigrationRun, driver: string, idle: string): number {
  const title = `${out.color.bold(`Connection [${run.connection}]`)} ${out.color.dim(`(${driver})`)}`;
  const dropped =
    run.dropped === undefined ? '' : ` dropped ${counted(run.dropped.tables, 'table')} and ${counted(run.dropped.views, 'view')}.`;
  if (run.steps.length === 0 && run.error === undefined) {
    out.line(`${title}:${dropped} ${idle}`);
    return 0;
  }
  out.line(dropped === '' ? title : `${title}:${dropped}`);
  if (run.steps.length > 0) {
    out.line(out.table(['Migration', 'File', 'Result'], run.steps.map((step) => [step.name, step.file, label(step, out)])));
  }
  if (run.error !== undefined) {
    out.error(run.error.message);
    return 1;
  }
  return 0;
}
