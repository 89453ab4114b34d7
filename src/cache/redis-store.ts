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
 * client connects on first use; `disconnect()` closes it. While no command is
 * pending the client does not keep the process alive (its socket is unref'd),
 * and a connection lost while idle is not retried until the next command.
 */
export class RedisStore implements CacheStore {
  readonly #url: string;
  readonly #prefix: string;
  #client: RedisClient | undefined;
  /** Commands not yet answered: while there are none, the socket is unref'd. */
  #pending = 0;

  constructor(url: string | undefined, prefix: string) {
    this.#url = url ?? 'redis://127.0.0.1:6379';
    this.#prefix = prefix;
  }

  get(key: string): Promise<string | undefined> {
    return this.#run(async (redis) => (await redis.get(this.#prefix + key)) ?? undefined);
  }

  put(key: string, value: string, ttlSeconds: number | undefined): Promise<void> {
    return this.#run(async (redis) => {
      if (ttlSeconds === undefined) await redis.set(this.#prefix + key, value);
      else await redis.set(this.#prefix + key, value, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
    });
  }

  forget(key: string): Promise<boolean> {
    return this.#run(async (redis) => (await redis.del(this.#prefix + key)) > 0);
  }

  flush(): Promise<void> {
    return this.#run(async (redis) => {
      const pattern = `${globEscape(this.#prefix)}*`;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    });
  }

  async disconnect(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    socketOf(client)?.ref(); // until QUIT is answered, or an awaiting script would exit first
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  }

  /** Runs commands with the socket ref'd, so the process waits for their answers. */
  async #run<T>(commands: (redis: RedisClient) => Promise<T>): Promise<T> {
    const redis = this.#redis();
    if (this.#pending++ === 0) socketOf(redis)?.ref();
    try {
      return await commands(redis);
    } finally {
      if (--this.#pending === 0 && this.#client !== undefined) socketOf(this.#client)?.unref();
    }
  }

  #redis(): RedisClient {
    // A client that stopped retrying while idle (see retryStrategy) is replaced.
    if (this.#client === undefined || this.#client.status === 'end') {
      const Redis = loadRedis();
      const client = new Redis(this.#url, {
        maxRetriesPerRequest: 2,
        enableAutoPipelining: true,
        // Reconnect while commands wait; an idle client retrying forever would keep the process alive.
        retryStrategy: (attempt) => (this.#pending > 0 ? Math.min(attempt * 50, 2000) : null),
      });
      // Failures reach the caller through the command that failed; without a listener ioredis would print them.
      client.on('error', () => {});
      // A socket (re)connected while no command waits does not keep the process alive.
      client.on('connect', () => {
        if (this.#pending === 0) socketOf(client)?.unref();
      });
      this.#client = client;
    }
    return this.#client;
  }
}

/** ioredis's socket; undefined until its connector made one. */
function socketOf(client: RedisClient): { ref(): void; unref(): void } | undefined {
  return (client as { stream?: { ref(): void; unref(): void } }).stream;
}
