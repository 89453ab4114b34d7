import { createRequire } from 'node:module';
import { DriverNotInstalledError } from '../errors/connection-errors.js';

const requireFromHere = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/**
 * Loads a driver package the first time a connection of that driver is used,
 * so an application only needs the drivers it configures.
 */
export function loadDriver<T>(packageName: string, connection: string): T {
  let mod = loaded.get(packageName);
  if (mod === undefined) {
    try {
      mod = requireFromHere(packageName);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
        throw new DriverNotInstalledError(connection, packageName, error);
      }
      throw error;
    }
    loaded.set(packageName, mod);
  }
  return mod as T;
}
