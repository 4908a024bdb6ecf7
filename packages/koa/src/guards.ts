/**
 * Guards (token type, scopes, claims) and gateway-style route policies. Each reuses the token
 * `auth()` attached, or authenticates by itself, so it also works as a drop-in.
 */
import type { Context, Middleware, Next } from 'koa';
import { checkAdapterOptions, compileRequirement, compileRoutePolicy, GUARD_OPTION_NAMES, guardOptions, ROUTE_POLICY_OPTION_NAMES, routeDeniedError, splitGuardArguments, type ClaimPredicate, type Requirement, type Verifier, type RouteDecision, type RoutePolicyOptions, type RouteRule } from '@tokengate/core';
import { guardRequest } from './auth.js';
import { createKoaGate, rejectRequest, type GuardOptions } from './respond.js';

/**
 * Require a verified token that meets `requirement` (type, all of `scopes`, one of `anyScopes`,
 * `claims`). Every other guard calls it. A bad requirement throws `TypeError` at start-up.
 * @example router.post('/v1/fonts', requireToken({ token: 'user', scopes: ['create:webfonts:kit'] }), createKit);
 */
export function requireToken(requirement: Requirement, given: GuardOptions | Verifier = {}): Middleware {
  const options = guardOptions<GuardOptions>(given);
  checkAdapterOptions(options, GUARD_OPTION_NAMES, 'guard options');
  const compiled = compileRequirement(requirement);
  const gate = createKoaGate(options.source);
  return function tokengateGuard(ctx: Context, next: Next): Promise<void> {
    return guardRequest(ctx, next, gate, compiled, options);
  };
}

/**
 * Require a user token (authorization_code / refresh_token flows); client tokens get 403 `invalid_token_type`.
 * @example app.use(requireUserToken());
 */
export function requireUserToken(options?: GuardOptions | Verifier): Middleware {
  return requireToken({ token: 'user' }, options);
}

/**
 * Require a client token (client_credentials flow); user tokens get 403 `invalid_token_type`.
 * @example router.post('/internal/sync', requireClientToken(), sync);
 */
export function requireClientToken(options?: GuardOptions | Verifier): Middleware {
  return requireToken({ token: 'client' }, options);
}

/**
 * Require every one of the scopes (403 `insufficient_scope` naming the missing ones). A trailing
 * options object is accepted.
 * @example router.get('/v1/fonts', requireScopes('read:font:data'), listFonts);
 */
export function requireScopes(...scopes: (string | readonly string[])[]): Middleware;
export function requireScopes(...args: [...scopes: (string | readonly string[])[], options: GuardOptions]): Middleware;
export function requireScopes(...args: (string | readonly string[] | GuardOptions | Verifier)[]): Middleware {
  const { items, options } = splitGuardArguments<string, GuardOptions>('requireScopes', args as (string | readonly string[] | GuardOptions)[]);
  return requireToken({ scopes: items }, options);
}

/**
 * Require at least one of the scopes. A trailing options object is accepted.
 * @example router.get('/v1/reports', requireAnyScope('reports:read', 'admin'), listReports);
 */
export function requireAnyScope(...scopes: (string | readonly string[])[]): Middleware;
export function requireAnyScope(...args: [...scopes: (string | readonly string[])[], options: GuardOptions]): Middleware;
export function requireAnyScope(...args: (string | readonly string[] | GuardOptions | Verifier)[]): Middleware {
  const { items, options } = splitGuardArguments<string, GuardOptions>('requireAnyScope', args as (string | readonly string[] | GuardOptions)[]);
  return requireToken({ anyScopes: items }, options);
}

/**
 * Require every claim predicate to hold (401 `invalid_token` otherwise). A trailing options
 * object is accepted.
 * @example router.get('/v1/tenant', requireClaims(claimEquals('tenant', 'acme')), showTenant);
 */
export function requireClaims(...predicates: ClaimPredicate[]): Middleware;
export function requireClaims(...args: [...predicates: ClaimPredicate[], options: GuardOptions]): Middleware;
export function requireClaims(...args: (ClaimPredicate | GuardOptions | Verifier)[]): Middleware {
  const { items, options } = splitGuardArguments<ClaimPredicate, GuardOptions>('requireClaims', args as (ClaimPredicate | GuardOptions)[]);
  return requireToken({ claims: items }, options);
}

/**
 * One table of path patterns to requirements, first match wins, matched on `ctx.method` and
 * `ctx.path` read as routers route it (decoded, see `routePath`). `public` rows skip
 * authentication; unmatched requests get 403 `access_denied` without any token check (unless
 * `unmatched` says otherwise); a path routers read differently (`%2F`, dot segments, `//`) gets 400.
 * @example
 * app.use(routePolicy([
 *   { path: '/health', public: true },
 *   { path: '/v1/file/*', token: 'user' },
 *   { path: '/v1/publisher/jobs*', token: 'any' },
 * ]));
 */
export function routePolicy(rules: readonly RouteRule[], options: RoutePolicyOptions & GuardOptions = {}): Middleware {
  checkAdapterOptions(options, ROUTE_POLICY_OPTION_NAMES, 'routePolicy() options');
  const policy = compileRoutePolicy(rules, options);
  const gate = createKoaGate(options.source);
  return async function tokengateRoutePolicy(ctx: Context, next: Next): Promise<void> {
    let decision: RouteDecision;
    try {
      decision = policy.match(ctx.method, ctx.path);
    } catch (error) {
      return rejectRequest(ctx, gate, error, options);
    }
    if (decision.kind === 'deny') return rejectRequest(ctx, gate, routeDeniedError(), options);
    if (decision.kind === 'public') return next();
    return guardRequest(ctx, next, gate, decision.requirement, options);
  };
}
