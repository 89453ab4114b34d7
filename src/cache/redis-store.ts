import { createRequire } from 'node:module';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { CacheStore } from './cache-store.js';

type RedisConstructor = new (url: string, options: RedisOptions) => RedisClient;

const requireFromHere = createRequire(import.meta.url);
const SCAN_BATCH = 500;

/** ioredis, loaded on first use: it is an optional peer dependency. */
function loadRedis(): RedisConstructor {
  try {
    const mod = requireFromHere('ioredis') as { default?: RedisConstructor; Redis?: RedisConstructor };
    return (mod.Redis ?? mod.default ?? mod) as RedisConstructor;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new ConfigurationError(
        'The "redis" cache store needs the "ioredis" package, which is not installed: run npm install ioredis',
        { key: 'cache.store', cause: error },
      );
    }
    throw error;
  }
}

/** `*`, `?`, `[`, `]` and `\` are patterns in SCAN MATCH; a prefix is matched literally. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The Redis store on ioredis. Every key is put under `prefix`, and `flush()`
 * deletes only those keys (SCAN + UNLINK), never the whole database. The
 * client connects on first use; `disconnect()` closes it so the process can exit.
 */
export class RedisStore implements CacheStore {
  readonly #url: string;
  readonly #prefix: string;
  #client: RedisClient | undefined;

  constructor(url: string | undefined, prefix: string) {
    this.#url = url ?? 'redis://127.0.0.1:6379';
    this.#prefix = prefix;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis().get(this.#prefix + key)) ?? undefined;
  }

  async put(key: string, value: string, ttlSeconds: number | undefined): Promise<void> {
    if (ttlSeconds === undefined) await this.#redis().set(this.#prefix + key, value);
    else await this.#redis().set(this.#prefix + key, value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
  }

  async forget(key: string): Promise<boolean> {
    return (await this.#redis().del(this.#prefix + key)) > 0;
  }

  async flush(): Promise<void> {
    const redis = this.#redis();
    const pattern = `${globEscape(this.#prefix)}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  }

  #redis(): RedisClient {
    if (this.#client === undefined) {
      const Redis = loadRedis();
      const client = new Redis(this.#url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
      // Failures reach the caller through the command that failed; without a listener ioredis would print them.
      client.on('error', () => {});
      this.#client = client;
    }
    return this.#client;
  }
}
