/**
 * Options after validation and defaults: what the steps read.
 */
import type { JwksSnapshot } from '../keys/snapshot.js';
import type { ProblemDetails } from '../errors/problem.js';
import type { TokenGateError } from '../errors/error.js';
import type { SignatureVerifier } from '../jwt/signature.js';
import type { TokenMethod } from '../request/extract.js';
import type { Store } from '../store/store.js';
import type { ScopeClaimNames } from '../token/scopes.js';
import type { TokenCacheOptions } from '../token/token-cache.js';
import type { Claims, Clock, FetchLike, TokenType } from '../token/types.js';
import type { ScopeExpander } from '../token/scope-implications.js';
import type { Preset } from '../token/presets/preset.js';
import type { ResolvedResource } from './resource.js';
import type { IssuerTable } from './issuers.js';
import type { ResolvedDpop, ResolvedMtls } from './binding.js';
import type { DenyListOptions } from './state-types.js';
import type { CorsOptions } from './resource-types.js';
import type { IntrospectionAuthMethod, TokenResolver, VerificationMode } from './types.js';

/** Key fetching and caching. Milliseconds. */
export interface ResolvedJwks {
  readonly timeoutMs: number;
  readonly cooldownMs: number;
  readonly cacheMaxAgeMs: number;
  readonly maxStaleAgeMs: number;
  readonly failureBackoffMs: number;
  readonly maxResponseBytes: number;
  readonly maxIssuers: number;
}

/** Introspection after validation and defaults. */
export interface ResolvedIntrospection {
  /** `undefined`: discovered from the issuer metadata. */
  readonly endpoint: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly authMethod: IntrospectionAuthMethod;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxConcurrentRequests: number;
  readonly requireAudience: boolean;
  readonly dangerouslyAcceptUntypedAnswers: boolean;
}

/** The cache of opaque-token answers (introspection's own block, or `resolveToken`'s defaults). Seconds. */
export interface OpaqueCacheSettings {
  readonly maxAge: number;
  readonly inactiveMaxAge: number;
  /** `0`: no cache. */
  readonly maxEntries: number;
  /** `0`: no cache. */
  readonly maxBytes: number;
  readonly store: Store | undefined;
}

/** Options after validation and defaults. */
export interface ResolvedOptions {
  /** The exact accepted issuers (templates left out). */
  readonly issuers: readonly string[];
  /** Every accepted issuer with its settings. */
  readonly issuerTable: IssuerTable;
  readonly audiences: readonly string[];
  /** `resource` and where its metadata lives; `undefined` without `resource`. */
  readonly resource: ResolvedResource | undefined;
  readonly cors: CorsOptions | undefined;
  /** Effective scopes from granted ones (`scopeImplications`). */
  readonly expandScopes: ScopeExpander | undefined;
  /** The identity-provider preset, if any. */
  readonly preset: Preset | undefined;
  readonly jwksUri: string | undefined;
  readonly algorithms: ReadonlySet<string>;
  readonly secret: Uint8Array | undefined;
  readonly clockTolerance: number;
  readonly maxTokenAge: number | undefined;
  readonly strict: boolean;
  readonly dangerouslyAllowHttpIssuer: boolean;
  readonly dangerouslyAcceptBoundTokensAsBearer: boolean;
  /** `undefined`: the DPoP scheme is not accepted. */
  readonly dpop: ResolvedDpop | undefined;
  /** `undefined`: certificate-bound tokens are refused. */
  readonly mtls: ResolvedMtls | undefined;
  /** The public origin of requests (`publicOrigin`, else the origin of `resource`). */
  readonly publicOrigin: string | undefined;
  readonly trustProxy: boolean;
  /** `undefined`: no deny list. */
  readonly denyList: DenyListOptions | undefined;
  readonly criticalHeaders: ReadonlySet<string>;
  readonly scopeClaims: ScopeClaimNames;
  readonly classify: (claims: Claims) => TokenType;
  readonly tokenMethods: ReadonlySet<TokenMethod>;
  readonly maxTokenLength: number;
  readonly realm: string;
  readonly problemTypeBase: string;
  readonly onError: ((error: TokenGateError, problem: ProblemDetails) => void) | undefined;
  readonly jwks: ResolvedJwks;
  /** `jwks.snapshot`, checked: key sets to start with. */
  readonly jwksSnapshot: JwksSnapshot | undefined;
  readonly fetch: FetchLike;
  readonly clock: Clock;
  readonly signatureVerifier: SignatureVerifier;
  readonly cache: Required<TokenCacheOptions> | undefined;
  readonly introspection: ResolvedIntrospection | undefined;
  readonly opaqueCache: OpaqueCacheSettings;
  readonly resolveToken: TokenResolver | undefined;
  readonly mode: VerificationMode;
}
