import { randomUUID } from 'node:crypto';
import type { SigningAlgorithm } from './algorithms.js';
import type { JsonObject } from './jws.js';
import type { MintCommon } from './mint-options.js';

/**
 * What the issuer contributes to a token's defaults.
 *
 * @example
 * ```ts
 * const context: MintContext = { issuer: 'http://127.0.0.1:4000', audience: 'https://api.example.test', tokenLifetime: 3600 };
 * ```
 */
export interface MintContext {
  readonly issuer: string;
  readonly audience: string;
  readonly tokenLifetime: number;
}

/**
 * Current time in whole epoch seconds.
 *
 * @example
 * ```ts
 * const exp = nowSeconds() + 60;
 * ```
 */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function setUnlessNull(target: JsonObject, name: string, value: unknown): void {
  if (value !== null && value !== undefined) target[name] = value;
}

/**
 * Builds the claims set: registered claims from the context and options, then the
 * kind-specific `identity` claims (`sub`, `client_id`), then scopes, then `options.claims`.
 *
 * @example
 * ```ts
 * buildClaims(context, { scopes: ['read'] }, { sub: 'user-123', client_id: 'test-client' });
 * // { iss, aud, iat, exp, jti, sub: 'user-123', client_id: 'test-client', scope: 'read' }
 * ```
 */
export function buildClaims(context: MintContext, options: MintCommon, identity: JsonObject = {}): JsonObject {
  const now = nowSeconds();
  const claims: JsonObject = {};
  setUnlessNull(claims, 'iss', options.issuer === undefined ? context.issuer : options.issuer);
  setUnlessNull(claims, 'aud', options.audience === undefined ? context.audience : options.audience);
  setUnlessNull(claims, 'iat', options.issuedAt === undefined ? now : options.issuedAt);
  const expiresIn = options.expiresIn === undefined ? context.tokenLifetime : options.expiresIn;
  if (expiresIn !== null) claims.exp = now + expiresIn;
  if (options.notBefore !== undefined) claims.nbf = now + options.notBefore;
  setUnlessNull(claims, 'jti', options.jti === undefined ? randomUUID() : options.jti);
  Object.assign(claims, identity);
  if (options.scopes !== undefined) {
    const scopeClaim = options.scopeClaim ?? 'scope';
    claims[scopeClaim] = scopeClaim === 'scope' ? options.scopes.join(' ') : [...options.scopes];
  }
  return { ...claims, ...options.claims };
}

/**
 * Builds the protected header: `alg`, `kid` (default the current kid), `typ` (default
 * `at+jwt`), then `options.header` on top.
 *
 * @example
 * ```ts
 * buildHeader('ES256', 'kid-1', { typ: null }); // { alg: 'ES256', kid: 'kid-1' }
 * ```
 */
export function buildHeader(algorithm: SigningAlgorithm, currentKid: string, options: MintCommon): JsonObject {
  const header: JsonObject = { alg: algorithm };
  setUnlessNull(header, 'kid', options.kid === undefined ? currentKid : options.kid);
  setUnlessNull(header, 'typ', options.typ === undefined ? 'at+jwt' : options.typ);
  return { ...header, ...options.header };
}
