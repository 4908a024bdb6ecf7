/**
 * `createVerifier`: wires extraction, JWS decoding, header rules, keys, the signature step and
 * claim rules into `verify` and `authenticate`; opaque tokens go to `introspect.ts` by `mode`.
 */
import { createAccessToken } from './token/access-token.js';
import { refuseBoundToken } from './token/confirmation.js';
import { encryptedTokenError, looksLikeJwe } from './jwt/jwe.js';
import { HMAC_ALGORITHMS } from './jwt/algorithms.js';
import { TokenGateError, type ErrorPresentation } from './errors/error.js';
import { extractToken, type ExtractOptions } from './request/extract.js';
import { createOpaqueVerifier, looksLikeJws } from './opaque/introspect.js';
import { checkHeader, decodeJws, describeBadSignature, type HeaderPolicy } from './jwt/jws.js';
import { acceptedIssuer, checkClaims, type ClaimPolicy } from './jwt/claim-rules.js';
import { KeyStore } from './keys/key-store.js';
import { resolveOptions, type ResolvedOptions, type VerificationMode, type VerifierOptions } from './options/options.js';
import { prepareKey, type PreparedKey } from './jwt/signature.js';
import { TokenCache, type KeyFreshness } from './token/token-cache.js';
import type { IssuerKeySet } from './keys/key-set.js';
import type { AccessToken, RequestLike } from './token/types.js';

/** Verifies bearer access tokens. Create one per API (it holds the key caches) and share it. */
export interface Verifier {
  /** Verify a raw access token. Rejects with a `TokenGateError`. */
  verify(token: string): Promise<AccessToken>;
  /** Extract the token from a request (RFC 6750 §2) and verify it. Rejects with a `TokenGateError`. */
  authenticate(request: RequestLike): Promise<AccessToken>;
  /**
   * Like `authenticate`, but a request that carries no credentials at all resolves `undefined`
   * (and is not reported to `onError`); a bad token still rejects.
   */
  authenticateOptional(request: RequestLike): Promise<AccessToken | undefined>;
  /**
   * The request's token, synchronously, when the verified-token cache answers for it (verified
   * before, its times still good, its key set fresh); `undefined` in every other case, failures
   * included, for which `authenticate` gives the verdict. Frameworks call it first to skip a
   * promise on the hot path.
   */
  authenticateCached(request: RequestLike): AccessToken | undefined;
  /**
   * Turn any failure into a `TokenGateError` rendered with this verifier's realm and problem
   * base, and report it to `onError` once. Adapters use it for guard failures.
   */
  fail(error: unknown): TokenGateError;
  /** The validated options. */
  readonly options: ResolvedOptions;
  /** Current size of the verified-token cache. */
  stats(): VerifierStats;
  /**
   * Check at start-up that tokens can be verified: discovers each issuer's metadata and fetches
   * its key set (and the introspection endpoint, when one is to be discovered) once. Resolves when
   * all are usable; rejects with an `Error` saying precisely what is not, for servers that prefer
   * to fail at boot rather than answer 503. Optional: without it the same happens on first use.
   * @example await verifier.ready(); app.listen(3000);
   */
  ready(): Promise<void>;
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

type VerifyToken = (token: string) => Promise<AccessToken>;

/** A configured shared secret cannot be withdrawn by the issuer. */
const ALWAYS_FRESH: KeyFreshness = Object.freeze({ fresh: true });

function hmacKeys(options: ResolvedOptions): Map<string, PreparedKey> {
  const keys = new Map<string, PreparedKey>();
  if (options.secret === undefined) return keys;
  for (const alg of HMAC_ALGORITHMS) if (options.algorithms.has(alg)) keys.set(alg, prepareKey(alg, undefined, options.secret));
  return keys;
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
  const presentation: ErrorPresentation = { realm: options.realm, problemTypeBase: options.problemTypeBase };
  const headerPolicy: HeaderPolicy = options;
  const claimPolicy: ClaimPolicy = {
    audiences: options.audiences,
    clockTolerance: options.clockTolerance,
    maxTokenAge: options.maxTokenAge,
    strict: options.strict,
  };
  const secrets = hmacKeys(options);
  const cache = options.cache && new TokenCache(options.cache, options);
  const store = new KeyStore({
    ...options.jwks,
    fetch: options.fetch,
    clock: options.clock,
    jwksUri: options.jwksUri,
    allowHttp: options.dangerouslyAllowHttpIssuer,
    onKeySetChange: cache && ((issuer, thumbprints) => cache.dropRemovedKeys(issuer, thumbprints)),
  });
  const reported = new WeakSet<TokenGateError>();
  /**
   * The cache's answer for the header token `extractToken` just read: extraction asks whether the
   * token is known (a cached token passed the b64token check when it was first verified), and
   * `takeLookup` hands that answer on in the same synchronous call, so a request's token is
   * looked up once.
   */
  let lastLookup: AccessToken | undefined;
  /** Whether extraction looked the token up (header tokens) since `extractRequestToken` began. */
  let lookedUp = false;
  /**
   * The last header token that passed the b64token check: adapters try `authenticateCached` and,
   * on a miss, `authenticate` with the same request, which then skips the linear scan.
   */
  let lastWellFormed: string | undefined;
  const extractOptions: ExtractOptions = {
    methods: options.tokenMethods,
    maxTokenLength: options.maxTokenLength,
    isKnownToken: (token) => {
      lookedUp = true;
      lastLookup = cache?.get(token, options.clock() / 1000);
      return lastLookup !== undefined || token === lastWellFormed;
    },
    onWellFormed: (token) => {
      lastWellFormed = token;
    },
  };

  /** The request's token (RFC 6750 §2); follow with `takeLookup`. */
  function extractRequestToken(request: RequestLike): string {
    lookedUp = false;
    lastLookup = undefined;
    return extractToken(request, extractOptions);
  }

  /** The cache's answer for the token just extracted: the lookup extraction made, else one now. */
  function takeLookup(token: string): AccessToken | undefined {
    const known = lookedUp ? lastLookup : cache?.get(token, options.clock() / 1000);
    lookedUp = false;
    lastLookup = undefined;
    return known;
  }

  /** A cached answer, else the full verification the mode calls for (no second cache lookup). */
  function verifyExtracted(token: string): Promise<AccessToken> {
    const known = takeLookup(token);
    return known !== undefined ? Promise.resolve(known) : verifyUncached(token);
  }

  function fail(error: unknown): TokenGateError {
    const failure = error instanceof TokenGateError ? error : new TokenGateError('invalid_token', 'The access token could not be verified', { cause: error });
    if (reported.has(failure)) return failure;
    reported.add(failure);
    failure.present(presentation);
    if (options.onError) {
      try {
        options.onError(failure, failure.toProblem());
      } catch {
        // A failing logger must not change the response.
      }
    }
    return failure;
  }

  /** `verify(token)` for JWTs: a token of acceptable size, answered from the cache when it holds it. */
  async function verifyJwt(token: string): Promise<AccessToken> {
    if (typeof token !== 'string' || token === '') throw new TokenGateError('invalid_request', 'No access token was given');
    if (token.length > options.maxTokenLength) throw new TokenGateError('invalid_token', 'Access token is too large');
    return cache?.get(token, options.clock() / 1000) ?? verifySignedJwt(token);
  }

  /** The full verification of a JWT the cache did not answer for; cached on success. */
  async function verifySignedJwt(token: string): Promise<AccessToken> {
    const { header, payload, signingInput, signature } = decodeJws(token);
    checkHeader(header, headerPolicy);
    const issuer = acceptedIssuer(payload, options.issuers);
    const secret = secrets.get(header.alg);
    const keys = secret ? ALWAYS_FRESH : store.keySet(issuer);
    let key = secret ?? (keys as IssuerKeySet).cachedKey(header) ?? (await (keys as IssuerKeySet).getKey(header));
    if (!safeVerify(options, key, signingInput, signature)) {
      // The issuer may have re-keyed under the same `kid`: the key set is fetched again (at most
      // once per `jwks.cooldownDuration`) and the signature checked once more with what it holds.
      const renewed = secret ? undefined : await (keys as IssuerKeySet).renewedKey(header, key);
      if (renewed === undefined || !safeVerify(options, renewed, signingInput, signature)) throw new TokenGateError('invalid_token', describeBadSignature(token));
      key = renewed;
    }
    checkClaims(payload, claimPolicy, options.clock() / 1000);
    const accessToken = createAccessToken({ token, format: 'jwt', claims: payload, header, issuer, scopeClaims: options.scopeClaims, classify: options.classify });
    // Before caching: a bound token is never answered from the cache either.
    refuseBoundToken(accessToken, options.dangerouslyAcceptBoundTokensAsBearer);
    cache?.set(accessToken, key.thumbprint, keys);
    return accessToken;
  }

  const opaque = options.mode === 'jwt' ? undefined : createOpaqueVerifier(options, store);
  /** Opaque tokens' answers are cached by the introspection cache, so the binding rule runs on each use. */
  const verifyOpaque = opaque && (async (token: string) => refuseBoundToken(await opaque.verify(token), options.dangerouslyAcceptBoundTokensAsBearer));
  const verifyToken = dispatch(options.mode, verifyJwt, verifyOpaque);
  /** `verifyToken` for an extracted token: extraction's checks and `takeLookup` already ran. */
  const verifyUncached = dispatch(options.mode, verifySignedJwt, verifyOpaque);

  async function ready(): Promise<void> {
    const usesKeys = [...options.algorithms].some((alg) => !HMAC_ALGORITHMS.includes(alg)) && options.mode !== 'introspect';
    for (const issuer of options.issuers) {
      try {
        if (usesKeys) await store.keySet(issuer).load();
        if (options.introspection !== undefined && options.introspection.endpoint === undefined) {
          const endpoint = (await store.metadata(issuer)).introspection_endpoint;
          if (typeof endpoint !== 'string') throw new Error('The issuer metadata has no introspection_endpoint: set introspection.endpoint');
        }
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new Error(`tokengate cannot verify tokens of ${issuer}: ${reason}`, { cause });
      }
    }
  }

  return Object.freeze({
    options,
    ready,
    fail,
    stats: () => ({
      cachedTokens: cache?.size ?? 0,
      cachedBytes: cache?.bytes ?? 0,
      ...(opaque ? { introspectedTokens: opaque.size } : {}),
    }),
    async verify(token: string) {
      try {
        return await verifyToken(token);
      } catch (error) {
        throw fail(error);
      }
    },
    async authenticate(request: RequestLike) {
      try {
        return await verifyExtracted(extractRequestToken(request));
      } catch (error) {
        throw fail(error);
      }
    },
    authenticateCached(request: RequestLike) {
      if (cache === undefined || options.mode === 'introspect') return undefined;
      let token: string;
      try {
        token = extractRequestToken(request);
      } catch {
        return undefined;
      }
      return takeLookup(token);
    },
    async authenticateOptional(request: RequestLike) {
      let token: string;
      try {
        token = extractRequestToken(request);
      } catch (error) {
        if (error instanceof TokenGateError && error.code === 'missing_token') return undefined;
        throw fail(error);
      }
      try {
        return await verifyExtracted(token);
      } catch (error) {
        throw fail(error);
      }
    },
  });
}

/**
 * The verification a token gets. In 'jwt' mode it is `verifyJwt` itself, so JWTs pay nothing for
 * opaque-token support; 'introspect' sends every token to the opaque path; 'auto' decides by
 * shape, and refuses encrypted (JWE) tokens without contacting anyone.
 */
function dispatch(mode: VerificationMode, verifyJwt: VerifyToken, verifyOpaque: VerifyToken | undefined): VerifyToken {
  if (verifyOpaque === undefined) return verifyJwt;
  if (mode === 'introspect') return verifyOpaque;
  // An encrypted token is neither a JWS nor ours to send to the introspection endpoint.
  return async (token) => {
    if (looksLikeJws(token)) return verifyJwt(token);
    if (looksLikeJwe(token)) throw encryptedTokenError();
    return verifyOpaque(token);
  };
}

function safeVerify(options: ResolvedOptions, key: PreparedKey, signingInput: Buffer, signature: Buffer): boolean {
  try {
    return options.signatureVerifier(key, signingInput, signature) === true;
  } catch {
    return false;
  }
}
