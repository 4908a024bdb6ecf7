/**
 * `@tokengate/core`: verify OAuth 2.0 bearer access tokens for a resource server.
 * @packageDocumentation
 */
export { createVerifier, type Verifier, type VerifierStats } from './verifier.js';
export type { TokenCacheOptions } from './token/token-cache.js';
export { VERIFIER_OPTION_NAMES } from './options/options.js';
export type {
  VerifierOptions,
  JwksOptions,
  ResolvedOptions,
  IntrospectionOptions,
  IntrospectionAuthMethod,
  ResolvedIntrospection,
  TokenResolver,
  VerificationMode,
} from './options/options.js';
export { IntrospectionConfigurationError, looksLikeJws } from './opaque/introspect.js';
export { ClaimMismatchError } from './policy/claim-mismatch.js';
export { configurationProblem, withConfigurationLog } from './options/configuration-log.js';
export type { AccessToken, Claims, Clock, FetchLike, JsonValue, ProtectedHeader, RequestLike, TokenType } from './token/types.js';
export { TokenGateError, isTokenGateError, ERROR_CODES, type TokenGateErrorCode, type TokenGateErrorOptions, type ErrorPresentation, type ErrorHeaders } from './errors/error.js';
export { PROBLEM_CONTENT_TYPE, DEFAULT_PROBLEM_TYPE_BASE, createInstanceId, type ProblemDetails } from './errors/problem.js';
export { formatChallenge, quote, type ChallengeParameters } from './errors/challenge.js';
export { extractToken, type ExtractOptions, type TokenMethod } from './request/extract.js';
export {
  parseScopes,
  hasAllScopes,
  hasAnyScope,
  missingScopes,
  requireScopes,
  requireAnyScope,
  normalizeScopeList,
  DEFAULT_SCOPE_CLAIMS,
  type ScopeClaimNames,
} from './token/scopes.js';
export { claimEquals, claimIncludes, claimCheck, requireClaim, readClaim, type ClaimPredicate, type DescribedClaimPredicate } from './policy/claims.js';
export { classifyToken, requireTokenType, type TokenClassifier } from './token/token-type.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './jwt/algorithms.js';
export { nodeSignatureVerifier, prepareKey, type PreparedKey, type SignatureVerifier } from './jwt/signature.js';
export { metadataUrls, type IssuerMetadata } from './keys/discovery.js';
export { compileRequirement, checkRequirement, requirementOf, REQUIREMENT_NAMES, type Requirement, type CompiledRequirement, type TokenRequirement } from './policy/requirements.js';
export { compileRoutePolicy, type RoutePolicy, type RouteRule, type RouteDecision, type RoutePolicyOptions, type UnmatchedRoutes } from './policy/route-policy.js';
export { routePath, type RouterBehaviour } from './policy/route-path.js';
export { optionsFromEnvironment, lazyVerifier, notConfiguredError, isVerifier, verifierFrom, ENVIRONMENT_VARIABLES, type VerifierSource } from './options/environment.js';
export { createGate, attachToken, adoptRequestAuth, ownMember, type AdoptForeignAuth, type Gate, type GateSettings } from './gate/gate.js';
export { isAccessToken } from './token/access-token.js';
export { routeDeniedError } from './policy/route-policy.js';
export { splitGuardArguments, guardOptions, type GuardArguments } from './gate/guard-arguments.js';
export { checkKnownOptions, MISPLACED_VERIFIER_OPTIONS, type OptionNames } from './options/known-options.js';
export { checkAdapterOptions, AUTH_OPTION_NAMES, GUARD_OPTION_NAMES, ROUTE_POLICY_OPTION_NAMES } from './options/adapter-options.js';
