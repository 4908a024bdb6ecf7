/**
 * `resolveToken`: the server's own source of opaque-token claims (a proprietary format, a
 * session store). Claims, `null` (not valid) or a throw (cannot answer now: 503).
 */
import { TokenGateError } from '../errors/error.js';
import type { TokenResolver } from '../options/types.js';
import { readClaim } from '../policy/claims.js';
import type { Claims } from '../token/types.js';
import { INACTIVE, type ClaimsSource } from './answer.js';
import { isObject, unavailable } from './failures.js';

/** The server's own resolver: claims, `null` (not valid), or a throw (cannot answer now). */
export function resolverSource(resolve: TokenResolver): ClaimsSource {
  return async (token) => {
    let value: unknown;
    try {
      value = await resolve(token);
    } catch (error) {
      throw error instanceof TokenGateError ? error : unavailable(error);
    }
    if (value === null) return INACTIVE;
    if (!isObject(value)) throw unavailable(new TypeError('"resolveToken" must resolve a claims object or null'));
    const claims = { ...value } as Claims;
    // An introspection response passed through as is: `active: false` still means not valid.
    if (readClaim(claims, 'active') === false) return INACTIVE;
    return { claims };
  };
}

