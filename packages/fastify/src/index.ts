/**
 * `@tokengate/fastify`: OAuth 2.0 bearer access-token protection for Fastify 5: a plugin that
 * sets `request.auth`, per-route settings in `config.tokengate`, token-type, scope and claim
 * hooks, gateway-style route policies and RFC 9457 problem details.
 * @example
 * import Fastify from 'fastify';
 * import tokengate, { requireScopes } from '@tokengate/fastify';
 *
 * const app = Fastify();
 * await app.register(tokengate, { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });
 * app.get('/files', { config: { tokengate: { token: 'user' } }, preHandler: [requireScopes('files:read')] }, async (request) => ({ owner: request.auth?.subject }));
 * @packageDocumentation
 */
import { tokengate } from './plugin.js';

export { tokengate, type TokenGatePluginOptions } from './plugin.js';
export { auth, requireToken, requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication, routePolicy, rateLimit } from './hooks.js';
export type { RouteAuthConfig, TokenGateHook } from './respond.js';
export type { AuthOptions, GuardOptions } from '@tokengate/core/adapter';
export { createVerifier, TokenGateError, isTokenGateError, claimEquals, claimIncludes, claimCheck } from '@tokengate/core';
export type { AccessToken, ClaimPredicate, ProblemDetails, RateLimitOptions, Requirement, RouteRule, RoutePolicyOptions, Verifier, VerifierOptions } from '@tokengate/core';

export default tokengate;
