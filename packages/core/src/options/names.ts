/**
 * The names each options object takes, written as records so the compiler keeps them complete,
 * and the names that moved, so an old configuration fails with directions instead of silently.
 */
import type { TokenCacheOptions } from '../token/token-cache.js';
import type { ScopeClaimNames } from '../token/scopes.js';
import type { OptionNames } from './known-options.js';
import type { IntrospectionCacheOptions, IntrospectionOptions, JwksOptions, VerifierOptions } from './types.js';

/** The names `createVerifier()` takes (for adapters whose options hold them too, like the Fastify plugin's). */
export const VERIFIER_OPTION_NAMES: OptionNames<VerifierOptions> = {
  issuer: true,
  audience: true,
  issuers: true,
  resource: true,
  protectedResource: true,
  cors: true,
  scopeImplications: true,
  preset: true,
  jwksUri: true,
  algorithms: true,
  secret: true,
  clockTolerance: true,
  maxTokenAge: true,
  strict: true,
  criticalHeaders: true,
  scopeClaims: true,
  classify: true,
  tokenMethods: true,
  maxTokenLength: true,
  realm: true,
  problemTypeBase: true,
  onError: true,
  jwks: true,
  fetch: true,
  clock: true,
  signatureVerifier: true,
  dangerouslyAllowHttpIssuer: true,
  dangerouslyAcceptBoundTokensAsBearer: true,
  dpop: true,
  mtls: true,
  publicOrigin: true,
  trustProxy: true,
  denyList: true,
  cache: true,
  introspection: true,
  resolveToken: true,
  mode: true,
};

export const JWKS_OPTION_NAMES: OptionNames<JwksOptions> = {
  timeoutMs: true,
  cooldownMs: true,
  cacheMaxAgeMs: true,
  maxStaleAgeMs: true,
  failureBackoffMs: true,
  maxResponseBytes: true,
  maxIssuers: true,
  snapshot: true,
};

export const INTROSPECTION_OPTION_NAMES: OptionNames<IntrospectionOptions> = {
  endpoint: true,
  clientId: true,
  clientSecret: true,
  authMethod: true,
  timeoutMs: true,
  maxResponseBytes: true,
  cache: true,
  store: true,
  maxConcurrentRequests: true,
  requireAudience: true,
  dangerouslyAcceptUntypedAnswers: true,
};

export const INTROSPECTION_CACHE_OPTION_NAMES: OptionNames<IntrospectionCacheOptions> = { maxAge: true, inactiveMaxAge: true, maxEntries: true, maxBytes: true };
export const CACHE_OPTION_NAMES: OptionNames<TokenCacheOptions> = { maxEntries: true, maxBytes: true, admitAfter: true };
export const SCOPE_CLAIM_OPTION_NAMES: OptionNames<ScopeClaimNames> = { scope: true, scp: true, permissions: true };

function renamed(to: string, unit: string): string {
  return `this option was renamed to "${to}" (${unit})`;
}

/** Names of `jwks` options before durations said their unit. */
export const RENAMED_JWKS_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  timeoutDuration: renamed('timeoutMs', 'milliseconds, as before'),
  cooldownDuration: renamed('cooldownMs', 'milliseconds, as before'),
  cacheMaxAge: renamed('cacheMaxAgeMs', 'milliseconds, as before'),
  maxStaleAge: renamed('maxStaleAgeMs', 'milliseconds, as before'),
  failureBackoff: renamed('failureBackoffMs', 'milliseconds, as before'),
});

/** Names of `introspection` options before the cache got its own block. */
export const RENAMED_INTROSPECTION_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  timeoutDuration: renamed('timeoutMs', 'milliseconds, as before'),
  cacheMaxAge: renamed('cache.maxAge', 'seconds, as before'),
  inactiveCacheAge: renamed('cache.inactiveMaxAge', 'seconds, as before'),
  maxEntries: renamed('cache.maxEntries', 'as before'),
});
