/**
 * The header rules, applied before any key is looked up: algorithm allow-list (never `none`),
 * `b64`, `kid`, `typ` (RFC 9068) and `crit` (RFC 7515 §4.1.11).
 */
import { TokenGateError } from '../errors/error.js';
import type { ProtectedHeader } from '../token/types.js';

/** The header rules of the verifier. */
export interface HeaderPolicy {
  readonly algorithms: ReadonlySet<string>;
  readonly strict: boolean;
  readonly criticalHeaders: ReadonlySet<string>;
}

// RFC 9068 §2.1 types; RFC 7515 §4.1.9 makes `typ` case-insensitive and lets `application/` be omitted.
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);
const LEGACY_TYPES = new Set(['jwt', 'application/jwt']);

function invalid(description: string): TokenGateError {
  return new TokenGateError('invalid_token', description);
}

function checkType(typ: unknown, strict: boolean): void {
  if (typ === undefined) {
    if (strict) throw invalid('The token has no "typ" header; at+jwt is required (RFC 9068)');
    return;
  }
  if (typeof typ !== 'string') throw invalid('The "typ" header must be a string');
  const type = typ.toLowerCase();
  if (ACCESS_TOKEN_TYPES.has(type)) return;
  if (!strict && LEGACY_TYPES.has(type)) return;
  throw invalid(strict ? 'The token type must be at+jwt (RFC 9068)' : 'The token type is not an access token type');
}

function checkCritical(header: ProtectedHeader, understood: ReadonlySet<string>): void {
  const crit: unknown = header.crit;
  if (crit === undefined) return;
  // RFC 7515 §4.1.11: a non-empty array of names, each present in the header and understood.
  if (!Array.isArray(crit) || crit.length === 0) throw invalid('The "crit" header must be a non-empty array');
  for (const name of crit) {
    if (typeof name !== 'string' || !Object.hasOwn(header, name)) throw invalid('The "crit" header names a missing parameter');
    if (!understood.has(name)) throw invalid(`The critical header parameter "${name.slice(0, 64)}" is not understood`);
  }
}

/**
 * Header rules: algorithm allow-list (never `none`), `typ`, `crit`, `kid` type. `jku`, `x5u`,
 * `jwk` and `x5c` are never read: keys only ever come from the configured issuer's JWKS.
 */
export function checkHeader(header: ProtectedHeader, policy: HeaderPolicy): void {
  const { alg } = header;
  if (typeof alg !== 'string') throw invalid('The token has no "alg" header');
  if (alg.toLowerCase() === 'none') throw invalid('Unsigned tokens (alg "none") are never accepted');
  if (!policy.algorithms.has(alg)) throw invalid(`The algorithm ${alg.slice(0, 16)} is not allowed`);
  if (header.b64 !== undefined && header.b64 !== true) throw invalid('Unencoded payloads (b64) are not accepted');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw invalid('The "kid" header must be a string');
  checkType(header.typ, policy.strict);
  checkCritical(header, policy.criticalHeaders);
}
