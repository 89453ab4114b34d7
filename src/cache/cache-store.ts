/** Where a cache keeps its entries: serialised text under a key, with an optional time to live. */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  /** `ttlSeconds` undefined: kept until forgotten or evicted. */
  put(key: string, value: string, ttlSeconds: number | undefined): Promise<void>;
  forget(key: string): Promise<boolean>;
  /** Removes every entry of this store (a Redis store: only the keys under its prefix). */
  flush(): Promise<void>;
  /** Releases the store's connection, so the process can exit. */
  disconnect(): Promise<void>;
}
