/**
 * Guards and route policies: hooks for `onRequest` or `preHandler` that reuse the token the
 * plugin or `auth()` attached, or authenticate by themselves, and check a requirement.
 */
import {
  compileRequirement,
  compileRoutePolicy,
  routeDeniedError,
  guardOptions,
  GUARD_OPTION_NAMES,
  ROUTE_POLICY_OPTION_NAMES,
  splitGuardArguments,
  type ClaimPredicate,
  type CompiledRequirement,
  type Requirement,
  type RouteDecision,
  type RouteRule,
  type RouterBehaviour,
  type RoutePolicyOptions,
  type Verifier,
} from '@tokengate/core';
import type { FastifyRequest } from 'fastify';
import { authenticateRequest, failRequest, hookSettings, type GuardOptions, type TokenGateHook } from './respond.js';

/**
 * A hook requiring a token that meets `requirement` (token type, scopes, claims). Every other
 * guard is this one with a fixed requirement. A request is verified once, however many guards it meets.
 * @example app.get('/reports', { preHandler: requireToken({ token: 'user', anyScopes: ['reports:read', 'admin'] }) }, handler);
 */
export function requireToken(requirement: Requirement, given: GuardOptions | Verifier = {}): TokenGateHook {
  const options = guardOptions<GuardOptions>(given);
  const compiled: CompiledRequirement = compileRequirement(requirement);
  const settings = hookSettings(options.source, options, GUARD_OPTION_NAMES, 'guard options');
  return function tokengateGuard(request, reply) {
    return authenticateRequest(settings, request, reply, compiled);
  };
}

/**
 * A hook requiring a user token (authorization_code / refresh_token flows): a client token gets 403 `invalid_token_type`.
 * @example app.get('/me', { onRequest: requireUserToken() }, async (request) => request.auth?.subject);
 */
export function requireUserToken(options?: GuardOptions | Verifier): TokenGateHook {
  return requireToken({ token: 'user' }, options);
}

/**
 * A hook requiring a client token (client_credentials flow): a user token gets 403 `invalid_token_type`.
 * @example app.post('/jobs', { preHandler: [requireClientToken()] }, handler);
 */
export function requireClientToken(options?: GuardOptions | Verifier): TokenGateHook {
  return requireToken({ token: 'client' }, options);
}

/**
 * A hook requiring every one of `scopes` (403 `insufficient_scope` naming the missing ones),
 * optionally followed by `GuardOptions`.
 * @example app.delete('/files/:id', { preHandler: [requireScopes('files:read', 'files:delete')] }, handler);
 */
export function requireScopes(...scopes: (string | readonly string[])[]): TokenGateHook;
export function requireScopes(...args: [...scopes: (string | readonly string[])[], options: GuardOptions]): TokenGateHook;
export function requireScopes(...args: (string | readonly string[] | GuardOptions | Verifier)[]): TokenGateHook {
  const { items, options } = splitGuardArguments<string, GuardOptions>('requireScopes', args as (string | readonly string[] | GuardOptions)[]);
  return requireToken({ scopes: items }, options);
}

/**
 * A hook requiring at least one of `scopes`, optionally followed by `GuardOptions`.
 * @example app.get('/files', { onRequest: requireAnyScope('files:read', 'admin', { errors: 'delegate' }) }, handler);
 */
export function requireAnyScope(...scopes: (string | readonly string[])[]): TokenGateHook;
export function requireAnyScope(...args: [...scopes: (string | readonly string[])[], options: GuardOptions]): TokenGateHook;
export function requireAnyScope(...args: (string | readonly string[] | GuardOptions | Verifier)[]): TokenGateHook {
  const { items, options } = splitGuardArguments<string, GuardOptions>('requireAnyScope', args as (string | readonly string[] | GuardOptions)[]);
  return requireToken({ anyScopes: items }, options);
}

/**
 * A hook requiring every claim predicate to hold (401 `invalid_token` otherwise), optionally
 * followed by `GuardOptions`.
 * @example app.get('/org', { onRequest: requireClaims(claimEquals('org_id', 'org_123'), claimIncludes('roles', 'admin')) }, handler);
 */
export function requireClaims(...predicates: ClaimPredicate[]): TokenGateHook;
export function requireClaims(...args: [...predicates: ClaimPredicate[], options: GuardOptions]): TokenGateHook;
export function requireClaims(...args: (ClaimPredicate | GuardOptions | Verifier)[]): TokenGateHook {
  const { items, options } = splitGuardArguments<ClaimPredicate, GuardOptions>('requireClaims', args as (ClaimPredicate | GuardOptions)[]);
  return requireToken({ claims: items }, options);
}

/** Read once per Fastify application: its configuration does not change after start. */
const routers = new WeakMap<object, RouterBehaviour>();

/** What this Fastify instance's router does with paths (`routerOptions`, or the older top-level options). */
function routerOf(request: FastifyRequest): RouterBehaviour {
  const config = request.server.initialConfig as FastifyRouterConfig;
  let behaviour = routers.get(config);
  if (behaviour === undefined) {
    const router = config.routerOptions ?? {};
    behaviour = Object.freeze({
      caseSensitive: router.caseSensitive ?? config.caseSensitive ?? true,
      ignoreDuplicateSlashes: router.ignoreDuplicateSlashes ?? config.ignoreDuplicateSlashes ?? false,
      useSemicolonDelimiter: router.useSemicolonDelimiter ?? config.useSemicolonDelimiter ?? false,
    });
    routers.set(config, behaviour);
  }
  return behaviour;
}

interface FastifyRouterSettings {
  readonly caseSensitive?: boolean;
  readonly ignoreDuplicateSlashes?: boolean;
  readonly useSemicolonDelimiter?: boolean;
}

type FastifyRouterConfig = FastifyRouterSettings & { readonly routerOptions?: FastifyRouterSettings };

/**
 * A gateway-style policy hook: the first matching rule decides. Denied requests get 403
 * `access_denied` without any verification, public ones pass untouched, protected ones are
 * authenticated and checked (or pass without credentials with `optional`). Matched on the path
 * Fastify routes: `request.url` decoded, without the query, read with the instance's
 * `ignoreDuplicateSlashes`, `useSemicolonDelimiter` and `caseSensitive` (see `routePath`); a
 * target routers read differently (`%2F`, dot segments) gets 400. Rules compiled once.
 * @example
 * app.addHook('onRequest', routePolicy([
 *   { path: '/health', public: true },
 *   { path: '/v1/file/*', token: 'user' },
 *   { path: '/v1/publisher/jobs*', token: 'any' },
 * ]));
 */
export function routePolicy(rules: readonly RouteRule[], options: RoutePolicyOptions & GuardOptions = {}): TokenGateHook {
  const settings = hookSettings(options.source, options, ROUTE_POLICY_OPTION_NAMES, 'routePolicy() options');
  const policy = compileRoutePolicy(rules, options);
  return async function tokengateRoutePolicy(request, reply) {
    let decision: RouteDecision;
    try {
      decision = policy.match(request.method, request.url, routerOf(request));
    } catch (error) {
      return failRequest(settings, request, reply, error);
    }
    if (decision.kind === 'public') return undefined;
    if (decision.kind === 'deny') return failRequest(settings, request, reply, routeDeniedError());
    return authenticateRequest(settings, request, reply, decision.requirement);
  };
}
