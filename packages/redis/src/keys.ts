/**
 * Redis key names: the store's prefix and the SHA-256 of the caller's key, base64url. Whatever a
 * caller passes (a token, a `jti`, a subject), only its digest reaches Redis, and every key has the
 * same short length.
 */
import { createHash } from 'node:crypto';

/**
 * The Redis key for `key` under `prefix`.
 * @example redisKey('tokengate:', 'dpop:jti:abc') // 'tokengate:' + 43 base64url characters
 */
export function redisKey(prefix: string, key: string): string {
  return prefix + createHash('sha256').update(key, 'utf8').digest('base64url');
}
