/**
 * The types `@tokengate/hono` gives applications: `c.get('auth')` is an `AccessToken` in handlers
 * of a `Hono<TokenGateEnv>` and after tokengate middleware on a plain `Hono`, without casts.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  auth,
  claimEquals,
  rateLimit,
  requireAnyScope,
  requireAuthentication,
  requireClaims,
  requireClientToken,
  requireScopes,
  requireToken,
  requireUserToken,
  routePolicy,
  type AccessToken,
  type AuthOptions,
  type GuardOptions,
  type ProblemDetails,
  type TokenGateEnv,
  type TokenGateError,
  type TokenGateMiddleware,
  type TokenGateVariables,
} from '@tokengate/hono';

const source = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' };

describe("c.get('auth')", () => {
  it('is an AccessToken in every handler of a Hono<TokenGateEnv>', () => {
    expectTypeOf<TokenGateVariables['auth']>().toEqualTypeOf<AccessToken>();
    const app = new Hono<TokenGateEnv>();
    app.use(auth(source));
    app.get('/me', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AccessToken>();
      expectTypeOf(c.var.auth).toEqualTypeOf<AccessToken>();
      expectTypeOf(c.get('auth').scopes).toEqualTypeOf<readonly string[]>();
      expectTypeOf(c.get('auth').type).toEqualTypeOf<'user' | 'client'>();
      return c.json({ sub: c.get('auth').subject ?? null });
    });
    expect(app.routes.map((route) => route.path)).toEqual(['/*', '/me']);
  });

  it('is an AccessToken after tokengate middleware on a plain Hono: in the route, and down a use() chain', () => {
    const app = new Hono();
    app.get('/me', auth(source), (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AccessToken>();
      return c.json({ sub: c.get('auth').subject ?? null });
    });
    app.post('/kits', requireToken({ token: 'user', scopes: ['create:webfonts:kit'] }, { source }), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<AccessToken>();
      return c.json({ owner: c.var.auth.subject ?? null }, 201);
    });
    const chained = new Hono().use(routePolicy([{ path: '/v1/*', token: 'any' }], { source })).get('/v1/me', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<AccessToken>();
      return c.text(c.get('auth').type);
    });
    expect(chained.routes).toHaveLength(2);
  });
});

describe('public signatures', () => {
  it('every factory returns Hono middleware of the tokengate environment', () => {
    expectTypeOf<TokenGateMiddleware>().toEqualTypeOf<MiddlewareHandler<TokenGateEnv>>();
    expectTypeOf(auth).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireToken).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireUserToken).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireClientToken).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireScopes).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireAnyScope).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireClaims).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireAuthentication).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(routePolicy).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(rateLimit).returns.toEqualTypeOf<TokenGateMiddleware>();
    expectTypeOf(requireScopes).toBeCallableWith('read', 'write');
    expectTypeOf(requireScopes).toBeCallableWith('read', { errors: 'delegate' });
    expectTypeOf(requireAnyScope).toBeCallableWith(['read', 'admin'], { source });
    expectTypeOf(requireClaims).toBeCallableWith(claimEquals('org_id', 'org_123'), { optional: true });
  });

  it('types the options', () => {
    expectTypeOf<AuthOptions['errors']>().toEqualTypeOf<'respond' | 'delegate' | undefined>();
    expectTypeOf<NonNullable<AuthOptions['formatProblem']>>().parameters.toEqualTypeOf<[ProblemDetails, TokenGateError]>();
    expectTypeOf<GuardOptions>().toExtend<AuthOptions>();
    // Type-level only: never called.
    const misuses = [
      // @ts-expect-error the options object comes last
      () => requireScopes({ errors: 'delegate' }, 'a'),
      // @ts-expect-error unknown token type
      () => requireToken({ token: 'robot' }),
      // @ts-expect-error unknown errors mode
      () => auth(undefined, { errors: 'log' }),
    ];
    expectTypeOf(misuses).items.returns.toEqualTypeOf<TokenGateMiddleware>();
  });
});
