/**
 * The JWT path, step by step: the verified-token cache, then decode → header rules → issuer →
 * key → signature → claim rules → `AccessToken` → admission to the cache. The binding rule follows on every request.
 * Each step lives in its own file; this one only puts them in order.
 */
import { createAccessToken } from '../token/access-token.js';
import { recordVerification } from '../token/verification-context.js';
import type { TokenCache } from '../token/token-cache.js';
import type { AccessToken } from '../token/types.js';
import type { KeyStore } from '../keys/key-store.js';
import type { ResolvedOptions } from '../options/resolved.js';
import { checkClaims, issuerOf, type ClaimPolicy } from './claim-rules.js';
import type { IssuerSettings } from '../options/issuers.js';
import { decodeJws } from './decode.js';
import { checkHeader } from './header-rules.js';
import { createKeyLookup } from './key-lookup.js';
import { verifySignature } from './verify-signature.js';

/**
 * Verifies one token; rejects (or throws) with a `TokenGateError`. A token the cache answers for
 * comes back as is, without a promise.
 */
export type VerifyToken = (token: string) => AccessToken | Promise<AccessToken>;

/**
 * Create the JWT verification of a verifier. `cache` answers tokens verified before (their times
 * re-checked); only tokens that pass every rule are admitted to it.
 * @example const verifyJwt = createJwtVerifier(options, keyStore, cache);
 */
export function createJwtVerifier(options: ResolvedOptions, keys: KeyStore, cache: TokenCache | undefined): VerifyToken {
  const policies = new Map<IssuerSettings, ClaimPolicy>();
  /** Each issuer's claim rules, made once. */
  function policyOf(settings: IssuerSettings): ClaimPolicy {
    let policy = policies.get(settings);
    if (policy === undefined) {
      policy = { audiences: settings.audiences, clockTolerance: options.clockTolerance, maxTokenAge: options.maxTokenAge, strict: options.strict, preset: settings.preset };
      policies.set(settings, policy);
    }
    return policy;
  }
  const keyFor = createKeyLookup(options, keys);

  async function verifySigned(token: string): Promise<AccessToken> {
    const { header, payload, signingInput, signature } = decodeJws(token);
    checkHeader(header, options);
    const { issuer, settings } = issuerOf(payload, options.issuerTable);
    const key = await keyFor(issuer, header);
    const used = await verifySignature(token, key, signingInput, signature, options.signatureVerifier);
    checkClaims(payload, policyOf(settings), options.clock() / 1000);
    const { classify, preset } = settings;
    const accessToken = createAccessToken({ token, format: 'jwt', claims: payload, header, issuer, scopeClaims: options.scopeClaims, classify, preset });
    recordVerification(accessToken, options);
    // A bound token is cached too: its binding is checked on every request (binding/check-binding.ts).
    cache?.set(accessToken, used.thumbprint, key.freshness);
    return accessToken;
  }

  return function verifyJwt(token: string): AccessToken | Promise<AccessToken> {
    return cache?.get(token, options.clock() / 1000) ?? verifySigned(token);
  };
}
