import Fastify, { type FastifyContextConfig, type FastifyReply, type FastifyRequest, type onRequestAsyncHookHandler, type preHandlerAsyncHookHandler } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import tokengate, {
  auth,
  requireScopes,
  requireUserToken,
  routePolicy,
  type AccessToken,
  type RouteAuthConfig,
  type TokenGateHook,
  type TokenGatePluginOptions,
  type Verifier,
} from '@tokengate/fastify';

describe('types', () => {
  it('types request.auth as AccessToken | undefined without casts, like req.auth and ctx.state.auth', () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<AccessToken | undefined>();
    const app = Fastify();
    app.get<{ Params: { id: string } }>('/files/:id', { onRequest: requireUserToken() }, async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<AccessToken | undefined>();
      expectTypeOf(request.auth?.scopes).toEqualTypeOf<readonly string[] | undefined>();
      return request.params.id;
    });
  });

  it('types config.tokengate on routes', () => {
    expectTypeOf<FastifyRequest['routeOptions']['config']['tokengate']>().toEqualTypeOf<false | RouteAuthConfig | undefined>();
    const app = Fastify();
    app.get('/a', { config: { tokengate: false } }, async () => 'ok');
    app.get('/b', { config: { tokengate: { token: 'user', scopes: ['x'], anyScopes: ['y'], optional: true } } }, async () => 'ok');
    expectTypeOf<{ tokengate: { token: 'robot' } }>().not.toExtend<FastifyContextConfig>();
    expectTypeOf<{ tokengate: true }>().not.toExtend<FastifyContextConfig>();
    expectTypeOf<{ tokengate: { optional: true; claims: [] } }>().toExtend<FastifyContextConfig>();
  });

  it('types the plugin options', () => {
    expectTypeOf<{ issuer: string; audience: string; optional: true }>().toExtend<TokenGatePluginOptions>();
    expectTypeOf<{ verifier: Verifier; errors: 'delegate' }>().toExtend<TokenGatePluginOptions>();
    expectTypeOf<Record<never, never>>().toExtend<TokenGatePluginOptions>();
    expectTypeOf<{ errors: 'loud' }>().not.toExtend<TokenGatePluginOptions>();
    const app = Fastify();
    void app.register(tokengate, { issuer: 'https://auth.example.com/', audience: 'api', formatProblem: (problem) => problem.detail });
  });

  it('makes hooks usable in onRequest and preHandler', () => {
    expectTypeOf(auth()).toEqualTypeOf<TokenGateHook>();
    expectTypeOf<TokenGateHook>().parameters.toEqualTypeOf<[FastifyRequest, FastifyReply]>();
    expectTypeOf(requireScopes('a')).toExtend<onRequestAsyncHookHandler>();
    expectTypeOf(routePolicy([{ path: '/a', token: 'any' }])).toExtend<preHandlerAsyncHookHandler>();
    const app = Fastify();
    app.addHook('onRequest', routePolicy([{ path: '/*', token: 'user' }]));
    app.addHook('preHandler', requireScopes('a'));
    app.post('/x', { onRequest: [auth()], preHandler: [requireScopes('a'), requireUserToken()] }, async () => 'ok');
  });
});
