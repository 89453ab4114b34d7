import { LRUCache } from 'lru-cache';
import type { CacheStore } from './cache-store.js';

/**
 * The in-process store on `lru-cache`: at most `max` entries, least recently
 * used evicted first, expired entries never returned. No timers: it never
 * keeps a process alive.
 */
export class MemoryStore implements CacheStore {
  readonly #entries: LRUCache<string, string>;

  constructor(max: number) {
    this.#entries = new LRUCache<string, string>({ max });
  }

  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key);
  }

  async put(key: string, value: string, ttlSeconds: number | undefined): Promise<void> {
    if (ttlSeconds === undefined) this.#entries.set(key, value);
    else this.#entries.set(key, value, { ttl: Math.max(1, Math.round(ttlSeconds * 1000)) });
  }

  async forget(key: string): Promise<boolean> {
    return this.#entries.delete(key);
  }

  async flush(): Promise<void> {
    this.#entries.clear();
  }

  async disconnect(): Promise<void> {}
}
