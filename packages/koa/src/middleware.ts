/**
 * The factories: `auth()`, the guards and `routePolicy()`. Core's adapter kit does the work;
 * this file turns its steps into Koa middleware that put the token on `ctx.state.auth`.
 */
import type { Context, Middleware, Next } from 'koa';
import { createAdapterKit, createGuardFamily, createMetadataResponder, ownMember, responseHeaders, type AuthOptions, type GuardOptions, type Prepared, type StepInput } from '@tokengate/core/adapter';
import type { AccessToken, RateLimitOptions, Requirement, RoutePolicyOptions, RouteRule, TokenGateError, Verifier, VerifierOptions } from '@tokengate/core';
import { answer, KoaContext } from './respond.js';

declare module 'koa' {
  interface DefaultState {
    /** The verified access token, set by `auth()`, the guards and `routePolicy()`. */
    auth?: AccessToken;
  }
}

const kit = createAdapterKit({ environment: process.env, log: (line) => console.error(line) });

function stepInput(ctx: Context): StepInput {
  return { request: ctx, context: new KoaContext(ctx), current: ownMember(ctx.state, 'auth') };
}

/** Wait for a step: put its token on `ctx.state.auth` and run `next`, or answer its failure (`next` does not run). */
async function run(ctx: Context, next: Next, prepared: Prepared<unknown>, result: Promise<AccessToken | undefined>): Promise<void> {
  let token: AccessToken | undefined;
  try {
    token = await result;
  } catch (failure) {
    return answer(ctx, failure as TokenGateError, prepared);
  }
  if (token !== undefined) ctx.state.auth = token;
  const headers = responseHeaders(ctx);
  if (headers !== undefined) ctx.set(headers);
  await next();
}

/**
 * Authenticate every request with a bearer access token and attach it as `ctx.state.auth`.
 * Without `source` the `TOKENGATE_ISSUER`, `TOKENGATE_AUDIENCE` and optional
 * `TOKENGATE_JWKS_URI` environment variables configure it.
 * @example
 * app.use(auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
 * app.use((ctx) => { ctx.body = { user: ctx.state.auth?.subject } });
 */
export function auth(source?: VerifierOptions | Verifier, options?: AuthOptions): Middleware {
  const prepared = kit.auth(source, options);
  return function tokengateAuth(ctx: Context, next: Next): Promise<void> {
    return run(ctx, next, prepared, prepared.step(stepInput(ctx)));
  };
}

/**
 * Per-client rate limit: `points` per `duration` seconds for each client, shared across instances
 * with a shared `store`; past it 429 `rate_limited`. Answers carry `RateLimit-Policy` / `RateLimit`.
 * @example router.use(rateLimit({ points: 100, duration: 60 }));
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const prepared = kit.rateLimit(options);
  return (ctx: Context, next: Next): Promise<void> => run(ctx, next, prepared, prepared.step(stepInput(ctx)));
}

/**
 * Require a verified token that meets `requirement` (type, all of `scopes`, one of `anyScopes`,
 * `claims`). Every other guard calls it. A bad requirement throws `TypeError` at start-up.
 * @example router.post('/v1/fonts', requireToken({ token: 'user', scopes: ['create:webfonts:kit'] }), createKit);
 */
export function requireToken(requirement: Requirement, options?: GuardOptions | Verifier): Middleware {
  const prepared = kit.guard(requirement, options);
  return function tokengateGuard(ctx: Context, next: Next): Promise<void> {
    return run(ctx, next, prepared, prepared.step(stepInput(ctx)));
  };
}

/**
 * One table of path patterns to requirements, first match wins, matched on `ctx.method` and
 * `ctx.path` read as routers route it (decoded, see `routePath`). `public` rows skip
 * authentication; unmatched requests get 403 `access_denied` without any token check (unless
 * `unmatched` says otherwise); a path routers read differently (`%2F`, dot segments, `//`) gets 400.
 * @example app.use(routePolicy([{ path: '/health', public: true }, { path: '/v1/file/*', token: 'user' }]));
 */
export function routePolicy(rules: readonly RouteRule[], options?: RoutePolicyOptions & GuardOptions): Middleware {
  const prepared = kit.routePolicy(rules, options);
  return function tokengateRoutePolicy(ctx: Context, next: Next): Promise<void> {
    return run(ctx, next, prepared, prepared.step(stepInput(ctx), ctx.path));
  };
}

/**
 * Serve this API's protected-resource metadata (RFC 9728) without authentication, at the
 * path-inserted location and the root form, for a verifier configured with `resource`. Use it
 * before `auth()`; other requests pass on.
 * @example app.use(protectedResourceMetadata(verifier)); app.use(auth(verifier));
 */
export function protectedResourceMetadata(source: VerifierOptions | Verifier): Middleware {
  const { options } = kit.verifier(source);
  if (options.resource === undefined) throw new TypeError('protectedResourceMetadata() needs a verifier with the "resource" option');
  const respond = createMetadataResponder(options);
  return async function tokengateMetadata(ctx: Context, next: Next): Promise<void> {
    const response = respond(ctx.method, ctx.URL.pathname);
    if (response === undefined) return next();
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body ?? '';
  };
}

/** The guards every adapter has: see `GuardFamily`. */
export const { requireUserToken, requireClientToken, requireScopes, requireAnyScope, requireClaims, requireAuthentication } = createGuardFamily<Middleware, GuardOptions>(requireToken);
