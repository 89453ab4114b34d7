import type { NormalizedConfig } from '../config/types.js';
import { registry } from '../registry/connection-registry.js';
import { decode, encode, UnknownCachedModelError } from './cache-serializer.js';
import type { CacheStore } from './cache-store.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import { SingleFlight } from './single-flight.js';

/**
 * A cache over a store (memory or Redis). Values are serialised, so what
 * comes back is a copy; models come back as instances of their class. TTLs
 * are in seconds, as in Laravel. `undefined` means "not cached": it is never
 * stored, and `get` returns it for a missing key (`null` is a value like any other).
 *
 * @example
 * const user = await cache().remember(`user_${id}`, 3600, () => User.find(id));
 */
export class Cache {
  readonly #store: CacheStore;
  readonly #flights = new SingleFlight();

  constructor(store: CacheStore) {
    this.#store = store;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const text = await this.#store.get(key);
    return text === undefined ? undefined : (decode(text) as T);
  }

  async has(key: string): Promise<boolean> {
    return (await this.#store.get(key)) !== undefined;
  }

  /** Stores `value` for `ttlSeconds` (omitted: until forgotten; 0 or less: removes the key). */
  async put(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    if (value === undefined || (ttlSeconds !== undefined && ttlSeconds <= 0)) {
      await this.#store.forget(key);
      return;
    }
    await this.#store.put(key, encode(value), ttlSeconds);
  }

  /** True when the key was there. */
  forget(key: string): Promise<boolean> {
    return this.#store.forget(key);
  }

  /** Removes every entry (in Redis: the keys under the configured prefix only). */
  flush(): Promise<void> {
    return this.#store.flush();
  }

  /**
   * The cached value, or `fn()`'s result, stored for `ttlSeconds`. Concurrent
   * calls for one missing key in this process share a single `fn()` run.
   */
  remember<T>(key: string, ttlSeconds: number | undefined, fn: () => T | Promise<T>): Promise<T> {
    return this.#flights.run(key, async () => {
      const text = await this.#store.get(key);
      if (text !== undefined) {
        try {
          return decode(text) as T;
        } catch (error) {
          // A model class this process has not met yet: recompute, which meets it.
          if (!(error instanceof UnknownCachedModelError)) throw error;
        }
      }
      const value = await fn();
      await this.put(key, value, ttlSeconds);
      return value;
    });
  }

  rememberForever<T>(key: string, fn: () => T | Promise<T>): Promise<T> {
    return this.remember(key, undefined, fn);
  }

  /** Closes the store's connection (Redis); `DB.disconnect()` does it too. A later call reconnects. */
  disconnect(): Promise<void> {
    return this.#store.disconnect();
  }
}

let current: { config: NormalizedConfig['cache']; cache: Cache } | undefined;

/**
 * The configured cache (`cache: { store: 'memory' | 'redis', url, prefix, max }`).
 * One per configuration: after `DB.configure()` replaces it, the next call
 * builds a new cache. `DB.disconnect()` (and `DB.configure()`) close a Redis
 * cache's client; an idle one does not keep the process alive anyway.
 */
export function cache(): Cache {
  const config = registry.config().cache;
  if (current === undefined || current.config !== config) {
    const previous = current;
    current = { config, cache: new Cache(storeFor(config)) };
    registry.closeWithConnections(current.cache);
    previous?.cache.disconnect().catch(() => {});
  }
  return current.cache;
}

function storeFor(config: NormalizedConfig['cache']): CacheStore {
  return config.store === 'redis' ? new RedisStore(config.url, config.prefix) : new MemoryStore(config.max);
}
