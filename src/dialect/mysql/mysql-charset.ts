import type { ServerConfig } from '../../config/types.js';
import { ConfigurationError } from '../../errors/configuration-error.js';

/**
 * Character sets of a MySQL/MariaDB connection.
 *
 * Text always travels as UTF-8 (`character_set_client` and `_results`): mysql2 decodes legacy
 * charsets with Node's tables, and its `latin1` is ISO-8859-1 while MySQL's is Windows-1252, so
 * `€` would be lost. The configured charset and collation become `character_set_connection` and
 * `collation_connection`, which decide how literals and comparisons behave, and the server
 * converts between them and UTF-8 exactly as its own tables say. Columns keep their bytes.
 */
const NAME = /^[A-Za-z0-9_]+$/;

/** The character set a collation belongs to: `latin1_swedish_ci` -> `latin1`. */
function charsetOf(server: ServerConfig): string | undefined {
  return (server.charset ?? server.collation?.split('_')[0])?.toLowerCase();
}

/** Refuses names that could not be a charset or collation (they are spliced into SET). */
export function checkCharsetNames(server: ServerConfig, connection: string): void {
  for (const key of ['charset', 'collation'] as const) {
    const value = server[key];
    if (value !== undefined && !NAME.test(value)) {
      throw new ConfigurationError(
        `Connection [${connection}]: ${key} must be a MySQL ${key} name (letters, digits, underscores), got ${JSON.stringify(value)} (key "${key}").`,
        { connection, key },
      );
    }
  }
}

/** The handshake collation mysql2 is given: a UTF-8 one, the configured one when it is UTF-8 and mysql2 knows it. */
export function wireCharset(server: ServerConfig, knownToDriver: (name: string) => boolean): string {
  const collation = server.collation?.toUpperCase();
  if (collation?.startsWith('UTF8MB4_') && knownToDriver(collation)) return collation;
  return 'UTF8MB4';
}

/** `SET` for a connection whose charset or collation the UTF-8 handshake did not already give it. */
export function charsetSetup(server: ServerConfig, wire: string): string[] {
  if (server.collation !== undefined && server.collation.toUpperCase() !== wire && NAME.test(server.collation)) {
    return [`SET collation_connection = '${server.collation}'`];
  }
  const charset = charsetOf(server);
  if (charset !== undefined && charset !== 'utf8mb4' && NAME.test(charset)) {
    return [`SET character_set_connection = '${charset}'`];
  }
  return [];
}
