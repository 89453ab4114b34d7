import type { DriverName } from '../../src/index.js';

/** Column types per engine for the model suites. */
export function columnTypes(driver: DriverName) {
  return {
    decimal: driver === 'sqlite' ? 'NUMERIC' : 'DECIMAL(10,2)',
    boolean: 'BOOLEAN',
    datetime: driver === 'pgsql' ? 'TIMESTAMP' : 'DATETIME',
    text: 'TEXT',
  };
}
