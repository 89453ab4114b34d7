import { Command } from 'commander';
import type { NormalizedConnectionConfig } from '../../config/types.js';
import { action, contextOf, type ExitCode } from '../cli-context.js';
import type { ServerStatus } from '../server-probe.js';

export interface ConnectionStatus {
  name: string;
  driver: string;
  default: boolean;
  readOnly: boolean;
  servers: ServerStatus[];
}

async function probeConnection(config: NormalizedConnectionConfig): Promise<ServerStatus[]> {
  // Loaded when the command runs (it brings the dialects), so that `so-db --help` starts fast.
  const { probeServer } = await import('../server-probe.js');
  if (config.read.length === 0) return Promise.all([probeServer(config, config.write, null)]);
  return Promise.all([
    probeServer(config, config.write, 'write'),
    ...config.read.map((server) => probeServer(config, server, 'read')),
  ]);
}

/** `so-db status [--json]`: every configured connection, each of its servers probed. */
export function statusCommand(): Command {
  return new Command('status')
    .description('check every configured connection: driver, server, read-only, up, new (a SQLite file not created yet) or down and why, version, latency (exit 1 if one is down)')
    .option('--json', 'print JSON for scripts')
    .action(
      action(async (options: { json?: boolean }, command: Command): Promise<ExitCode> => {
        const context = contextOf(command);
        const config = await context.config();
        const connections: ConnectionStatus[] = await Promise.all(
          Object.values(config.connections).map(async (connection) => ({
            name: connection.name,
            driver: connection.driver,
            default: connection.name === config.default,
            readOnly: connection.readOnly,
            servers: await probeConnection(connection),
          })),
        );
        // A new SQLite file is not a failure: the first query creates it.
        const ok = connections.every((c) => c.servers.every((s) => s.status !== 'down'));
        const { out } = context;
        if (options.json) {
          out.json({ ok, connections });
          return ok ? 0 : 1;
        }
        const c = out.color;
        const rows: string[][] = [];
        const notes: string[] = [];
        for (const connection of connections) {
          connection.servers.forEach((server, index) => {
            const first = index === 0;
            rows.push([
              first ? `${connection.name}${connection.default ? c.dim(' (default)') : ''}` : '',
              first ? connection.driver : '',
              server.target,
              server.role ?? c.dim('-'),
              first ? (connection.readOnly ? c.yellow('yes') : 'no') : '',
              server.status === 'up' ? c.green('up') : server.status === 'new' ? c.cyan('new') : c.red('DOWN'),
              server.version ?? '',
              server.latencyMs === undefined ? '' : `${server.latencyMs.toFixed(2)} ms`,
            ]);
            const who = `${connection.name}${server.role ? ` (${server.role})` : ''}`;
            if (server.status === 'down') notes.push(`${c.red('✗')} ${who}: ${server.error}`);
            if (server.status === 'new') notes.push(`${c.cyan('•')} ${who}: ${server.target} does not exist yet; the first query creates it.`);
          });
        }
        out.line(out.table(['Connection', 'Driver', 'Server', 'Role', 'Read-only', 'Status', 'Version', 'Latency'], rows));
        for (const note of notes) out.line(note);
        return ok ? 0 : 1;
      }),
    );
}
