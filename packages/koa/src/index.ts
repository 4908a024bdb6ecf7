/**
 * `@tokengate/koa`: Koa middleware that protects routes with OAuth 2.0 bearer access tokens.
 * @example
 * import Koa from 'koa';
 * import { auth, requireScopes } from '@tokengate/koa';
 *
 * const app = new Koa();
 * app.use(auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 * app.use(requireScopes('read:font:data'));
 * app.use((ctx) => { ctx.body = { subject: ctx.state.auth?.subject } });
 * @packageDocumentation
 */
export { auth, requireToken, requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication, routePolicy, protectedResourceMetadata, rateLimit } from './middleware.js';
export type { AuthOptions, GuardOptions, ProblemFormatter } from '@tokengate/core/adapter';
export { createVerifier, TokenGateError, isTokenGateError, claimEquals, claimIncludes, claimCheck } from '@tokengate/core';
export type { AccessToken, ClaimPredicate, ProblemDetails, RateLimitOptions, Requirement, RoutePolicyOptions, RouteRule, Verifier, VerifierOptions } from '@tokengate/core';
