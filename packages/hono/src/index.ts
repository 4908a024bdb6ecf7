/**
 * `@tokengate/hono`: tokengate for Hono (on Node.js, Bun, Deno or Workers): `auth()`, the guards,
 * `routePolicy()` and `rateLimit()` as middleware; the verified token at `c.get('auth')`.
 * @packageDocumentation
 */
export { auth, rateLimit, requireToken, requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication, routePolicy } from './middleware.js';
export type { TokenGateEnv, TokenGateMiddleware, TokenGateVariables } from './middleware.js';
export type { AuthOptions, GuardOptions, ProblemFormatter } from '@tokengate/core/adapter';
export { createVerifier, TokenGateError, isTokenGateError, claimEquals, claimIncludes, claimCheck } from '@tokengate/core';
export type { AccessToken, ClaimPredicate, ProblemDetails, RateLimitOptions, Requirement, RoutePolicyOptions, RouteRule, Verifier, VerifierOptions } from '@tokengate/core';
