import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * The opaque cursors of `cursorPaginate`: base64url JSON of a position, then a dot and an
 * HMAC-SHA256 of it (128 bits), so a cursor changed or made elsewhere is refused before any
 * of it reaches SQL. The key is this process's own random secret unless one is set
 * (`setCursorSecret`, or `SO_DB_CURSOR_SECRET`): processes that share their cursors (several
 * servers behind one load balancer, a restart between two requests) must share it.
 */

/** Where a cursor points: after (`next`) or before (`prev`) the row whose ordered values are `values`. */
export interface CursorPosition {
  readonly direction: 'next' | 'prev';
  readonly values: readonly unknown[];
}

/** A cursor longer than this is not one of ours (a few values and a MAC are far shorter). */
const MAX_CURSOR_LENGTH = 8192;
const MAC_BYTES = 16;

let secret: Buffer | undefined;

/**
 * Sets the key that signs and checks `cursorPaginate` cursors (at least 16 bytes): the same in
 * every process that reads cursors another made. Without it, `SO_DB_CURSOR_SECRET` is used,
 * else a random key of this process (cursors then last as long as the process).
 *
 * @example
 * setCursorSecret(process.env.APP_KEY ?? '');
 */
export function setCursorSecret(key: string | Uint8Array): void {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  if (bytes.length < 16) throw new ConfigurationError('setCursorSecret() takes a key of at least 16 bytes (a long random string).', { key: 'cursorSecret' });
  secret = bytes;
}

function key(): Buffer {
  if (secret === undefined) {
    const shared = process.env.SO_DB_CURSOR_SECRET;
    if (shared === undefined || shared === '') secret = randomBytes(32);
    else if (Buffer.byteLength(shared) >= 16) secret = Buffer.from(shared, 'utf8');
    else throw new ConfigurationError('SO_DB_CURSOR_SECRET must be at least 16 bytes long (a long random string).', { key: 'SO_DB_CURSOR_SECRET' });
  }
  return secret as Buffer;
}

/** `scope` ties a cursor to its query's table and order: a cursor of another query is refused. */
export function encodeCursor(scope: string, position: CursorPosition): string {
  const payload = Buffer.from(JSON.stringify({ s: scope, d: position.direction === 'next' ? 'n' : 'p', v: position.values.map(encodeValue) }));
  return `${payload.toString('base64url')}.${mac(payload).toString('base64url')}`;
}

/** The position of a cursor this process (or one sharing its secret) made for `scope`; else a reason it is refused. */
export function decodeCursor(scope: string, cursor: unknown, columns: number): CursorPosition | string {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) return 'a cursor is a string that cursorPaginate() returned';
  const dot = cursor.indexOf('.');
  if (dot < 0) return 'the cursor is not one that cursorPaginate() returned';
  const payload = Buffer.from(cursor.slice(0, dot), 'base64url');
  const signature = Buffer.from(cursor.slice(dot + 1), 'base64url');
  if (signature.length !== MAC_BYTES || !timingSafeEqual(signature, mac(payload))) {
    return 'the cursor was changed, or made by another process or with another secret (see setCursorSecret)';
  }
  let parsed: { s?: unknown; d?: unknown; v?: unknown };
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the cursor is not one that cursorPaginate() returned';
  }
  if (parsed.s !== scope || !Array.isArray(parsed.v) || parsed.v.length !== columns || (parsed.d !== 'n' && parsed.d !== 'p')) {
    return 'the cursor belongs to another query (another table or order)';
  }
  const values = parsed.v.map(decodeValue);
  if (values.some((value) => value === undefined)) return 'the cursor is not one that cursorPaginate() returned';
  return { direction: parsed.d === 'n' ? 'next' : 'prev', values };
}

function mac(payload: Buffer): Buffer {
  return createHmac('sha256', key()).update(payload).digest().subarray(0, MAC_BYTES);
}

/** JSON for a value the drivers return in an ordered column; types JSON lacks are tagged. */
function encodeValue(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  if (typeof value === 'bigint') return { n: value.toString() };
  if (value instanceof Date) return { t: value.toISOString() };
  if (value instanceof Uint8Array) return { b: Buffer.from(value).toString('base64') };
  // Anything else is not a value an ORDER BY column yields; the caller checked null already.
  throw new TypeError(`so-database: cannot keep a value of type ${typeof value} in a cursor.`);
}

function decodeValue(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const tagged = value as { n?: unknown; t?: unknown; b?: unknown };
  if (typeof tagged.n === 'string' && /^-?\d+$/.test(tagged.n)) return BigInt(tagged.n);
  if (typeof tagged.t === 'string') {
    const date = new Date(tagged.t);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (typeof tagged.b === 'string') return Buffer.from(tagged.b, 'base64');
  return undefined;
}
