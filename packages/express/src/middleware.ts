/**
 * The factories: `auth()`, the guards and `routePolicy()`. Core's adapter kit does the work;
 * this file turns its steps into Express middleware.
 */
import { createAdapterKit, createGuardFamily, createMetadataResponder, ownMember, responseHeaders, type AuthOptions, type GuardOptions, type Prepared, type RouteStep, type RouterBehaviour, type StepInput } from '@tokengate/core/adapter';
import type { AccessToken, RateLimitOptions, Requirement, RoutePolicyOptions, RouteRule, TokenGateError, Verifier, VerifierOptions } from '@tokengate/core';
import { answer, ExpressContext, type ExpressRequestLike, type ExpressResponseLike, type NextFunction, type TokenGateMiddleware } from './respond.js';

const kit = createAdapterKit({ environment: process.env, log: (line) => console.error(line) });

/** Run a step: attach its token as `req.auth` and go on, or answer its failure. Nothing escapes to Express 4 as a rejection. */
function run(prepared: Prepared<unknown>, result: Promise<AccessToken | undefined>, req: ExpressRequestLike, res: ExpressResponseLike, next: NextFunction): void {
  result
    .then(
      (token) => {
        if (token !== undefined) req.auth = token;
        const headers = responseHeaders(req);
        if (headers !== undefined) for (const name in headers) res.setHeader(name, headers[name] as string);
        next();
      },
      (failure: TokenGateError) => answer(failure, res, next, prepared),
    )
    .catch(next);
}

function stepInput(req: ExpressRequestLike): StepInput {
  return { request: req, context: new ExpressContext(req), current: ownMember(req, 'auth') };
}

/**
 * Middleware that verifies the request's bearer token and attaches it as `req.auth`. Without
 * `source`, `TOKENGATE_ISSUER`, `TOKENGATE_AUDIENCE` and the optional `TOKENGATE_JWKS_URI`
 * configure it (when those are missing every request gets a 500 problem, logged once).
 * @example
 * app.use(auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 * app.get('/me', (req, res) => res.json({ sub: req.auth?.subject }));
 */
export function auth(source?: VerifierOptions | Verifier, options?: AuthOptions): TokenGateMiddleware {
  const prepared = kit.auth(source, options);
  return function tokengateAuth(req, res, next) {
    run(prepared, prepared.step(stepInput(req)), req, res, next);
  };
}

/**
 * Middleware that lets a request through only when its token meets `requirement`: token type
 * (403 `invalid_token_type`), all of `scopes` and one of `anyScopes` (403 `insufficient_scope`),
 * then claim predicates (401 `invalid_token`). Attaches the token as `req.auth`.
 * @example app.post('/v1/kits', requireToken({ token: 'user', scopes: ['create:webfonts:kit'] }), createKit);
 */
export function requireToken(requirement: Requirement, options?: GuardOptions | Verifier): TokenGateMiddleware {
  const prepared = kit.guard(requirement, options);
  return function tokengateGuard(req, res, next) {
    run(prepared, prepared.step(stepInput(req)), req, res, next);
  };
}

/**
 * Per-client rate limit: `points` requests per `duration` seconds for each client (`key`), counted
 * across instances with a shared `store`. Past it, 429 `rate_limited` with `Retry-After`; every
 * answer carries `RateLimit-Policy` and `RateLimit`.
 * @example app.use('/v1', auth(verifier), rateLimit({ points: 100, duration: 60, store: redisStore(client) }));
 */
export function rateLimit(options: RateLimitOptions): TokenGateMiddleware {
  const prepared = kit.rateLimit(options);
  return function tokengateRateLimit(req, res, next) {
    run(prepared, prepared.step(stepInput(req)), req, res, next);
  };
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
 * ]));
 */
export function routePolicy(rules: readonly RouteRule[], options?: RoutePolicyOptions & GuardOptions): TokenGateMiddleware {
  const prepared: Prepared<RouteStep> = kit.routePolicy(rules, options);
  return function tokengateRoutePolicy(req, res, next) {
    run(prepared, prepared.step(stepInput(req), req.originalUrl, routerOf(req)), req, res, next);
  };
}

/**
 * Serve this API's protected-resource metadata (RFC 9728) without authentication, at the
 * path-inserted location and the root form, for a verifier configured with `resource`. Mount it
 * before `auth()`; other requests pass on.
 * @example app.use(protectedResourceMetadata(verifier)); app.use('/mcp', auth(verifier));
 */
export function protectedResourceMetadata(source: VerifierOptions | Verifier): TokenGateMiddleware {
  const { options } = kit.verifier(source);
  if (options.resource === undefined) throw new TypeError('protectedResourceMetadata() needs a verifier with the "resource" option');
  const respond = createMetadataResponder(options);
  return function tokengateMetadata(req, res, next) {
    const target = req.originalUrl;
    const end = target.search(/[?#]/);
    const response = respond(req.method, end < 0 ? target : target.slice(0, end));
    if (response === undefined) return next();
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    res.end(response.body ?? '');
  };
}

/** The guards every adapter has: see `GuardFamily`. */
export const { requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication } = createGuardFamily<TokenGateMiddleware, GuardOptions>(requireToken);
