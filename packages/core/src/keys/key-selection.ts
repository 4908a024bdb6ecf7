/**
 * Choosing a key from a key set: the cache key of a header, the thumbprints a key set publishes,
 * and jose's key-selection failures as 401s about the token.
 */
import { errors, type JSONWebKeySet } from 'jose';
import { TokenGateError } from '../errors/error.js';
import type { ProtectedHeader } from '../token/types.js';
import { jwkThumbprint } from './thumbprint.js';

const { JOSENotSupported, JWKSMultipleMatchingKeys, JWKSNoMatchingKey } = errors;

/** The key a header selects, as a cache key: `alg` and `kid`. */
export function lookupKey(header: ProtectedHeader): string {
  return header.kid === undefined ? header.alg : `${header.alg}\u0000${header.kid}`;
}

/** The RFC 7638 thumbprints of the keys a set publishes. */
export function thumbprints(jwks: JSONWebKeySet): Set<string> {
  const published = new Set<string>();
  for (const key of jwks.keys) {
    const thumbprint = jwkThumbprint(key as Record<string, unknown>);
    if (thumbprint !== undefined) published.add(thumbprint);
  }
  return published;
}

/** Whether jose could not pick one key for the header. */
export function isKeySelectionError(error: unknown): boolean {
  return error instanceof JWKSNoMatchingKey || error instanceof JWKSMultipleMatchingKeys || error instanceof JOSENotSupported;
}

/** That failure, as the 401 it is: the token names no key the issuer publishes. */
export function keySelectionError(error: unknown): TokenGateError {
  if (error instanceof JWKSMultipleMatchingKeys) return new TokenGateError('invalid_token', 'Several issuer keys match the token; it needs a "kid"', { cause: error });
  if (error instanceof JOSENotSupported) return new TokenGateError('invalid_token', 'The issuer keys do not support the token algorithm', { cause: error });
  return new TokenGateError('invalid_token', 'No issuer key matches the token "kid"', { cause: error });
}
