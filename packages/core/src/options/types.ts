/**
 * The options of `createVerifier`, as applications write them. Durations are in seconds unless
 * the name ends in `Ms`.
 */
import type { ProblemDetails } from '../errors/problem.js';
import type { TokenGateError } from '../errors/error.js';
import type { SignatureVerifier } from '../jwt/signature.js';
import type { TokenMethod } from '../request/extract.js';
import type { ScopeClaimNames } from '../token/scopes.js';
import type { TokenCacheOptions } from '../token/token-cache.js';
import type { Claims, Clock, FetchLike, TokenType } from '../token/types.js';
import type { CorsOptions, ProtectedResourceOptions, ScopeImplications } from './resource-types.js';
import type { PresetOption } from '../token/presets/preset.js';
import type { IssuerOptions } from './issuers.js';
import type { JwksSnapshot } from '../keys/snapshot.js';
import type { DpopOptions, MtlsOptions } from './binding-types.js';
import type { DenyListOptions } from './state-types.js';

/** How the issuer's signing keys are fetched and cached. Durations in milliseconds, as their names say. */
export interface JwksOptions {
  /** Abort a JWKS or discovery request after this many milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** After a fetch, an unknown `kid` triggers no refetch for this many milliseconds. Default 30000. */
  readonly cooldownMs?: number;
  /** Keys are refreshed after this many milliseconds. Default 600000 (10 min). */
  readonly cacheMaxAgeMs?: number;
  /** When a refresh fails, the last good keys keep serving for this many milliseconds after they were fetched. Default 86400000 (24 h). */
  readonly maxStaleAgeMs?: number;
  /** After a failed fetch, no new fetch for this many milliseconds; also the 503's `Retry-After`. Default 5000. */
  readonly failureBackoffMs?: number;
  /** Largest JWKS or metadata response accepted, in bytes. Default 1048576 (1 MiB). */
  readonly maxResponseBytes?: number;
  /** How many issuers' key sets are kept (multi-tenant). Default 100. */
  readonly maxIssuers?: number;
  /**
   * Key sets an earlier process fetched (`verifier.jwksSnapshot()`, kept as JSON): used while
   * fresh instead of fetching them again. Only from storage the application alone writes: its keys are trusted.
   */
  readonly snapshot?: JwksSnapshot;
}

export type { IntrospectionAuthMethod, IntrospectionCacheOptions, IntrospectionOptions } from './introspection-types.js';
import type { IntrospectionOptions } from './introspection-types.js';

/**
 * Resolves a token this API cannot verify locally to its claims, or `null` when it is not
 * valid. Throwing means the source cannot answer right now (503).
 */
export type TokenResolver = (token: string) => Promise<Claims | null>;

/** Which path a token takes: local JWT verification, the introspection endpoint (or `resolveToken`), or chosen by its shape. */
export type VerificationMode = 'jwt' | 'introspect' | 'auto';

/** Options of `createVerifier`. */
export interface VerifierOptions {
  /** Accepted `iss` value(s), matched exactly; `https:` unless loopback. Required unless `issuers` is given. */
  readonly issuer?: string | readonly string[];
  /** Instead of `issuer`: each issuer with its own `audience`, `jwksUri`, `preset`, or a `{tenantid}` template with its `tenants`. */
  readonly issuers?: readonly IssuerOptions[];
  /** The token's `aud` must contain one of these. Required unless `resource` is set (then default `[resource]`). */
  readonly audience?: string | readonly string[];
  /**
   * The canonical URL of this protected resource (RFC 8707, RFC 9728), e.g. `https://api.example.com/mcp`:
   * `https:` (`http:` only on loopback), lower-case scheme and host, no query or fragment. Every
   * 401 and 403 challenge then points at its metadata (`resource_metadata`).
   */
  readonly resource?: string;
  /** Members of the protected-resource metadata document (needs `resource`). */
  readonly protectedResource?: ProtectedResourceOptions;
  /** Browser clients: error responses expose `WWW-Authenticate`; the metadata's allowed origin. */
  readonly cors?: CorsOptions;
  /** The identity provider whose token shapes to read (`'entra'`, `'keycloak'`, `'cognito'`, …, or `{ name, … }`); an explicit `classify` still wins. */
  readonly preset?: PresetOption;
  /** Scopes that grant others (`{ 'files:write': ['files:read'] }`), honoured by every scope check. */
  readonly scopeImplications?: ScopeImplications;
  /** Revoked tokens (`verifier.revoke`) refused on every request, through a store every instance shares. */
  readonly denyList?: DenyListOptions;
  /** JWKS URL; when absent it is discovered from the issuer's metadata (RFC 8414, then OIDC). Single issuer only. */
  readonly jwksUri?: string;
  /** Allowed JWS algorithms. Default RS/PS/ES 256–512 and EdDSA. `none` is never allowed. */
  readonly algorithms?: readonly string[];
  /** Shared secret enabling HS256/384/512 (never through a JWKS). Only when you really use HMAC tokens. */
  readonly secret?: string | Uint8Array;
  /** Seconds of leeway for `exp`, `nbf` and `iat`. Default 5. */
  readonly clockTolerance?: number;
  /** Maximum age in seconds since `iat` (then required). Default none. */
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
  /** `fetch` used for discovery, JWKS and introspection. Default the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Current time in ms; for tests. Default `Date.now`. */
  readonly clock?: Clock;
  /** The signature step; default Node's `crypto.verify` on keys prepared once. */
  readonly signatureVerifier?: SignatureVerifier;
  /** Accept `http:` issuers that are not loopback. Never in production. */
  readonly dangerouslyAllowHttpIssuer?: boolean;
  /** Accept DPoP (RFC 9449): the DPoP scheme with a proof checked on every request. */
  readonly dpop?: DpopOptions;
  /** Accept certificate-bound tokens (RFC 8705): the client certificate from the TLS socket or a trusted proxy's header. */
  readonly mtls?: MtlsOptions;
  /** The origin clients call (`https://api.example.com`): DPoP's `htu` is checked against it. Default the origin of `resource`. */
  readonly publicOrigin?: string;
  /** Behind a trusted proxy: the public origin from `Forwarded` / `X-Forwarded-Proto` / `-Host`. Default false. */
  readonly trustProxy?: boolean;
  /**
   * Accept bound tokens (a `cnf` claim) as plain bearer tokens, unchecked. Default false: a bound token
   * needs its proof (`dpop`, `mtls`), else it is refused (401), since whoever holds a copy could replay
   * it (RFC 9449 §7.2). Only where a trusted gateway in front of this API verified the binding.
   */
  readonly dangerouslyAcceptBoundTokensAsBearer?: boolean;
  /**
   * The verified-token cache (on by default: 10000 entries, 32 MiB, a token cached from its
   * second successful verification on); `false` turns it off, and with it the cache of
   * `resolveToken` answers (introspection has its own: `introspection.cache`).
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
