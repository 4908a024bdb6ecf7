/**
 * `createVerifier` options: validated once, defaults applied, frozen. Never mutates the input.
 */
import type { Claims, Clock, FetchLike, TokenType } from '../token/types.js';
import type { TokenGateError } from '../errors/error.js';
import type { ProblemDetails } from '../errors/problem.js';
import type { TokenMethod } from '../request/extract.js';
import type { ScopeClaimNames } from '../token/scopes.js';
import type { SignatureVerifier } from '../jwt/signature.js';
import { DEFAULT_PROBLEM_TYPE_BASE } from '../errors/problem.js';
import { DEFAULT_SCOPE_CLAIMS } from '../token/scopes.js';
import { classifyToken } from '../token/token-type.js';
import { nodeSignatureVerifier } from '../jwt/signature.js';
import type { TokenCacheOptions } from '../token/token-cache.js';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, isSupportedAlgorithm } from '../jwt/algorithms.js';
import { checkKnownOptions, type OptionNames } from './known-options.js';
import { isSecureUrl } from './secure-url.js';

/** How the issuer's signing keys are fetched and cached. All durations in milliseconds. */
export interface JwksOptions {
  /** Abort a JWKS or discovery request after this long. Default 5000. */
  readonly timeoutDuration?: number;
  /** After a fetch, an unknown `kid` triggers no refetch for this long. Default 30000. */
  readonly cooldownDuration?: number;
  /** Keys are refreshed after this long. Default 600000 (10 min). */
  readonly cacheMaxAge?: number;
  /** When a refresh fails, the last good keys keep serving for this long after they were fetched. Default 86400000 (24 h). */
  readonly maxStaleAge?: number;
  /** After a failed fetch, no new fetch for this long; also the 503's `Retry-After`. Default 5000. */
  readonly failureBackoff?: number;
  /** Largest JWKS, metadata or introspection response accepted, in bytes. Default 1048576 (1 MiB). */
  readonly maxResponseBytes?: number;
  /** How many issuers' key sets are kept (multi-tenant). Default 100. */
  readonly maxIssuers?: number;
}

/** How the client calling the introspection endpoint authenticates (RFC 6749 §2.3.1). */
export type IntrospectionAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Token introspection (RFC 7662) for opaque access tokens. */
export interface IntrospectionOptions {
  /** The introspection endpoint; default the issuer metadata's `introspection_endpoint` (single issuer only). */
  readonly endpoint?: string;
  /** This API's client id at the authorization server. */
  readonly clientId: string;
  /** This API's client secret at the authorization server. */
  readonly clientSecret: string;
  /** `client_secret_basic` (default: HTTP Basic) or `client_secret_post` (form fields). */
  readonly authMethod?: IntrospectionAuthMethod;
  /** Abort an introspection request after this many milliseconds. Default 5000. */
  readonly timeoutDuration?: number;
  /** Seconds an active answer is reused, never past the token's `exp`. Default 60; `0` disables. */
  readonly cacheMaxAge?: number;
  /** Seconds an inactive (or refused) answer is reused. Default 5; `0` disables. */
  readonly inactiveCacheAge?: number;
  /** Most answers kept. Default 10000; `0` disables the cache. Refusals are kept apart, at most a tenth of it (and 1000). */
  readonly maxEntries?: number;
  /**
   * Most different tokens introspected at the same time. Past it a request for yet another
   * token gets 503 with `Retry-After: 1` at once, so a flood of junk tokens cannot open a flood
   * of requests to the authorization server. Default 64.
   */
  readonly maxConcurrentRequests?: number;
  /**
   * Refuse active answers without an `aud` naming this API. Default `false` (RFC 7662 makes
   * `aud` optional), but turn it on when the server names the audience of its access tokens:
   * some servers answer for refresh tokens without `aud` or `token_type`, and only this tells
   * them apart.
   */
  readonly requireAudience?: boolean;
  /**
   * Accept active answers that show no sign of describing an access token: no `token_type`
   * (`Bearer`, `DPoP`, `N_A`), no `token_use: access_token`, no Keycloak `typ: Bearer` and no `aud`
   * naming this API. Default false: such an answer is refused (401), because some servers answer
   * `active: true` for refresh tokens that way (oidc-provider does, with neither `token_type` nor
   * `aud`). Turn it on only for a server whose answers never carry any of these and that never
   * answers for refresh tokens; refresh-token markers are refused either way.
   */
  readonly dangerouslyAcceptUntypedAnswers?: boolean;
}

/**
 * Resolves a token this API cannot verify locally to its claims, or `null` when it is not
 * valid. Throwing means the source cannot answer right now (503).
 */
export type TokenResolver = (token: string) => Promise<Claims | null>;

/** Which path a token takes: local JWT verification, the introspection endpoint (or `resolveToken`), or chosen by its shape. */
export type VerificationMode = 'jwt' | 'introspect' | 'auto';

/** Options of `createVerifier`. */
export interface VerifierOptions {
  /** Accepted `iss` value(s), matched exactly. `https:` unless loopback or `dangerouslyAllowHttpIssuer`. */
  readonly issuer: string | readonly string[];
  /** The token's `aud` must contain one of these. */
  readonly audience: string | readonly string[];
  /** JWKS URL; when absent it is discovered from the issuer's metadata (RFC 8414, then OIDC). Single issuer only. */
  readonly jwksUri?: string;
  /** Allowed JWS algorithms. Default RS/PS/ES 256–512 and EdDSA. `none` is never allowed. */
  readonly algorithms?: readonly string[];
  /** Shared secret enabling HS256/384/512 (never through a JWKS). Only when you really use HMAC tokens. */
  readonly secret?: string | Uint8Array;
  /** Seconds of leeway for `exp`, `nbf` and `iat`. Default 5. */
  readonly clockTolerance?: number;
  /** Maximum age in seconds since `iat` (which then becomes required). Default none. */
  readonly maxTokenAge?: number;
  /** Apply the RFC 9068 profile: `typ` must be `at+jwt` and iss, exp, aud, sub, client_id, iat, jti are required. Default false. */
  readonly strict?: boolean;
  /** Header parameters this server understands in `crit` (RFC 7515 §4.1.11). Default none. */
  readonly criticalHeaders?: readonly string[];
  /** Names of the scope claims. Default `scope`, `scp`, `permissions`. */
  readonly scopeClaims?: Partial<ScopeClaimNames>;
  /** Decide user vs client; default `classifyToken`. */
  readonly classify?: (claims: Claims) => TokenType;
  /** Where tokens may come from (RFC 6750 §2). Default `['header']`. */
  readonly tokenMethods?: readonly TokenMethod[];
  /** Longest token accepted, in characters. Default 8192. */
  readonly maxTokenLength?: number;
  /** The challenge's `realm`. Default `api`. */
  readonly realm?: string;
  /** Base URI of problem `type` values. Default `https://tokengate.dev/problems/`. */
  readonly problemTypeBase?: string;
  /** Called once for each failure, e.g. to log it with its `instance` id. Errors it throws are ignored. */
  readonly onError?: (error: TokenGateError, problem: ProblemDetails) => void;
  /** JWKS fetching and caching. */
  readonly jwks?: JwksOptions;
  /** `fetch` used for discovery and JWKS. Default the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Current time in ms; for tests. Default `Date.now`. */
  readonly clock?: Clock;
  /** The signature step; default Node's `crypto.verify` on keys prepared once. */
  readonly signatureVerifier?: SignatureVerifier;
  /** Accept `http:` issuers that are not loopback. Never in production. */
  readonly dangerouslyAllowHttpIssuer?: boolean;
  /**
   * Accept sender-constrained tokens (with a `cnf` claim: DPoP `jkt`, mTLS `x5t#S256`, …) as plain
   * bearer tokens. Default false: such a token is refused (401 `invalid_token`), since whoever
   * holds a copy could replay it without the key it is bound to (RFC 9449 §7.2). Only for
   * deployments where a trusted gateway in front of this API has already verified the binding.
   */
  readonly dangerouslyAcceptBoundTokensAsBearer?: boolean;
  /**
   * The verified-token cache (on by default: 10000 entries, 32 MiB, a token cached from its
   * second successful verification on); `false` turns it off, and
   * with it the cache of introspected and resolved opaque tokens.
   */
  readonly cache?: TokenCacheOptions | false;
  /** Introspect opaque tokens (RFC 7662) at the authorization server. */
  readonly introspection?: IntrospectionOptions;
  /**
   * Resolve opaque tokens yourself (a proprietary format, a session store): return the claims,
   * or `null` for an invalid token. The claims are checked like an introspection answer.
   * Cannot be combined with `introspection`.
   */
  readonly resolveToken?: TokenResolver;
  /**
   * `jwt`: verify every token locally. `introspect`: send every token to introspection (or
   * `resolveToken`). `auto`: JWS-shaped tokens locally, everything else to introspection.
   * Default `auto` when `introspection` or `resolveToken` is set, else `jwt`.
   */
  readonly mode?: VerificationMode;
}

/** Introspection options after validation and defaults. Durations as given: ms for the timeout, seconds for the cache. */
export interface ResolvedIntrospection {
  /** `undefined`: discovered from the issuer metadata. */
  readonly endpoint: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authMethod: IntrospectionAuthMethod;
  readonly timeoutDuration: number;
  readonly cacheMaxAge: number;
  readonly inactiveCacheAge: number;
  readonly maxEntries: number;
  readonly maxConcurrentRequests: number;
  readonly requireAudience: boolean;
  readonly dangerouslyAcceptUntypedAnswers: boolean;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  readonly issuers: readonly string[];
  readonly audiences: readonly string[];
  readonly jwksUri: string | undefined;
  readonly algorithms: ReadonlySet<string>;
  readonly secret: Uint8Array | undefined;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly strict: boolean;
  readonly dangerouslyAllowHttpIssuer: boolean;
  readonly dangerouslyAcceptBoundTokensAsBearer: boolean;
  readonly criticalHeaders: ReadonlySet<string>;
  readonly scopeClaims: ScopeClaimNames;
  readonly classify: (claims: Claims) => TokenType;
  readonly tokenMethods: ReadonlySet<TokenMethod>;
  readonly maxTokenLength: number;
  readonly realm: string;
  readonly problemTypeBase: string;
  readonly onError: ((error: TokenGateError, problem: ProblemDetails) => void) | undefined;
  readonly jwks: Required<JwksOptions>;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly signatureVerifier: SignatureVerifier;
  readonly cache: Required<TokenCacheOptions> | undefined;
  readonly introspection: ResolvedIntrospection | undefined;
  readonly resolveToken: TokenResolver | undefined;
  readonly mode: VerificationMode;
}

const TOKEN_METHODS: readonly TokenMethod[] = ['header', 'query', 'body'];
const AUTH_METHODS: readonly IntrospectionAuthMethod[] = ['client_secret_basic', 'client_secret_post'];
const MODES: readonly VerificationMode[] = ['jwt', 'introspect', 'auto'];

function fail(option: string, rule: string): never {
  throw new TypeError(`"${option}" option ${rule}`);
}

function stringList(value: unknown, option: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) fail(option, 'must be a non-empty string or array of strings');
  for (const item of list) if (typeof item !== 'string' || item === '') fail(option, 'must contain only non-empty strings');
  return [...new Set(list as string[])];
}

function nonNegative(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(option, 'must be a non-negative number');
  return value;
}

function checkSecureUrl(value: string, option: string, allowHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(option, `must be an absolute URL (got ${JSON.stringify(value)})`);
  }
  if (isSecureUrl(url, allowHttp)) return;
  fail(option, `must use https: (${JSON.stringify(value)}); http: is accepted only for loopback hosts or with "dangerouslyAllowHttpIssuer"`);
}

function resolveAlgorithms(options: VerifierOptions, secret: Uint8Array | undefined): Set<string> {
  const requested = options.algorithms === undefined ? [...ASYMMETRIC_ALGORITHMS, ...(secret ? HMAC_ALGORITHMS : [])] : options.algorithms;
  if (!Array.isArray(requested) || requested.length === 0) fail('algorithms', 'must be a non-empty array');
  for (const alg of requested) {
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg)) fail('algorithms', `contains an unsupported algorithm: ${JSON.stringify(alg)}`);
    if (HMAC_ALGORITHMS.includes(alg) && !secret) fail('algorithms', `lists ${alg}, which needs the "secret" option`);
  }
  return new Set(requested);
}

function resolveSecret(secret: VerifierOptions['secret']): Uint8Array | undefined {
  if (secret === undefined) return undefined;
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) fail('secret', 'must be a string or Uint8Array of at least 32 bytes');
  return bytes;
}

/** The names `createVerifier()` takes (for adapters whose options hold them too, like the Fastify plugin's). */
export const VERIFIER_OPTION_NAMES: OptionNames<VerifierOptions> = {
  issuer: true,
  audience: true,
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
  cache: true,
  introspection: true,
  resolveToken: true,
  mode: true,
};
const JWKS_OPTIONS: OptionNames<JwksOptions> = {
  timeoutDuration: true,
  cooldownDuration: true,
  cacheMaxAge: true,
  maxStaleAge: true,
  failureBackoff: true,
  maxResponseBytes: true,
  maxIssuers: true,
};
const INTROSPECTION_OPTIONS: OptionNames<IntrospectionOptions> = {
  endpoint: true,
  clientId: true,
  clientSecret: true,
  authMethod: true,
  timeoutDuration: true,
  cacheMaxAge: true,
  inactiveCacheAge: true,
  maxEntries: true,
  maxConcurrentRequests: true,
  requireAudience: true,
  dangerouslyAcceptUntypedAnswers: true,
};
const CACHE_OPTIONS: OptionNames<TokenCacheOptions> = { maxEntries: true, maxBytes: true, admitAfter: true };
const SCOPE_CLAIM_OPTIONS: OptionNames<ScopeClaimNames> = { scope: true, scp: true, permissions: true };

/** A nested options block: an object whose names are all known. */
function checkBlock(value: unknown, names: OptionNames<object>, option: string): void {
  if (value === undefined || value === false) return;
  if (value === null || typeof value !== 'object') fail(option, 'must be an object');
  checkKnownOptions(value, names, `the "${option}" options`);
}

function resolveJwks(jwks: JwksOptions = {}): Required<JwksOptions> {
  const timeoutDuration = nonNegative(jwks.timeoutDuration, 'jwks.timeoutDuration', 5_000);
  return {
    timeoutDuration: Math.round(timeoutDuration),
    cooldownDuration: nonNegative(jwks.cooldownDuration, 'jwks.cooldownDuration', 30_000),
    cacheMaxAge: nonNegative(jwks.cacheMaxAge, 'jwks.cacheMaxAge', 600_000),
    maxStaleAge: nonNegative(jwks.maxStaleAge, 'jwks.maxStaleAge', 86_400_000),
    failureBackoff: nonNegative(jwks.failureBackoff, 'jwks.failureBackoff', 5_000),
    maxResponseBytes: nonNegative(jwks.maxResponseBytes, 'jwks.maxResponseBytes', 1_048_576),
    maxIssuers: Math.max(1, Math.floor(nonNegative(jwks.maxIssuers, 'jwks.maxIssuers', 100))),
  };
}

function resolveCache(cache: VerifierOptions['cache']): Required<TokenCacheOptions> | undefined {
  if (cache === false) return undefined;
  if (cache !== undefined && (cache === null || typeof cache !== 'object')) fail('cache', 'must be false or an object');
  const maxEntries = Math.floor(nonNegative(cache?.maxEntries, 'cache.maxEntries', 10_000));
  const maxBytes = Math.floor(nonNegative(cache?.maxBytes, 'cache.maxBytes', 33_554_432));
  const admitAfter = cache?.admitAfter ?? 2;
  if (admitAfter !== 1 && admitAfter !== 2) fail('cache.admitAfter', 'must be 1 or 2');
  return maxEntries === 0 || maxBytes === 0 ? undefined : Object.freeze({ maxEntries, maxBytes, admitAfter });
}

function resolveMethods(methods: unknown): Set<TokenMethod> {
  if (methods === undefined) return new Set(['header']);
  if (!Array.isArray(methods) || methods.length === 0) fail('tokenMethods', 'must be a non-empty array');
  for (const method of methods) if (!TOKEN_METHODS.includes(method)) fail('tokenMethods', `contains an unknown method: ${JSON.stringify(method)}`);
  return new Set(methods as TokenMethod[]);
}

function optionalFunction<T>(value: T | undefined, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(option, 'must be a function');
  return value;
}

function requiredString(value: unknown, option: string): string {
  if (value === undefined) fail(option, 'is required');
  if (typeof value !== 'string' || value === '') fail(option, 'must be a non-empty string');
  return value;
}

function resolveIntrospection(options: VerifierOptions, issuers: readonly string[]): ResolvedIntrospection | undefined {
  const introspection: unknown = options.introspection;
  if (introspection === undefined) return undefined;
  if (introspection === null || typeof introspection !== 'object') fail('introspection', 'must be an object with "clientId" and "clientSecret"');
  const input = introspection as IntrospectionOptions;
  const allowHttp = options.dangerouslyAllowHttpIssuer === true;
  if (input.endpoint === undefined) {
    if (issuers.length > 1) fail('introspection.endpoint', 'is required with several issuers (it is discovered only for a single issuer)');
  } else {
    checkSecureUrl(requiredString(input.endpoint, 'introspection.endpoint'), 'introspection.endpoint', allowHttp);
  }
  const authMethod = input.authMethod ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(authMethod)) fail('introspection.authMethod', `must be "client_secret_basic" or "client_secret_post" (got ${JSON.stringify(authMethod)})`);
  return Object.freeze({
    endpoint: input.endpoint,
    clientId: requiredString(input.clientId, 'introspection.clientId'),
    clientSecret: requiredString(input.clientSecret, 'introspection.clientSecret'),
    authMethod,
    timeoutDuration: Math.round(nonNegative(input.timeoutDuration, 'introspection.timeoutDuration', 5_000)),
    cacheMaxAge: nonNegative(input.cacheMaxAge, 'introspection.cacheMaxAge', 60),
    inactiveCacheAge: nonNegative(input.inactiveCacheAge, 'introspection.inactiveCacheAge', 5),
    maxEntries: Math.floor(nonNegative(input.maxEntries, 'introspection.maxEntries', 10_000)),
    maxConcurrentRequests: Math.max(1, Math.floor(nonNegative(input.maxConcurrentRequests, 'introspection.maxConcurrentRequests', 64))),
    requireAudience: optionalBoolean(input.requireAudience, 'introspection.requireAudience'),
    dangerouslyAcceptUntypedAnswers: optionalBoolean(input.dangerouslyAcceptUntypedAnswers, 'introspection.dangerouslyAcceptUntypedAnswers'),
  });
}

function optionalBoolean(value: unknown, option: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') fail(option, 'must be a boolean');
  return value === true;
}

function resolveMode(mode: unknown, opaque: boolean): VerificationMode {
  if (mode === undefined) return opaque ? 'auto' : 'jwt';
  if (!MODES.includes(mode as VerificationMode)) fail('mode', `must be "jwt", "introspect" or "auto" (got ${JSON.stringify(mode)})`);
  if (mode !== 'jwt' && !opaque) fail('mode', `"${String(mode)}" needs the "introspection" or "resolveToken" option`);
  return mode as VerificationMode;
}

/** Validate options and apply defaults; throws `TypeError` naming the offending option. */
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('createVerifier() needs an options object with "issuer" and "audience"');
  checkKnownOptions(options, VERIFIER_OPTION_NAMES, 'createVerifier() options');
  checkBlock(options.jwks, JWKS_OPTIONS, 'jwks');
  checkBlock(options.introspection, INTROSPECTION_OPTIONS, 'introspection');
  checkBlock(options.cache, CACHE_OPTIONS, 'cache');
  checkBlock(options.scopeClaims, SCOPE_CLAIM_OPTIONS, 'scopeClaims');
  if (options.issuer === undefined) fail('issuer', 'is required (the token issuer URL, e.g. https://auth.example.com/)');
  if (options.audience === undefined) fail('audience', 'is required (the identifier of this API)');
  const issuers = stringList(options.issuer, 'issuer');
  for (const issuer of issuers) checkSecureUrl(issuer, 'issuer', options.dangerouslyAllowHttpIssuer === true);
  if (options.jwksUri !== undefined) {
    if (issuers.length > 1) fail('jwksUri', 'can be used with a single issuer only; several issuers are discovered one by one');
    if (typeof options.jwksUri !== 'string' || !URL.canParse(options.jwksUri)) fail('jwksUri', 'must be an absolute URL');
    // The keys decide everything: they come over https (or from loopback), like the issuer's metadata.
    checkSecureUrl(options.jwksUri, 'jwksUri', options.dangerouslyAllowHttpIssuer === true);
  }
  const secret = resolveSecret(options.secret);
  const maxTokenAge = options.maxTokenAge === undefined ? undefined : nonNegative(options.maxTokenAge, 'maxTokenAge', 0);
  const introspection = resolveIntrospection(options, issuers);
  const resolveToken = optionalFunction(options.resolveToken, 'resolveToken');
  if (introspection && resolveToken) fail('resolveToken', 'cannot be combined with "introspection"; use one source for opaque tokens');
  return Object.freeze({
    issuers: Object.freeze(issuers),
    audiences: Object.freeze(stringList(options.audience, 'audience')),
    jwksUri: options.jwksUri,
    algorithms: resolveAlgorithms(options, secret),
    secret,
    clockTolerance: nonNegative(options.clockTolerance, 'clockTolerance', 5),
    maxTokenAge,
    strict: options.strict === true,
    dangerouslyAllowHttpIssuer: optionalBoolean(options.dangerouslyAllowHttpIssuer, 'dangerouslyAllowHttpIssuer'),
    dangerouslyAcceptBoundTokensAsBearer: optionalBoolean(options.dangerouslyAcceptBoundTokensAsBearer, 'dangerouslyAcceptBoundTokensAsBearer'),
    criticalHeaders: new Set(options.criticalHeaders === undefined ? [] : stringList(options.criticalHeaders, 'criticalHeaders')),
    scopeClaims: Object.freeze({ ...DEFAULT_SCOPE_CLAIMS, ...options.scopeClaims }),
    classify: optionalFunction(options.classify, 'classify') ?? classifyToken,
    tokenMethods: resolveMethods(options.tokenMethods),
    maxTokenLength: Math.floor(nonNegative(options.maxTokenLength, 'maxTokenLength', 8192)),
    realm: typeof options.realm === 'string' ? options.realm : 'api',
    problemTypeBase: typeof options.problemTypeBase === 'string' ? options.problemTypeBase : DEFAULT_PROBLEM_TYPE_BASE,
    onError: optionalFunction(options.onError, 'onError'),
    jwks: Object.freeze(resolveJwks(options.jwks)),
    fetch: optionalFunction(options.fetch, 'fetch') ?? ((input: string | URL, init?: RequestInit) => fetch(input, init)),
    clock: optionalFunction(options.clock, 'clock') ?? Date.now,
    signatureVerifier: optionalFunction(options.signatureVerifier, 'signatureVerifier') ?? nodeSignatureVerifier,
    cache: resolveCache(options.cache),
    introspection,
    resolveToken,
    mode: resolveMode(options.mode, introspection !== undefined || resolveToken !== undefined),
  });
}
