/**
 * Guards (token type, scopes, claims) and gateway-style route policies. Each uses the token
 * `auth()` attached, or authenticates by itself, so one verification serves every guard.
 */
import {
  compileRequirement,
  compileRoutePolicy,
  routeDeniedError,
  guardOptions,
  GUARD_OPTION_NAMES,
  ROUTE_POLICY_OPTION_NAMES,
  splitGuardArguments,
  type AdoptForeignAuth,
  type ClaimPredicate,
  type CompiledRequirement,
  type Gate,
  type Requirement,
  type RouteDecision,
  type RouterBehaviour,
  type RoutePolicyOptions,
  type RouteRule,
  type Verifier,
  type VerifierOptions,
} from '@tokengate/core';
import { authorizeKnown, authorizeRequest, gateFor, gateOf, runStep, type Step } from './auth.js';
import { checkOptions, sendFailure, type AuthOptions, type ExpressRequestLike, type ExpressResponseLike, type NextFunction, type TokenGateMiddleware } from './respond.js';

/**
 * Options of the guards and `routePolicy()`: the `auth()` options plus where to verify tokens
 * from when no `auth()` ran before (default: the environment).
 * @example
 * app.use(requireUserToken({ source: { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' } }));
 */
export type GuardOptions = AuthOptions & {
  /** Verifier options or a verifier, used when the request has no token yet. */
  readonly source?: VerifierOptions | Verifier;
  /**
   * Reuse another library's object on `req.auth` (express-jwt and express-oauth2-jwt-bearer use
   * that name too) by mapping it to an `AccessToken` you vouch for. Without it only tokens
   * tokengate verified are reused; any other `req.auth` is ignored and the request is verified.
   */
  readonly adoptForeignAuth?: AdoptForeignAuth;
};

/**
 * The step of a guard (or of one route-policy row): reuse or verify the request's token, then
 * check `requirement`.
 */
function guardStep(gate: Gate, options: GuardOptions, requirement: CompiledRequirement): Step {
  const optional = options.optional === true;
  const ownSource = options.source !== undefined;
  return {
    gate,
    options,
    run: (req) => authorizeRequest(gateOf(req, gate, ownSource), req, requirement, optional, options.adoptForeignAuth),
    runSync: (req) => authorizeKnown(gateOf(req, gate, ownSource), req, requirement, options.adoptForeignAuth),
  };
}

/**
 * Middleware that lets a request through only when its token meets `requirement`: token type
 * (403 `invalid_token_type`), all of `scopes` and one of `anyScopes` (403 `insufficient_scope`),
 * then claim predicates (401 `invalid_token`). Attaches the token as `req.auth`.
 * @example
 * app.post('/v1/kits', requireToken({ token: 'user', scopes: ['create:webfonts:kit'] }), createKit);
 */
export function requireToken(requirement: Requirement, given: GuardOptions | Verifier = {}): TokenGateMiddleware {
  const options = guardOptions<GuardOptions>(given);
  checkOptions(options, GUARD_OPTION_NAMES, 'guard options');
  const step = guardStep(gateFor(options.source), options, compileRequirement(requirement));
  return function tokengateGuard(req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction): void {
    runStep(step, req, res, next);
  };
}

/**
 * Only user tokens (authorization_code, refresh_token); a client token gets 403 `invalid_token_type`.
 * @example app.use('/v1/identity', requireUserToken());
 */
export function requireUserToken(options?: GuardOptions | Verifier): TokenGateMiddleware {
  return requireToken({ token: 'user' }, options);
}

/**
 * Only client tokens (client_credentials); a user token gets 403 `invalid_token_type`.
 * @example app.post('/internal/reindex', requireClientToken(), reindex);
 */
export function requireClientToken(options?: GuardOptions | Verifier): TokenGateMiddleware {
  return requireToken({ token: 'client' }, options);
}

/**
 * Every listed scope (each argument may itself be a space-separated list), optionally followed
 * by `GuardOptions`.
 * @example app.get('/v1/fonts', requireScopes('read:font:data'), listFonts);
 */
export function requireScopes(...scopes: (string | readonly string[])[]): TokenGateMiddleware;
export function requireScopes(...args: [...scopes: (string | readonly string[])[], options: GuardOptions]): TokenGateMiddleware;
export function requireScopes(...args: (string | readonly string[] | GuardOptions | Verifier)[]): TokenGateMiddleware {
  const { items, options } = splitGuardArguments<string, GuardOptions>('requireScopes', args as (string | readonly string[] | GuardOptions)[]);
  return requireToken({ scopes: items }, options);
}

/**
 * At least one of the listed scopes, optionally followed by `GuardOptions`.
 * @example app.get('/v1/reports', requireAnyScope('reports:read', 'admin', { errors: 'delegate' }), listReports);
 */
export function requireAnyScope(...scopes: (string | readonly string[])[]): TokenGateMiddleware;
export function requireAnyScope(...args: [...scopes: (string | readonly string[])[], options: GuardOptions]): TokenGateMiddleware;
export function requireAnyScope(...args: (string | readonly string[] | GuardOptions | Verifier)[]): TokenGateMiddleware {
  const { items, options } = splitGuardArguments<string, GuardOptions>('requireAnyScope', args as (string | readonly string[] | GuardOptions)[]);
  return requireToken({ anyScopes: items }, options);
}

/**
 * Every claim predicate must hold (`claimEquals`, `claimIncludes`, `claimCheck`), otherwise 401
 * `invalid_token`; optionally followed by `GuardOptions`.
 * @example app.use('/v1/org', requireClaims(claimEquals('org_id', 'org_123')));
 */
export function requireClaims(...predicates: ClaimPredicate[]): TokenGateMiddleware;
export function requireClaims(...args: [...predicates: ClaimPredicate[], options: GuardOptions]): TokenGateMiddleware;
export function requireClaims(...args: (ClaimPredicate | GuardOptions | Verifier)[]): TokenGateMiddleware {
  const { items, options } = splitGuardArguments<ClaimPredicate, GuardOptions>('requireClaims', args as (ClaimPredicate | GuardOptions)[]);
  return requireToken({ claims: items }, options);
}

/** What Express's router says of its paths: case-insensitive unless the app enabled `case sensitive routing`. */
function routerOf(req: ExpressRequestLike): RouterBehaviour {
  return { caseSensitive: req.app?.enabled?.('case sensitive routing') === true };
}

/**
 * One declarative table of routes, first match wins, matched against the full path as Express
 * routes it (`req.originalUrl`, decoded, without the query; see `routePath`). `public` rows need
 * no token; unmatched requests get 403 `access_denied` without any token verification (see
 * `unmatched`); a target routers read differently (`%2F`, dot segments, `//`) gets 400.
 * @example
 * app.use(routePolicy([
 *   { path: '/health', public: true },
 *   { path: '/v1/file/*', token: 'user' },
 *   { path: '/v1/publisher/jobs*', token: 'any' },
 * ]));
 */
export function routePolicy(rules: readonly RouteRule[], options: RoutePolicyOptions & GuardOptions = {}): TokenGateMiddleware {
  checkOptions(options, ROUTE_POLICY_OPTION_NAMES, 'routePolicy() options');
  const policy = compileRoutePolicy(rules, options);
  const gate = gateFor(options.source);
  /** One step per requirement of the table, made on first use (the table is fixed). */
  const steps = new Map<CompiledRequirement, Step>();
  function stepFor(requirement: CompiledRequirement): Step {
    let step = steps.get(requirement);
    if (step === undefined) {
      step = guardStep(gate, options, requirement);
      steps.set(requirement, step);
    }
    return step;
  }
  return function tokengateRoutePolicy(req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction): void {
    let decision: RouteDecision;
    try {
      decision = policy.match(req.method, req.originalUrl, routerOf(req));
    } catch (error) {
      sendFailure(gate.fail(req, error), res, next, options);
      return;
    }
    if (decision.kind === 'public') return next();
    if (decision.kind === 'deny') return sendFailure(gate.fail(req, routeDeniedError()), res, next, options);
    runStep(stepFor(decision.requirement), req, res, next);
  };
}
