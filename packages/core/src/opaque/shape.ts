/**
 * The shape test of `auto` mode: compact-JWS-looking tokens are verified locally, everything
 * else goes to the opaque path.
 */
import { platform } from '../platform/current.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Whether a token is shaped like a compact JWS: three base64url segments (header and payload
 * non-empty) whose header decodes to a JSON object with an `alg` string. `auto` mode verifies
 * those locally and sends everything else to introspection.
 * @example looksLikeJws('dba896fe-8f14-46bd-89ac-4270091e9db1') // => false
 */
export function looksLikeJws(token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const first = token.indexOf('.');
  const second = first <= 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || second === first + 1 || token.indexOf('.', second + 1) >= 0) return false;
  const header = token.slice(0, first);
  if (!BASE64URL.test(header) || !BASE64URL.test(token.slice(first + 1, second)) || !BASE64URL.test(token.slice(second + 1))) return false;
  try {
    const value: unknown = JSON.parse(platform.base64urlText(header));
    return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}
