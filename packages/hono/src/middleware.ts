/**
 * The factories: `auth()`, the guards, `routePolicy()` and `rateLimit()` as Hono middleware. Core's
 * adapter kit does the work; each middleware runs its step, sets `c.get('auth')` and goes on, or
 * answers the failure (a problem `Response`, or an `HTTPException` with `errors: 'delegate'`).
 */
import type { Context, MiddlewareHandler, Next } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AccessToken, RateLimitOptions, Requirement, RoutePolicyOptions, RouteRule, TokenGateError, Verifier, VerifierOptions } from '@tokengate/core';
import { createAdapterKit, createGuardFamily, responseHeaders, type AuthOptions, type GuardOptions, type Prepared, type RouteStep, type StepInput } from '@tokengate/core/adapter';
import { problemResponse, WebRequestContext } from '@tokengate/web';

/** The variables tokengate sets: `c.get('auth')` is the verified token. Use as `new Hono<TokenGateEnv>()`. */
export interface TokenGateVariables {
  auth: AccessToken;
}

/** A Hono environment with tokengate's variables. */
export interface TokenGateEnv {
  Variables: TokenGateVariables;
}

/** tokengate's middleware type. */
export type TokenGateMiddleware = MiddlewareHandler<TokenGateEnv>;

const kit = createAdapterKit({ environment: (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}, log: (line) => console.error(line) });

function stepInput(c: Context<TokenGateEnv>): StepInput {
  return { request: c.req.raw, context: new WebRequestContext(c.req.raw), current: c.get('auth') };
}

/** Wait for a step: set `auth` and run `next`, or answer its failure (`next` does not run). */
async function run(c: Context<TokenGateEnv>, next: Next, prepared: Prepared<unknown>, result: Promise<AccessToken | undefined>): Promise<Response | undefined> {
  let token: AccessToken | undefined;
  try {
    token = await result;
  } catch (failure) {
    const response = problemResponse(failure as TokenGateError, prepared.formatProblem);
    // The message is what logs show of an HTTPException: the failure's description, never empty.
    if (prepared.delegate) throw new HTTPException(response.status as 401, { res: response, cause: failure, message: (failure as TokenGateError).description });
    return response;
  }
  if (token !== undefined) c.set('auth', token);
  const headers = responseHeaders(c.req.raw);
  if (headers !== undefined) for (const name in headers) c.header(name, headers[name] as string);
  await next();
  // A `Response` the handler made itself does not carry headers set before it ran: add those it lacks.
  if (headers !== undefined) for (const name in headers) if (!c.res.headers.has(name)) c.header(name, headers[name] as string);
  return undefined;
}

/**
 * Authenticate every request and set `c.get('auth')`. Without `source`, `TOKENGATE_ISSUER`,
 * `TOKENGATE_AUDIENCE` and the optional `TOKENGATE_JWKS_URI` configure it.
 * @example app.use('/v1/*', auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 */
export function auth(source?: VerifierOptions | Verifier, options?: AuthOptions): TokenGateMiddleware {
  const prepared = kit.auth(source, options);
  return async function tokengateAuth(c, next) {
    return run(c, next, prepared, prepared.step(stepInput(c)));
  };
}

/**
 * Require a token that meets `requirement` (token type, scopes, claims); every guard is this one.
 * @example app.post('/v1/kits', requireToken({ token: 'user', scopes: ['create:webfonts:kit'] }), (c) => c.json({ owner: c.get('auth').subject }));
 */
export function requireToken(requirement: Requirement, options?: GuardOptions | Verifier): TokenGateMiddleware {
  const prepared = kit.guard(requirement, options);
  return async function tokengateGuard(c, next) {
    return run(c, next, prepared, prepared.step(stepInput(c)));
  };
}

/**
 * One route table, first match wins, matched on the request's path; unmatched requests get 403.
 * @example app.use(routePolicy([{ path: '/health', public: true }, { path: '/v1/file/*', token: 'user' }]));
 */
export function routePolicy(rules: readonly RouteRule[], options?: RoutePolicyOptions & GuardOptions): TokenGateMiddleware {
  const prepared: Prepared<RouteStep> = kit.routePolicy(rules, options);
  return async function tokengateRoutePolicy(c, next) {
    const input = stepInput(c);
    return run(c, next, prepared, prepared.step(input, (input.context as WebRequestContext).target));
  };
}

/**
 * Per-client rate limit: `points` per `duration` seconds for each client, shared through `store`; then 429.
 * @example app.use('/v1/*', auth(verifier), rateLimit({ points: 100, duration: 60 }));
 */
export function rateLimit(options: RateLimitOptions): TokenGateMiddleware {
  const prepared = kit.rateLimit(options);
  return async function tokengateRateLimit(c, next) {
    return run(c, next, prepared, prepared.step(stepInput(c)));
  };
}

/** The guards every adapter has: see `GuardFamily`. */
export const { requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication } = createGuardFamily<TokenGateMiddleware, GuardOptions>(requireToken);
