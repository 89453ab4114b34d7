import type { DriverName } from '../config/types.js';
import { dialectFor } from '../dialect/dialects.js';

/**
 * The TypeScript type of a column's values as this library's drivers return them
 * (mysql2 with supportBigNumbers, postgres.js with int8 as a number while exact,
 * better-sqlite3), from the type name the engine's catalog reports.
 */
export function typeScriptType(driver: DriverName, dataType: string): string {
  return dialectFor(driver).catalog.typeScriptType(dataType.trim().toLowerCase());
}
