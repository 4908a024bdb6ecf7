/**
 * The types `@tokengate/web` gives applications: `check` answers a token or a `Response`, a
 * `withAuth` handler gets the request and the token (then whatever the runtime passes), and
 * `routePolicy` adds `undefined` for public rows.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { createWebGate, type AccessToken, type AuthenticatedHandler, type OptionallyAuthenticatedHandler, type RouteRule, type WebGate, type WebRequirement } from '@tokengate/web';

const gate = createWebGate({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com' });

describe('WebGate', () => {
  it('check: Promise<AccessToken | Response>, and undefined too only with optional: true', () => {
    expectTypeOf(createWebGate).returns.toEqualTypeOf<WebGate>();
    const request = new Request('http://api.test/');
    // Type-level only: never called.
    const _answers = () => ({
      plain: gate.check(request),
      required: gate.check(request, { scopes: ['files:read'] }),
      optional: gate.check(request, { optional: true, scopes: ['files:read'] }),
    });
    expectTypeOf<ReturnType<typeof _answers>['plain']>().toEqualTypeOf<Promise<AccessToken | Response>>();
    expectTypeOf<ReturnType<typeof _answers>['required']>().toEqualTypeOf<Promise<AccessToken | Response>>();
    expectTypeOf<ReturnType<typeof _answers>['optional']>().toEqualTypeOf<Promise<AccessToken | Response | undefined>>();
  });

  it('withAuth with optional: true: the handler may get no token', () => {
    const GET = gate.withAuth(
      (_request, auth) => {
        expectTypeOf(auth).toEqualTypeOf<AccessToken | undefined>();
        return Response.json({ sub: auth?.subject ?? null });
      },
      { optional: true },
    );
    expectTypeOf(GET).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf<OptionallyAuthenticatedHandler<[]>>().toEqualTypeOf<(request: Request, auth: AccessToken | undefined) => Response | Promise<Response>>();
  });

  it('withAuth: the handler gets (Request, AccessToken, ...rest); the result takes (Request, ...rest)', () => {
    const GET = gate.withAuth((request, auth) => {
      expectTypeOf(request).toEqualTypeOf<Request>();
      expectTypeOf(auth).toEqualTypeOf<AccessToken>();
      return Response.json({ sub: auth.subject ?? null });
    });
    expectTypeOf(GET).toEqualTypeOf<(request: Request) => Promise<Response>>();
    // A Next.js dynamic route: the route context follows the request.
    const PATCH = gate.withAuth(
      async (_request, auth, context: { params: Promise<{ id: string }> }) => {
        expectTypeOf(auth.scopes).toEqualTypeOf<readonly string[]>();
        return Response.json({ id: (await context.params).id });
      },
      { token: 'user', scopes: ['files:write'] },
    );
    expectTypeOf(PATCH).toEqualTypeOf<(request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>>();
    expectTypeOf<AuthenticatedHandler<[]>>().toEqualTypeOf<(request: Request, auth: AccessToken) => Response | Promise<Response>>();
  });

  it('routePolicy: the token, the Response, or undefined on a public row', () => {
    const rules: RouteRule[] = [{ path: '/health', public: true }];
    expectTypeOf(gate.routePolicy(rules)).toEqualTypeOf<(request: Request) => Promise<AccessToken | Response | undefined>>();
  });

  it('a requirement has what a request must carry, not what a route rule adds', () => {
    expectTypeOf<{ token: 'user'; scopes: string[] }>().toExtend<WebRequirement>();
    // Type-level only: never called.
    const misuses = [
      // @ts-expect-error a route rule's `public` is not a requirement
      () => gate.check(new Request('http://api.test/'), { public: true }),
      // @ts-expect-error unknown token type
      () => gate.withAuth(() => new Response(), { token: 'robot' }),
      // @ts-expect-error the handler must answer a Response
      () => gate.withAuth(() => 'text'),
      // @ts-expect-error optional is true or absent (false would be the default spelled out)
      () => gate.check(new Request('http://api.test/'), { optional: false }),
      // @ts-expect-error createWebGate takes formatProblem only
      () => createWebGate({ issuer: 'https://a.example/', audience: 'b' }, { optional: true }),
    ];
    expectTypeOf(misuses).items.toBeFunction();
  });
});
