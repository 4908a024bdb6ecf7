import Koa, { type Context, type Middleware, type Next } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import {
  auth,
  claimEquals,
  requireAnyScope,
  requireClaims,
  requireClientToken,
  requireScopes,
  requireToken,
  requireUserToken,
  routePolicy,
  type TokenGateError,
  type AccessToken,
  type AuthOptions,
  type GuardOptions,
  type ProblemDetails,
} from '@tokengate/koa';

describe('types', () => {
  it('types ctx.state.auth as AccessToken | undefined without casts', () => {
    expectTypeOf<Context['state']['auth']>().toEqualTypeOf<AccessToken | undefined>();
    const app = new Koa();
    app.use(auth({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' }));
    app.use(function handler(ctx) {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AccessToken | undefined>();
      expectTypeOf(ctx.state.auth?.scopes).toEqualTypeOf<readonly string[] | undefined>();
      expectTypeOf(ctx.state.auth?.type).toEqualTypeOf<'user' | 'client' | undefined>();
    });
  });

  it('returns Koa middleware from every factory', () => {
    expectTypeOf(auth()).toEqualTypeOf<Middleware>();
    expectTypeOf(requireToken({ token: 'user' })).toEqualTypeOf<Middleware>();
    expectTypeOf(requireUserToken()).toEqualTypeOf<Middleware>();
    expectTypeOf(requireClientToken({ errors: 'delegate' })).toEqualTypeOf<Middleware>();
    expectTypeOf(requireScopes('a', 'b')).toEqualTypeOf<Middleware>();
    expectTypeOf(requireAnyScope('a', { source: { issuer: 'https://a.example/', audience: 'b' } })).toEqualTypeOf<Middleware>();
    expectTypeOf(requireClaims(claimEquals('tenant', 'acme'), { optional: false })).toEqualTypeOf<Middleware>();
    expectTypeOf(routePolicy([{ path: '/v1/file/*', token: 'user' }], { unmatched: 'deny' })).toEqualTypeOf<Middleware>();
    expectTypeOf<ReturnType<typeof auth>>().toMatchTypeOf<(ctx: Context, next: Next) => unknown>();
  });

  it('types the options', () => {
    expectTypeOf<AuthOptions['errors']>().toEqualTypeOf<'respond' | 'delegate' | undefined>();
    expectTypeOf<NonNullable<AuthOptions['formatProblem']>>().parameters.toEqualTypeOf<[ProblemDetails, TokenGateError]>();
    expectTypeOf<GuardOptions>().toMatchTypeOf<AuthOptions>();
    // Type-level only: never called.
    const misuses = [
      // @ts-expect-error the options object comes last
      () => requireScopes({ errors: 'delegate' }, 'a'),
      // @ts-expect-error scopes are strings
      () => requireAnyScope(1),
      // @ts-expect-error unknown token type
      () => requireToken({ token: 'robot' }),
      // @ts-expect-error unknown errors mode
      () => auth(undefined, { errors: 'log' }),
    ];
    expectTypeOf(misuses).items.returns.toEqualTypeOf<Middleware>();
  });
});
