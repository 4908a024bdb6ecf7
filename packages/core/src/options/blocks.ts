/**
 * The nested option blocks: `jwks`, `cache`, `introspection` (with its own `cache`), each
 * checked for unknown names and given its defaults.
 */
import type { Store } from '../store/store.js';
import type { TokenCacheOptions } from '../token/token-cache.js';
import { checkSecureUrl, fail, nonNegative, optionalBoolean, requiredString } from './checks.js';
import { checkKnownOptions, type OptionNames } from './known-options.js';
import { INTROSPECTION_CACHE_OPTION_NAMES } from './names.js';
import type { OpaqueCacheSettings, ResolvedIntrospection, ResolvedJwks } from './resolved.js';
import type { IntrospectionAuthMethod, IntrospectionCacheOptions, IntrospectionOptions, JwksOptions, VerifierOptions } from './types.js';

const AUTH_METHODS: readonly IntrospectionAuthMethod[] = ['client_secret_basic', 'client_secret_post'];
const ONE_MIB = 1_048_576;
const DEFAULT_CACHE_BYTES = 33_554_432;

/** A nested options block: absent, `false`, or an object whose names are all known. */
export function checkBlock(value: unknown, names: OptionNames<object>, option: string, hints?: Readonly<Record<string, string>>): void {
  if (value === undefined || value === false) return;
  if (value === null || typeof value !== 'object') fail(option, 'must be an object');
  checkKnownOptions(value, names, `the "${option}" options`, hints);
}

/** `jwks`, milliseconds. */
export function resolveJwks(jwks: JwksOptions = {}): ResolvedJwks {
  return Object.freeze({
    timeoutMs: Math.round(nonNegative(jwks.timeoutMs, 'jwks.timeoutMs', 5_000)),
    cooldownMs: nonNegative(jwks.cooldownMs, 'jwks.cooldownMs', 30_000),
    cacheMaxAgeMs: nonNegative(jwks.cacheMaxAgeMs, 'jwks.cacheMaxAgeMs', 600_000),
    maxStaleAgeMs: nonNegative(jwks.maxStaleAgeMs, 'jwks.maxStaleAgeMs', 86_400_000),
    failureBackoffMs: nonNegative(jwks.failureBackoffMs, 'jwks.failureBackoffMs', 5_000),
    maxResponseBytes: nonNegative(jwks.maxResponseBytes, 'jwks.maxResponseBytes', ONE_MIB),
    maxIssuers: Math.max(1, Math.floor(nonNegative(jwks.maxIssuers, 'jwks.maxIssuers', 100))),
  });
}

/** The verified-token cache; `undefined` when off. */
export function resolveCache(cache: VerifierOptions['cache']): Required<TokenCacheOptions> | undefined {
  if (cache === false) return undefined;
  if (cache !== undefined && (cache === null || typeof cache !== 'object')) fail('cache', 'must be false or an object');
  const maxEntries = Math.floor(nonNegative(cache?.maxEntries, 'cache.maxEntries', 10_000));
  const maxBytes = Math.floor(nonNegative(cache?.maxBytes, 'cache.maxBytes', DEFAULT_CACHE_BYTES));
  const admitAfter = cache?.admitAfter ?? 2;
  if (admitAfter !== 1 && admitAfter !== 2) fail('cache.admitAfter', 'must be 1 or 2');
  return maxEntries === 0 || maxBytes === 0 ? undefined : Object.freeze({ maxEntries, maxBytes, admitAfter });
}

function checkStore(value: unknown): Store | undefined {
  if (value === undefined) return undefined;
  const store = value as Record<string, unknown> | null;
  for (const method of ['get', 'set', 'setIfAbsent', 'increment', 'delete']) {
    if (store === null || typeof store !== 'object' || typeof store[method] !== 'function') fail('introspection.store', `must be a Store (missing "${method}")`);
  }
  return value as Store;
}

/**
 * The answer cache: introspection's own `cache` block and `store`; `resolveToken` answers keep
 * the defaults, off with the top-level `cache: false`.
 */
export function resolveOpaqueCache(options: VerifierOptions): OpaqueCacheSettings {
  const introspection = options.introspection;
  if (introspection === undefined) {
    const cacheBytes = options.cache === false ? 0 : (options.cache?.maxBytes ?? DEFAULT_CACHE_BYTES);
    return Object.freeze({ maxAge: 60, inactiveMaxAge: 5, maxEntries: 10_000, maxBytes: cacheBytes, store: undefined });
  }
  const block: unknown = introspection.cache;
  checkBlock(block, INTROSPECTION_CACHE_OPTION_NAMES, 'introspection.cache');
  const cache: IntrospectionCacheOptions = block === false ? { maxEntries: 0 } : ((block as IntrospectionCacheOptions | undefined) ?? {});
  return Object.freeze({
    maxAge: nonNegative(cache.maxAge, 'introspection.cache.maxAge', 60),
    inactiveMaxAge: nonNegative(cache.inactiveMaxAge, 'introspection.cache.inactiveMaxAge', 5),
    maxEntries: Math.floor(nonNegative(cache.maxEntries, 'introspection.cache.maxEntries', 10_000)),
    maxBytes: Math.floor(nonNegative(cache.maxBytes, 'introspection.cache.maxBytes', DEFAULT_CACHE_BYTES)),
    store: checkStore(introspection.store),
  });
}

/** `introspection`; `undefined` when absent. */
export function resolveIntrospection(options: VerifierOptions, issuers: readonly string[]): ResolvedIntrospection | undefined {
  const introspection: unknown = options.introspection;
  if (introspection === undefined) return undefined;
  if (introspection === null || typeof introspection !== 'object') fail('introspection', 'must be an object with "clientId" and "clientSecret"');
  const input = introspection as IntrospectionOptions;
  if (input.endpoint === undefined) {
    if (issuers.length > 1) fail('introspection.endpoint', 'is required with several issuers (it is discovered only for a single issuer)');
  } else {
    checkSecureUrl(requiredString(input.endpoint, 'introspection.endpoint'), 'introspection.endpoint', options.dangerouslyAllowHttpIssuer === true);
  }
  const authMethod = input.authMethod ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(authMethod)) fail('introspection.authMethod', `must be "client_secret_basic" or "client_secret_post" (got ${JSON.stringify(authMethod)})`);
  return Object.freeze({
    endpoint: input.endpoint,
    clientId: requiredString(input.clientId, 'introspection.clientId'),
    clientSecret: requiredString(input.clientSecret, 'introspection.clientSecret'),
    authMethod,
    timeoutMs: Math.round(nonNegative(input.timeoutMs, 'introspection.timeoutMs', 5_000)),
    maxResponseBytes: nonNegative(input.maxResponseBytes, 'introspection.maxResponseBytes', ONE_MIB),
    maxConcurrentRequests: Math.max(1, Math.floor(nonNegative(input.maxConcurrentRequests, 'introspection.maxConcurrentRequests', 64))),
    requireAudience: optionalBoolean(input.requireAudience, 'introspection.requireAudience'),
    dangerouslyAcceptUntypedAnswers: optionalBoolean(input.dangerouslyAcceptUntypedAnswers, 'introspection.dangerouslyAcceptUntypedAnswers'),
  });
}
