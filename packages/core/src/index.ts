/**
 * `@tokengate/core`: verify OAuth 2.0 bearer access tokens for a resource server.
 * @packageDocumentation
 */
export { createVerifier, type Verifier, type VerifierStats } from './verifier.js';
export type { TokenCacheOptions } from './token-cache.js';
export { VERIFIER_OPTION_NAMES } from './options.js';
export type {
  VerifierOptions,
  JwksOptions,
  ResolvedOptions,
  IntrospectionOptions,
  IntrospectionAuthMethod,
  ResolvedIntrospection,
  TokenResolver,
  VerificationMode,
} from './options.js';
export { IntrospectionConfigurationError, looksLikeJws } from './introspect.js';
export { ClaimMismatchError } from './claim-mismatch.js';
export { configurationProblem, withConfigurationLog } from './configuration-log.js';
export type { AccessToken, Claims, Clock, FetchLike, JsonValue, ProtectedHeader, RequestLike, TokenType } from './types.js';
export { TokenGateError, isTokenGateError, ERROR_CODES, type TokenGateErrorCode, type TokenGateErrorOptions, type ErrorPresentation, type ErrorHeaders } from './errors.js';
export { PROBLEM_CONTENT_TYPE, DEFAULT_PROBLEM_TYPE_BASE, createInstanceId, type ProblemDetails } from './problem.js';
export { formatChallenge, quote, type ChallengeParameters } from './challenge.js';
export { extractToken, type ExtractOptions, type TokenMethod } from './extract.js';
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
} from './scopes.js';
export { claimEquals, claimIncludes, claimCheck, requireClaim, readClaim, type ClaimPredicate, type DescribedClaimPredicate } from './claims.js';
export { classifyToken, requireTokenType, type TokenClassifier } from './token-type.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './algorithms.js';
export { nodeSignatureVerifier, prepareKey, type PreparedKey, type SignatureVerifier } from './signature.js';
export { metadataUrls, type IssuerMetadata } from './discovery.js';
export { compileRequirement, checkRequirement, requirementOf, REQUIREMENT_NAMES, type Requirement, type CompiledRequirement, type TokenRequirement } from './requirements.js';
export { compileRoutePolicy, type RoutePolicy, type RouteRule, type RouteDecision, type RoutePolicyOptions, type UnmatchedRoutes } from './route-policy.js';
export { routePath, type RouterBehaviour } from './route-path.js';
export { optionsFromEnvironment, lazyVerifier, notConfiguredError, isVerifier, verifierFrom, ENVIRONMENT_VARIABLES, type VerifierSource } from './environment.js';
export { createGate, attachToken, adoptRequestAuth, ownMember, type AdoptForeignAuth, type Gate, type GateSettings } from './gate.js';
export { isAccessToken } from './access-token.js';
export { routeDeniedError } from './route-policy.js';
export { splitGuardArguments, guardOptions, type GuardArguments } from './guard-arguments.js';
export { checkKnownOptions, MISPLACED_VERIFIER_OPTIONS, type OptionNames } from './known-options.js';
export { checkAdapterOptions, AUTH_OPTION_NAMES, GUARD_OPTION_NAMES, ROUTE_POLICY_OPTION_NAMES } from './adapter-options.js';
