import { loadConfig } from '../config/config-loader.js';
import { normalizeConfig } from '../config/normalize.js';
import type { DatabaseConfig, NormalizedConfig } from '../config/types.js';
import { Connection } from '../connection/connection.js';
import { setInstanceResolver } from '../connection/instance-resolver.js';
import { ConnectionNotConfiguredError } from '../errors/connection-errors.js';

/**
 * The named connections of the process: one `Connection` object per name,
 * created on first request from the configuration, which is itself read on
 * first need (config file discovery) unless `configure()` gave one.
 */
/** Something else the configuration opened (the Redis cache client), closed with the connections. */
export interface Closable {
  disconnect(): Promise<void>;
}

export class ConnectionRegistry {
  #config: NormalizedConfig | undefined;
  readonly #connections = new Map<string, Connection>();
  readonly #resources = new Set<Closable>();

  /** The configuration, loaded from disk the first time it is needed. */
  config(): NormalizedConfig {
    this.#config ??= loadConfig();
    return this.#config;
  }

  get(name?: string): Connection {
    const config = this.config();
    const key = name ?? config.default;
    let connection = this.#connections.get(key);
    if (connection === undefined) {
      const options = Object.hasOwn(config.connections, key) ? config.connections[key] : undefined;
      if (options === undefined) throw new ConnectionNotConfiguredError(key);
      connection = new Connection(options);
      this.#connections.set(key, connection);
    }
    return connection;
  }

  /** Names of the configured connections. */
  names(): string[] {
    return Object.keys(this.config().connections);
  }

  /**
   * Closes `resource` with the connections: on `disconnect()`, and on `configure()`, which
   * also forgets it (it belonged to the old configuration). The cache registers its store here,
   * so this module needs no import of the cache.
   */
  closeWithConnections(resource: Closable): void {
    this.#resources.add(resource);
  }

  /** Replaces the configuration; connections and resources made under the old one are closed. */
  configure(config: DatabaseConfig, source = 'DB.configure()'): Promise<void> {
    const normalized = normalizeConfig(config, source);
    const previous = [...this.#connections.values()];
    const resources = [...this.#resources];
    this.#connections.clear();
    this.#resources.clear();
    this.#config = normalized;
    return closeAll(previous, resources);
  }

  /** Closes every connection and the cache's client (graceful shutdown); a later query reconnects. */
  disconnect(): Promise<void> {
    return closeAll([...this.#connections.values()], [...this.#resources]);
  }
}

async function closeAll(connections: Connection[], resources: Closable[]): Promise<void> {
  await Promise.all([
    ...connections.map((connection) => connection.close().catch(() => {})),
    ...resources.map((resource) => resource.disconnect().catch(() => {})),
  ]);
}

export const registry = new ConnectionRegistry();
setInstanceResolver((name) => registry.get(name));
