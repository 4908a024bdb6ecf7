/**
 * `@tokengate/express`: OAuth 2.0 bearer access-token middleware for Express 4 and 5.
 * @packageDocumentation
 */
import type { AccessToken } from '@tokengate/core';

declare global {
  // Express declares its request type in this global namespace; merging is how `req.auth` gets typed.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified access token, set by `auth()`, a guard or `routePolicy()`. */
      auth?: AccessToken;
    }
  }
}

export { auth, requireToken, requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication, routePolicy, protectedResourceMetadata, rateLimit } from './middleware.js';
export type { ExpressRequestLike, ExpressResponseLike, NextFunction, TokenGateMiddleware } from './respond.js';
export type { AuthOptions, GuardOptions } from '@tokengate/core/adapter';
export { createVerifier, TokenGateError, isTokenGateError, claimEquals, claimIncludes, claimCheck } from '@tokengate/core';
export type { AccessToken, VerifierOptions, Verifier, RouteRule, RoutePolicyOptions, Requirement, ProblemDetails, ClaimPredicate, TokenType, RateLimitOptions } from '@tokengate/core';
