import type { DatabaseConfig } from './types.js';

/**
 * Returns the configuration unchanged; it exists so that `config/database.ts` is type-checked.
 *
 * @example
 * export default defineConfig({
 *   connections: { db: { driver: 'mysql', host: env('DB_HOST', 'localhost'), database: 'myapp' } },
 * });
 */
export function defineConfig(config: DatabaseConfig): DatabaseConfig {
  return config;
}
