/**
 * Start-up of the `so-db` binary as installed (dist/cli/main.js under plain node): repeated
 * spawns of `so-db --help` and `so-db --version`, hyperfine-style, against `node -e 0`
 * spawned in the same rounds. Reported as ratios to Node's own start-up on this machine
 * under this load (paired per round), never as a lone time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, pairedRatio, spread } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');

interface Contender {
  label: string;
  args: string[];
}

const BASELINE: Contender = { label: '`node -e 0`', args: ['-e', '0'] };
const COMMANDS: Contender[] = [
  { label: '`so-db --help`', args: [BIN, '--help'] },
  { label: '`so-db --version`', args: [BIN, '--version'] },
];

export interface StartupSamples {
  label: string;
  /** Wall time of each spawn until exit, in milliseconds, one per round. */
  ms: number[];
}

export interface StartupReport {
  rounds: number;
  baseline: StartupSamples;
  commands: StartupSamples[];
  /** Set when the build had to be made first. */
  built: boolean;
}

function newest(dir: string): number {
  let time = 0;
  for (const name of readdirSync(dir)) {
    const stat = statSync(join(dir, name));
    time = Math.max(time, stat.isDirectory() ? newest(join(dir, name)) : stat.mtimeMs);
  }
  return time;
}

/** dist/ as `npm run build` makes it, when it is missing or older than src/. */
function ensureBuilt(): boolean {
  let built = 0;
  try {
    built = statSync(BIN).mtimeMs;
  } catch {}
  if (built >= newest(join(ROOT, 'src'))) return false;
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (tsc.status !== 0) throw new Error(`building dist/ failed:\n${tsc.stdout}${tsc.stderr}`);
  return true;
}

function spawnMs(contender: Contender, cwd: string): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, contender.args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${contender.label} exited with ${run.status}: ${run.stderr.trim()}`);
  return ms;
}

/**
 * `rounds` rounds, each spawning the baseline and every command once in a rotating order
 * (after `warmup` untimed rounds, which fill the file cache), in an empty folder: no
 * configuration, as on a machine where `--help` is the first thing typed.
 */
export function measureStartup(rounds: number, warmup = 3): StartupReport {
  const built = ensureBuilt();
  const cwd = mkdtempSync(join(tmpdir(), 'sodb-bench-startup-'));
  try {
    const all = [BASELINE, ...COMMANDS];
    const samples = new Map(all.map((c) => [c, [] as number[]]));
    for (let round = -warmup; round < rounds; round++) {
      const offset = ((round % all.length) + all.length) % all.length;
      for (let i = 0; i < all.length; i++) {
        const contender = all[(i + offset) % all.length];
        const ms = spawnMs(contender, cwd);
        if (round >= 0) samples.get(contender)?.push(ms);
      }
    }
    const of = (c: Contender): StartupSamples => ({ label: c.label, ms: samples.get(c) ?? [] });
    return { rounds, baseline: of(BASELINE), commands: COMMANDS.map(of), built };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** The markdown section: per command, its ratio to `node -e 0` (paired per round), with the baseline's time for scale. */
export function renderStartup(report: StartupReport): string {
  const base = report.baseline.ms;
  const lines = [
    `## Start-up of the \`so-db\` binary: ${report.rounds} spawns each, rotating order, against \`node -e 0\` in the same rounds`,
    '',
    '| command | x `node -e 0` (median of per-round ratios) | spread | median ms (baseline alongside) |',
    '|---|--:|--:|--:|',
    `| ${report.baseline.label} | 1.00x | ±${(spread(base) * 100).toFixed(1)}% | ${median(base).toFixed(0)} |`,
  ];
  for (const command of report.commands) {
    const ratio = pairedRatio(command.ms, base);
    lines.push(
      `| ${command.label} | ${ratio.toFixed(2)}x | ±${(spread(command.ms) * 100).toFixed(1)}% | ${median(command.ms).toFixed(0)} (node: ${median(base).toFixed(0)}) |`,
    );
  }
  lines.push(
    '',
    'The extra over `node -e 0` is loading commander and the command definitions; the config loader (tsx), the drivers, Kysely and the registry load only when a command runs.',
  );
  return `${lines.join('\n')}\n`;
}
