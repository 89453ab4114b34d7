/**
 * Every contender module, loaded only when used: a peak-RSS child process
 * loads just the one it measures, so no other driver or library is in its memory.
 */
import type { ContenderFactory } from '../contender.js';
import type { EngineId } from '../options.js';

export interface ContenderModule {
  /** Contender ids the module makes. */
  ids: readonly string[];
  load(engine: EngineId): Promise<ContenderFactory>;
}

export const CONTENDER_MODULES: readonly ContenderModule[] = [
  {
    ids: ['raw', 'raw-2pc'],
    async load(engine) {
      if (engine === 'sqlite') return (await import('./raw-sqlite.js')).rawSqlite;
      if (engine === 'mysql') return (await import('./raw-mysql.js')).rawMysql;
      return (await import('./raw-postgres.js')).rawPostgres;
    },
  },
  { ids: ['kysely'], load: async () => (await import('./kysely.js')).kyselyContender },
  { ids: ['sodb-select', 'sodb-builder', 'sodb-2pc'], load: async () => (await import('./sodb.js')).sodbContenders },
  { ids: ['sodb-model'], load: async () => (await import('./sodb-model.js')).sodbModel },
  { ids: ['alt-select', 'alt-builder', 'alt-model', 'alt-2pc'], load: async () => (await import('./alt.js')).altContenders },
];

/** The order contenders are listed in reports. */
export const CONTENDER_ORDER = [
  'raw',
  'raw-2pc',
  'kysely',
  'sodb-select',
  'sodb-builder',
  'sodb-model',
  'sodb-2pc',
  'alt-select',
  'alt-builder',
  'alt-model',
  'alt-2pc',
];

export function moduleOf(contender: string): ContenderModule | undefined {
  return CONTENDER_MODULES.find((m) => m.ids.includes(contender));
}
