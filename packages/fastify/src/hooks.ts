/**
 * The hooks: `auth()`, the guards and `routePolicy()`, for `onRequest` or `preHandler`. Core's
 * adapter kit does the work; each hook runs its step and settles the request.
 */
import { createAdapterKit, createGuardFamily, type AdapterKit, type AuthOptions, type GuardOptions } from '@tokengate/core/adapter';
import type { RateLimitOptions, Requirement, RoutePolicyOptions, RouteRule, Verifier, VerifierOptions } from '@tokengate/core';
import { routerOf, settle, stepInput, type TokenGateHook } from './respond.js';

/** The kit every hook and the plugin are built with. */
export const kit: AdapterKit = createAdapterKit({ environment: process.env, log: (line) => console.error(line) });

/**
 * An `onRequest` hook that authenticates the request and sets `request.auth`, for use without
 * the plugin. Without `source`, `TOKENGATE_ISSUER` / `TOKENGATE_AUDIENCE` / `TOKENGATE_JWKS_URI` are used.
 * @example app.addHook('onRequest', auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 */
export function auth(source?: VerifierOptions | Verifier, options?: AuthOptions): TokenGateHook {
  const prepared = kit.auth(source, options);
  return function tokengateAuth(request, reply) {
    return settle(prepared, request, reply, prepared.step(stepInput(request)));
  };
}

/**
 * A hook requiring a token that meets `requirement` (token type, scopes, claims). Every other
 * guard is this one with a fixed requirement. A request is verified once, however many guards it meets.
 * @example app.get('/reports', { preHandler: requireToken({ token: 'user', anyScopes: ['reports:read', 'admin'] }) }, handler);
 */
export function requireToken(requirement: Requirement, options?: GuardOptions | Verifier): TokenGateHook {
  const prepared = kit.guard(requirement, options);
  return function tokengateGuard(request, reply) {
    return settle(prepared, request, reply, prepared.step(stepInput(request)));
  };
}

/**
 * A per-client rate limit hook: `points` per `duration` s per client, shared through `store`; then 429.
 * @example app.get('/v1/files', { preHandler: rateLimit({ points: 100, duration: 60 }) }, handler);
 */
export function rateLimit(options: RateLimitOptions): TokenGateHook {
  const prepared = kit.rateLimit(options);
  return (request, reply) => settle(prepared, request, reply, prepared.step(stepInput(request)));
}

/**
 * A gateway-style policy hook: the first matching rule decides. Denied requests get 403
 * `access_denied` without any verification, public ones pass untouched, protected ones are
 * authenticated and checked. Matched on the path Fastify routes: `request.url` decoded, read with
 * the instance's `ignoreDuplicateSlashes`, `useSemicolonDelimiter` and `caseSensitive` (see
 * `routePath`); a target routers read differently (`%2F`, dot segments) gets 400.
 * @example app.addHook('onRequest', routePolicy([{ path: '/health', public: true }, { path: '/v1/file/*', token: 'user' }]));
 */
export function routePolicy(rules: readonly RouteRule[], options?: RoutePolicyOptions & GuardOptions): TokenGateHook {
  const prepared = kit.routePolicy(rules, options);
  return function tokengateRoutePolicy(request, reply) {
    return settle(prepared, request, reply, prepared.step(stepInput(request), request.url, routerOf(request)));
  };
}

/** The guards every adapter has: see `GuardFamily`. */
export const { requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication } = createGuardFamily<TokenGateHook, GuardOptions>(requireToken);
