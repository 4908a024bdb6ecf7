/**
 * `@tokengate/core`: verify OAuth 2.0 bearer access tokens for a resource server. This file is
 * the map of the app-facing API; each comment names the folder where the rules live. Adapter
 * authors find the rest in `@tokengate/core/adapter`.
 * @packageDocumentation
 */

// The verifier: wires the steps of a request (verifier.ts; see docs/architecture.md).
export { createVerifier, type Verifier, type VerifierStats } from './verifier.js';

// Options and their validation (options/): names, units (seconds unless the name ends in Ms) and defaults.
export type {
  VerifierOptions,
  JwksOptions,
  IntrospectionOptions,
  IntrospectionCacheOptions,
  IntrospectionAuthMethod,
  TokenResolver,
  VerificationMode,
} from './options/types.js';
export type { PublicOptions, PublicDpop } from './options/public-view.js';
export type { JwksSnapshot, JwksSnapshotEntry } from './keys/snapshot.js';
export type { DpopOptions, DpopNonceOptions, MtlsOptions, MtlsHeaderSource } from './options/binding-types.js';
export type { DenyListOptions, Revocation, RevocationOptions } from './options/state-types.js';
export type { ProtectedResourceOptions, CorsOptions, ScopeImplications } from './options/resource-types.js';
export type { PresetName, PresetOption } from './token/presets/preset.js';

// Protected-resource metadata (RFC 9728) of a verifier with `resource` (request/resource-metadata.ts).
export { protectedResourceMetadata, type ProtectedResourceMetadata, type MetadataLocation } from './request/resource-metadata.js';
export type { TokenCacheOptions } from './token/token-cache.js';

// The verified token (token/): access token, scopes (`scope`, `scp`, `permissions`), user vs client.
export type { AccessToken, Claims, Clock, Confirmation, FetchLike, JsonValue, ProtectedHeader, RequestLike, TokenType } from './token/types.js';
export type { RequestContext } from './request/context.js';
export { parseScopes, hasAllScopes, hasAnyScope, missingScopes, DEFAULT_SCOPE_CLAIMS, type ScopeClaimNames } from './token/scopes.js';
export { assertScopes, assertAnyScope } from './policy/scope-rules.js';
export { classifyToken, assertTokenType, type TokenClassifier } from './token/token-type.js';

// Requirements and claim predicates (policy/): what guards and route rules check.
export { claimEquals, claimIncludes, claimCheck, assertClaim, readClaim, type ClaimPredicate, type DescribedClaimPredicate } from './policy/claims.js';
export { ClaimMismatchError } from './policy/claim-mismatch.js';
export { assertAuthentication, type AuthenticationRequirement } from './policy/step-up.js';
export { createDenyList, type DenyList } from './policy/deny-list.js';
export type { Requirement } from './policy/requirements.js';
export type { RouteRule, RoutePolicyOptions, UnmatchedRoutes } from './policy/route-policy.js';
export type { RateLimitOptions } from './policy/rate-limit.js';

// Failures (errors/): one error class, the code → status table, RFC 9457 bodies, RFC 6750 challenges.
export { TokenGateError, isTokenGateError, type TokenGateErrorOptions, type ErrorPresentation, type DpopPresentation, type ErrorHeaders, type StepUp } from './errors/error.js';
export type { ChallengeScheme } from './errors/challenge.js';
export { ERROR_CODES, type TokenGateErrorCode, type ErrorCodeInfo } from './errors/codes.js';
export { PROBLEM_CONTENT_TYPE, DEFAULT_PROBLEM_TYPE_BASE, type ProblemDetails } from './errors/problem.js';
export { IntrospectionConfigurationError } from './opaque/failures.js';

// Sender-constrained tokens (binding/): DPoP proofs (RFC 9449) and client certificates (RFC 8705), checked on every request.
export { DEFAULT_PROOF_ALGORITHMS } from './options/binding.js';

// Signatures (jwt/): the algorithms and the signature step an application may replace or wrap.
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './jwt/algorithms.js';
export type { PreparedKey, SignatureVerifier, WebVerifyInput } from './jwt/signature.js';
export { defaultSignatureVerifier, nodeSignatureVerifier, platformName } from './platform/exports.js';

// Shared state (store/): the seam for state several instances share, and its in-memory implementation.
export type { Store } from './store/store.js';
export { createMemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
export { createMemoryRateLimiter, isRateLimitingStore, limiterOn, type RateLimiter, type RateLimitingStore, type RateLimitOutcome, type RateLimitSettings } from './store/rate-limiter.js';
