import type { Connection } from './connection.js';

/**
 * `Connection.getInstance()` is answered by the registry, which sits above the
 * connection layer; the registry installs itself here so imports point one way.
 */
let resolver: ((name?: string) => Connection) | undefined;

export function setInstanceResolver(resolve: (name?: string) => Connection): void {
  resolver = resolve;
}

export function resolveInstance(name?: string): Connection {
  if (resolver === undefined) throw new Error('so-database: the connection registry is not loaded.');
  return resolver(name);
}
