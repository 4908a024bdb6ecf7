/**
 * `createVerifier`: wires the steps of a request into `verify` and `authenticate`. Each step
 * lives in its own file (see docs/architecture.md); nothing that belongs to one request is kept
 * here.
 *
 * authenticate: extract (request/authenticate, request/extract) → check
 * check: token checks (request/token-input) → by mode (opaque/dispatch): JWT (jwt/verify-jwt:
 * cache → decode → header rules → key → signature → claim rules → AccessToken → admit) or opaque
 * (opaque/verify-opaque) → the binding rule on every request (binding/check-binding: DPoP proof,
 * client certificate, or none) → failures reported once (errors/report).
 * verify: check with the Bearer scheme and no request.
 */
import type { JwksSnapshot } from './keys/snapshot.js';
import { createBindingCheck } from './binding/check-binding.js';
import { createFailureReporter } from './errors/report.js';
import type { TokenGateError } from './errors/error.js';
import { createJwtVerifier } from './jwt/verify-jwt.js';
import { checkReady } from './keys/readiness.js';
import { createKeyStore } from './keys/create-key-store.js';
import { chooseVerification } from './opaque/dispatch.js';
import { createOpaqueVerifier } from './opaque/verify-opaque.js';
import { presentationOf } from './errors/presentation.js';
import { publicView, type PublicOptions } from './options/public-view.js';
import type { VerifierOptions } from './options/types.js';
import { resolveOptions } from './options/validate.js';
import { createAuthentication } from './request/authenticate.js';
import type { RequestContext } from './request/context.js';
import { createTokenChecks } from './request/token-checks.js';
import { createDenyList } from './policy/deny-list.js';
import type { Revocation, RevocationOptions } from './options/state-types.js';
import { TokenCache } from './token/token-cache.js';
import type { AccessToken } from './token/types.js';

/** Verifies bearer access tokens. Create one per API (it holds the key caches) and share it. */
export interface Verifier {
  /** Verify a raw access token. Rejects with a `TokenGateError`. */
  verify(token: string): Promise<AccessToken>;
  /**
   * Extract the token from a request (RFC 6750 §2; the DPoP scheme and proof when `dpop` is on)
   * and verify it and its binding. Rejects with a `TokenGateError`.
   */
  authenticate(request: RequestContext): Promise<AccessToken>;
  /**
   * Like `authenticate`, but a request that carries no credentials at all resolves `undefined`
   * (and is not reported to `onError`); a bad token still rejects.
   */
  authenticateOptional(request: RequestContext): Promise<AccessToken | undefined>;
  /**
   * Turn any failure into a `TokenGateError` rendered with this verifier's realm and problem
   * base, and report it to `onError` once. An exception that is not a `TokenGateError` becomes
   * a 500 `server_error`. Adapters use it for guard failures, passing the request's token: a
   * DPoP-bound token's failures are challenged under the DPoP scheme.
   */
  fail(error: unknown, token?: AccessToken): TokenGateError;
  /** The validated options, without secrets. */
  readonly options: PublicOptions;
  /** Current size of the caches. */
  stats(): VerifierStats;
  /**
   * Check at start-up that tokens can be verified: discovers each issuer's metadata and fetches
   * its key set (and the introspection endpoint, when one is to be discovered) once. Resolves when
   * all are usable; rejects with an `Error` saying precisely what is not. Optional: without it
   * the same happens on first use.
   * @example await verifier.ready(); app.listen(3000);
   */
  ready(): Promise<void>;
  /**
   * Revoke tokens before they expire — by `jti`, subject or client — until `until`, on every
   * instance that shares the `denyList` store. Rejects with a `TypeError` without `denyList`.
   * @example await verifier.revoke({ sub: 'alice' }, { until: new Date(Date.now() + 3_600_000) });
   */
  revoke(revocation: Revocation, options: RevocationOptions): Promise<void>;
  /**
   * The key sets fetched so far, as JSON-ready data: keep it where the next process finds it
   * (Workers KV, a file) and pass it as `jwks.snapshot`, so that process does not fetch them again.
   * @example ctx.waitUntil(env.KV.put('tokengate-jwks', JSON.stringify(verifier.jwksSnapshot())));
   */
  jwksSnapshot(): JwksSnapshot;
}

/** Cache figures of a verifier. */
export interface VerifierStats {
  /** Tokens held by the verified-token cache. */
  readonly cachedTokens: number;
  /** Approximate bytes the cache holds (bounded by `cache.maxBytes`). */
  readonly cachedBytes: number;
  /** Answers held by the opaque-token cache; present when `introspection` or `resolveToken` is configured. */
  readonly introspectedTokens?: number;
}

/**
 * Create a verifier. Options are validated now; a bad option throws a `TypeError` naming it.
 * @example
 * const verifier = createVerifier({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
 * const token = await verifier.authenticate({ headers: req.headers });
 * console.log(token.type, token.subject, token.scopes);
 */
export function createVerifier(input: VerifierOptions): Verifier {
  const options = resolveOptions(input);
  const fail = createFailureReporter({ presentation: presentationOf(options), onError: options.onError });
  const cache = options.cache && new TokenCache(options.cache, options);
  const keys = createKeyStore(options, cache);
  const opaque = options.mode === 'jwt' ? undefined : createOpaqueVerifier(options, keys);
  const verifyToken = chooseVerification(options.mode, createJwtVerifier(options, keys, cache), opaque?.verify);
  const denyList = options.denyList && createDenyList(options.denyList, options.clock);
  const { verify, check } = createTokenChecks({ verifyToken, checkBinding: createBindingCheck(options), maxTokenLength: options.maxTokenLength, fail, checkDenied: denyList?.check });

  function stats(): VerifierStats {
    const introspectedTokens = opaque?.size();
    return { cachedTokens: cache?.size ?? 0, cachedBytes: cache?.bytes ?? 0, ...(introspectedTokens === undefined ? {} : { introspectedTokens }) };
  }

  return Object.freeze({
    options: publicView(options),
    ready: () => checkReady(options, keys),
    fail: (error: unknown, token?: AccessToken) => fail(error, token?.confirmation?.jkt === undefined ? 'Bearer' : 'DPoP'),
    stats,
    verify,
    jwksSnapshot: () => keys.jwksSnapshot(),
    revoke: (revocation: Revocation, revokeOptions: RevocationOptions) => (denyList === undefined ? Promise.reject(new TypeError('revoke() needs the "denyList" option')) : denyList.revoke(revocation, revokeOptions)),
    ...createAuthentication(
      { methods: options.tokenMethods, maxTokenLength: options.maxTokenLength, isKnownToken: cache ? (token) => cache.holds(token) : undefined, dpop: options.dpop !== undefined },
      check,
      fail,
    ),
  });
}
