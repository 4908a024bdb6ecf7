/**
 * Opaque access tokens: asking the authorization server about them (RFC 7662 token
 * introspection) or the server's own `resolveToken`, the checks an active answer must pass,
 * and its mapping to the same `AccessToken` a JWT gives.
 *
 * Failures of the source (down, slow, a 5xx or 429, an answer that is not an introspection
 * response, a throwing `resolveToken`, our own credentials refused) are 503
 * `temporarily_unavailable`, never 401: the token may well be valid. Only an answer saying the
 * token is not active, a 4xx about the token, or claims this API does not accept, make a 401.
 */
import { Buffer } from 'node:buffer';
import { createAccessToken, NO_HEADER, withToken } from '../token/access-token.js';
import { readClaim } from '../policy/claims.js';
import { TokenGateError } from '../errors/error.js';
import { createCappedFetch, IssuerResponseError, type HttpLimits } from '../keys/fetch.js';
import { cacheKey, IntrospectionCache, LookupOverloadError, type AcceptedToken, type OpaqueOutcome } from './answer-cache.js';
import { acceptedIssuer, checkAudience, checkStringClaim, checkTimes } from '../jwt/claim-rules.js';
import type { KeyStore } from '../keys/key-store.js';
import type { ResolvedIntrospection, ResolvedOptions, TokenResolver } from '../options/options.js';
import type { AccessToken, Claims } from '../token/types.js';

/**
 * The opaque-token source is misconfigured: wrong client credentials, no endpoint to call.
 * Carried as the `cause` of the 503, so `onError` shows what to fix; the caller is not blamed.
 */
export class IntrospectionConfigurationError extends Error {
  override readonly name = 'IntrospectionConfigurationError';
}

/**
 * What the source said: the claims of an active token, or `null` (with the reason when the server
 * refused the token outright). `size` estimates the claims' bytes.
 */
interface Answer {
  readonly claims: Claims | null;
  readonly size: number;
  readonly refusal?: string;
}

type ClaimsSource = (token: string) => Promise<Answer>;

/** Verifies tokens through introspection or `resolveToken`, with caching. */
export interface OpaqueVerifier {
  verify(token: string): Promise<AccessToken>;
  /** Entries in the cache of answers. */
  readonly size: number;
}

const INACTIVE: Answer = Object.freeze({ claims: null, size: 0 });
/** A 4xx about the token itself (RFC 7662 §2.3, RFC 6749 §5.2): the token is not good, the server is fine. */
const REFUSED_BY_SERVER: Answer = Object.freeze({ claims: null, size: 0, refusal: 'The authorization server refused the token' });
/** 4xx statuses that speak of the request's token rather than of our client or the endpoint. */
const TOKEN_REFUSALS: ReadonlySet<number> = new Set([400, 413, 414, 422]);
const NOT_ACTIVE = 'The access token is not active';
const UNAVAILABLE = 'The authorization server cannot check the access token right now';
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Cache bounds for `resolveToken`, which has no options of its own. */
const RESOLVER_CACHE = Object.freeze({ cacheMaxAge: 60, inactiveCacheAge: 5, maxEntries: 10_000, maxConcurrentRequests: 64 });
/** A Retry-After from the endpoint is honoured up to this many seconds. */
const MAX_RETRY_AFTER = 3600;

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
    const value: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

function unavailable(cause: unknown, retryAfter?: number): TokenGateError {
  return new TokenGateError('temporarily_unavailable', UNAVAILABLE, { cause, ...(retryAfter === undefined ? {} : { retryAfter }) });
}

function misconfigured(message: string): TokenGateError {
  return unavailable(new IntrospectionConfigurationError(message));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// --- The introspection client -------------------------------------------------------------

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 Appendix B). */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function requestHeaders(settings: ResolvedIntrospection): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (settings.authMethod === 'client_secret_basic') {
    // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    const credentials = `${formEncode(settings.clientId)}:${formEncode(settings.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  }
  return headers;
}

function requestBody(token: string, settings: ResolvedIntrospection): string {
  const form = new URLSearchParams({ token, token_type_hint: 'access_token' });
  if (settings.authMethod === 'client_secret_post') {
    form.set('client_id', settings.clientId);
    form.set('client_secret', settings.clientSecret);
  }
  return form.toString();
}

/** `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), bounded to 1 s – 1 h. */
function retryAfter(response: Response, now: number): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - now) / 1000);
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(MAX_RETRY_AFTER, Math.max(1, seconds));
}

function clientAuthenticationFailed(status: number): TokenGateError {
  return misconfigured(`introspection client authentication failed (${status}): check introspection.clientId/clientSecret`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Turn the endpoint's response into an answer, or throw the 503 it calls for. A 4xx about the
 * token (`unsupported_token_type`, `invalid_request`, `invalid_token`, …) is the server's verdict
 * on the token: 401, not an outage. 401/403 and `invalid_client` mean our credentials are wrong,
 * other 4xx a wrong endpoint: both 503 with a configuration error for `onError`. `now` in ms.
 */
async function readAnswer(response: Response, now: number): Promise<Answer> {
  const text = await response.text();
  const { status } = response;
  if (status === 401 || status === 403) throw clientAuthenticationFailed(status);
  if (status !== 200) {
    // RFC 6749 §5.2 lets a server refuse form-posted credentials with 400 invalid_client.
    const body = parseJson(text);
    if (status === 400 && isObject(body) && body.error === 'invalid_client') throw clientAuthenticationFailed(status);
    if (TOKEN_REFUSALS.has(status)) return REFUSED_BY_SERVER;
    const cause = new IssuerResponseError(`The introspection endpoint answered ${status}`);
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) throw unavailable(new IntrospectionConfigurationError(`${cause.message}: check introspection.endpoint`));
    throw unavailable(cause, retryAfter(response, now));
  }
  const body = parseJson(text);
  if (!isObject(body)) throw unavailable(new IssuerResponseError('The introspection response is not a JSON object'));
  if (typeof body.active !== 'boolean') throw unavailable(new IssuerResponseError('The introspection response has no boolean "active" member'));
  return body.active ? { claims: body as Claims, size: text.length * 2 } : INACTIVE;
}

/** RFC 7662 §2: POST the token, authenticated as this API's client. */
function introspectionSource(settings: ResolvedIntrospection, options: ResolvedOptions, store: KeyStore): ClaimsSource {
  const limits: HttpLimits = { fetch: options.fetch, timeoutDuration: settings.timeoutDuration, maxResponseBytes: options.jwks.maxResponseBytes };
  const post = createCappedFetch(limits);
  const headers = requestHeaders(settings);
  const issuer = options.issuers[0] as string;
  let endpoint = settings.endpoint;

  async function discoverEndpoint(): Promise<string> {
    let discovered: unknown;
    try {
      discovered = (await store.metadata(issuer)).introspection_endpoint;
    } catch (cause) {
      throw unavailable(cause);
    }
    if (typeof discovered !== 'string' || !URL.canParse(discovered)) {
      throw misconfigured('The issuer metadata has no valid introspection_endpoint: set introspection.endpoint');
    }
    // Never send the client secret in the clear to an endpoint of an https: issuer.
    if (new URL(discovered).protocol !== 'https:' && new URL(issuer).protocol === 'https:') {
      throw misconfigured('The discovered introspection_endpoint does not use https:; set introspection.endpoint');
    }
    endpoint = discovered;
    return discovered;
  }

  return async (token) => {
    const url = endpoint ?? (await discoverEndpoint());
    try {
      const response = await post(url, { method: 'POST', headers, body: requestBody(token, settings), signal: AbortSignal.timeout(settings.timeoutDuration) });
      return await readAnswer(response, options.clock());
    } catch (error) {
      throw error instanceof TokenGateError ? error : unavailable(error);
    }
  };
}

// --- resolveToken -------------------------------------------------------------------------

function estimateSize(claims: Claims): number {
  try {
    return JSON.stringify(claims).length * 2;
  } catch {
    return 4096;
  }
}

/** The server's own resolver: claims, `null` (not valid), or a throw (cannot answer now). */
function resolverSource(resolve: TokenResolver): ClaimsSource {
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
    return { claims, size: estimateSize(claims) };
  };
}

// --- Checking and mapping an active answer --------------------------------------------------

/** The claim rules of an answer: like a JWT's, but only for the claims present. Seconds. */
interface AnswerPolicy {
  readonly issuers: readonly string[];
  readonly audiences: readonly string[];
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  /** Refuse answers without `aud` (`introspection.requireAudience`). */
  readonly requireAudience: boolean;
  /** Refuse answers that do not show an access token (off with `introspection.dangerouslyAcceptUntypedAnswers`). */
  readonly requireAccessTokenEvidence: boolean;
}

const UNTYPED =
  'The introspection answer does not show an access token for this API (no token_type, token_use or aud); see introspection.dangerouslyAcceptUntypedAnswers';
const REFRESH_TOKEN_URN = 'urn:ietf:params:oauth:token-type:refresh_token';
const REFRESH = 'The token is a refresh token, not an access token';
const ID_TOKEN = 'The token is an ID token, not an access token';

/**
 * The markers by which servers say an introspected token is not an access token: RFC 7662's
 * `token_type` (RFC 8693 URNs included), `token_use` (Ory Hydra, Cognito) and `typ` (Keycloak:
 * `Refresh`, `Offline` for offline refresh tokens, `ID`). Compared case-insensitively.
 */
const OTHER_TOKEN_MARKERS: readonly (readonly [claim: string, values: ReadonlyMap<string, string>])[] = [
  ['token_type', new Map([['refresh_token', REFRESH], ['refresh', REFRESH], [REFRESH_TOKEN_URN, REFRESH], ['urn:ietf:params:oauth:token-type:id_token', ID_TOKEN]])],
  ['token_use', new Map([['refresh_token', REFRESH], ['refresh', REFRESH], [REFRESH_TOKEN_URN, REFRESH], ['id', ID_TOKEN], ['id_token', ID_TOKEN]])],
  ['typ', new Map([['refresh', REFRESH], ['refresh_token', REFRESH], ['offline', REFRESH], [REFRESH_TOKEN_URN, REFRESH], ['id', ID_TOKEN]])],
];

/**
 * Positive evidence that an answer describes an access token: `token_type` naming an access-token
 * type (RFC 7662 §2.2 with RFC 6750, RFC 9449, RFC 8693's `N_A`), `token_use` `access_token`
 * (Ory Hydra), Keycloak's `typ: Bearer`. An `aud` naming this API counts too (checked apart).
 */
const ACCESS_TOKEN_MARKERS: readonly (readonly [claim: string, values: ReadonlySet<string>])[] = [
  ['token_type', new Set(['bearer', 'dpop', 'n_a'])],
  ['token_use', new Set(['access_token', 'access'])],
  ['typ', new Set(['bearer'])],
];

function marker(claims: Claims, claim: string): string | undefined {
  const value = readClaim(claims, claim);
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/**
 * A server that ignores `token_type_hint` answers `active: true` for a refresh token (or an ID
 * token) too; that is not an access token, so such an answer is refused.
 */
function checkNotOtherToken(claims: Claims): void {
  for (const [claim, values] of OTHER_TOKEN_MARKERS) {
    const value = marker(claims, claim);
    const refusal = value === undefined ? undefined : values.get(value);
    if (refusal !== undefined) throw new TokenGateError('invalid_token', refusal);
  }
}

function showsAccessToken(claims: Claims): boolean {
  return ACCESS_TOKEN_MARKERS.some(([claim, values]) => values.has(marker(claims, claim) ?? ''));
}

/**
 * Check an active answer and return the token's issuer: `iss` when present (one of ours), else
 * the single configured issuer; `aud`, when present, must name this API; `exp` and `nbf`, when
 * present, honour `clockTolerance`; an answer marking a refresh token is refused. `now` in seconds.
 */
function checkAnswer(claims: Claims, policy: AnswerPolicy, now: number): string {
  checkNotOtherToken(claims);
  const single = policy.issuers.length === 1 ? policy.issuers[0] : undefined;
  const issuer = readClaim(claims, 'iss') === undefined && single !== undefined ? single : acceptedIssuer(claims, policy.issuers);
  const aud = readClaim(claims, 'aud');
  if (aud !== undefined) checkAudience(aud, policy.audiences);
  else if (policy.requireAudience) throw new TokenGateError('invalid_token', 'The token names no audience; this API requires one');
  // Some servers (oidc-provider among them) answer `active: true` for refresh tokens with neither
  // `token_type` nor `aud`: without evidence the answer is about an access token for us, refuse it.
  else if (policy.requireAccessTokenEvidence && !showsAccessToken(claims)) throw new TokenGateError('invalid_token', UNTYPED);
  // An active answer vouches for the token; `exp` is checked only when the server sends it.
  checkTimes(claims, policy, now, false);
  checkStringClaim(claims, 'sub');
  checkStringClaim(claims, 'client_id');
  return issuer;
}

/**
 * Concurrent callers share one lookup, hence one rejection; each gets its own error, so every
 * response has its own `instance` and every failure is reported.
 */
function ownCopy(error: unknown): unknown {
  if (!(error instanceof TokenGateError)) return error;
  return new TokenGateError(error.code, error.description, {
    cause: error.cause,
    retryAfter: error.retryAfter,
    requiredScopes: error.requiredScopes,
    extensions: error.extensions,
  });
}

/**
 * Create the opaque-token verifier: the source (introspection or `resolveToken`), the cache of
 * answers and the claim checks.
 */
export function createOpaqueVerifier(options: ResolvedOptions, store: KeyStore): OpaqueVerifier {
  const { introspection } = options;
  const source = introspection ? introspectionSource(introspection, options, store) : resolverSource(options.resolveToken as TokenResolver);
  const bounds = introspection ?? RESOLVER_CACHE;
  const cache = new IntrospectionCache({
    cacheMaxAge: bounds.cacheMaxAge,
    inactiveCacheAge: bounds.inactiveCacheAge,
    maxEntries: bounds.maxEntries,
    maxInFlight: bounds.maxConcurrentRequests,
    // `cache: false` turns this cache off too; otherwise it shares the byte bound.
    maxBytes: options.cache ? options.cache.maxBytes : 0,
    clock: options.clock,
  });
  const policy: AnswerPolicy = {
    issuers: options.issuers,
    audiences: options.audiences,
    clockTolerance: options.clockTolerance,
    maxTokenAge: options.maxTokenAge,
    requireAudience: introspection?.requireAudience === true,
    // Only introspection answers: `resolveToken` is the application's own source and says what it means.
    requireAccessTokenEvidence: introspection !== undefined && !introspection.dangerouslyAcceptUntypedAnswers,
  };

  function accept(claims: Claims): AcceptedToken {
    const issuer = checkAnswer(claims, policy, options.clock() / 1000);
    // Stored without the token text; `withToken` puts the presented text back.
    return createAccessToken({ token: '', format: 'opaque', claims, header: NO_HEADER, issuer, scopeClaims: options.scopeClaims, classify: options.classify });
  }

  async function load(token: string): Promise<{ outcome: OpaqueOutcome; size: number }> {
    const { claims, size, refusal } = await source(token);
    if (claims === null) return { outcome: { refused: refusal ?? NOT_ACTIVE }, size: 0 };
    try {
      return { outcome: { accepted: accept(claims) }, size };
    } catch (error) {
      if (error instanceof TokenGateError && error.code === 'invalid_token') return { outcome: { refused: error.description }, size: 0 };
      throw error;
    }
  }

  return {
    async verify(token: string): Promise<AccessToken> {
      if (typeof token !== 'string' || token === '') throw new TokenGateError('invalid_request', 'No access token was given');
      if (token.length > options.maxTokenLength) throw new TokenGateError('invalid_token', 'Access token is too large');
      let outcome: OpaqueOutcome;
      try {
        outcome = await cache.lookup(cacheKey(token), () => load(token));
      } catch (error) {
        // Too many different tokens under way: answer now rather than queue behind the server.
        if (error instanceof LookupOverloadError) throw unavailable(error, 1);
        throw ownCopy(error);
      }
      if (outcome.refused !== undefined) throw new TokenGateError('invalid_token', outcome.refused);
      return withToken(outcome.accepted, token);
    },
    get size() {
      return cache.size;
    },
  };
}
