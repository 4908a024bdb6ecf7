/**
 * Route policies decide on the path the router routes. Raw request targets (percent-encoded
 * letters, `%2F`, `%2e%2e`, `//`, `./`, `;params`, absolute-form, case, trailing slash, HEAD) ×
 * the three `unmatched` modes × router options, through every adapter over real HTTP. Every
 * handler names itself in `x-handler`; a response that reached a handler must come from a
 * request whose token that handler's own policy row admits (no bypass), and none is a 500.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import express5 from 'express';
import express4 from 'express4';
import Fastify, { type FastifyServerOptions } from 'fastify';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type RouteRule, type UnmatchedRoutes, type Verifier } from '@tokengate/core';
import * as ex from '@tokengate/express';
import * as fy from '@tokengate/fastify';
import * as ko from '@tokengate/koa';
import { send } from './support/raw-http.js';
import { listen, type Running } from './support/servers.js';

const RULES: readonly RouteRule[] = [
  { path: '/v1/admin/*', token: 'user', scopes: ['admin'] },
  { path: '/health', public: true },
  { path: '/v1/*', token: 'any' },
];

/** Handlers, named by what their own policy row asks for. */
type Handler = 'admin' | 'section' | 'v1' | 'health' | 'other';
type TokenName = 'none' | 'client' | 'user' | 'admin';

/** Whether `token` may reach `handler` under the policy (its route's own row, or `unmatched`). */
function admitted(handler: Handler, section: string | undefined, token: TokenName, unmatched: UnmatchedRoutes): boolean {
  const needsAdmin = handler === 'admin' || (handler === 'section' && section?.toLowerCase() === 'admin');
  if (needsAdmin) return token === 'admin';
  if (handler === 'health') return true;
  if (handler === 'v1' || handler === 'section') return token !== 'none';
  return unmatched === 'public' || (unmatched === 'authenticate' && token !== 'none');
}

type App = Running;


type Reply = { setHeader(name: string, value: string): unknown; end(body: string): unknown };
type ExpressAppLike = {
  (req: never, res: never): void;
  use(handler: unknown): unknown;
  get(path: string, handler: (req: { params: Record<string, string> }, res: Reply) => void): unknown;
};

function answer(res: Reply, handler: Handler, section?: string): void {
  res.setHeader('x-handler', section === undefined ? handler : `${handler}:${encodeURIComponent(section)}`);
  res.end('ok');
}

function expressApp(create: () => ExpressAppLike, splat: string) {
  return (verifier: Verifier, unmatched: UnmatchedRoutes): Promise<App> => {
    const app = create();
    app.use(ex.routePolicy(RULES, { source: verifier, unmatched }));
    app.get('/v1/admin/users', (_req, res) => answer(res, 'admin'));
    app.get('/v1/:section/users', (req, res) => answer(res, 'section', req.params.section));
    app.get(`/v1/${splat}`, (_req, res) => answer(res, 'v1'));
    app.get('/health', (_req, res) => answer(res, 'health'));
    app.get(`/other/${splat}`, (_req, res) => answer(res, 'other'));
    return listen(createServer(app as never));
  };
}

function koaApp(create: () => Koa) {
  return (verifier: Verifier, unmatched: UnmatchedRoutes): Promise<App> => {
    const app = create();
    const router = new Router();
    const reply = (handler: Handler) => (ctx: Koa.Context) => {
      const section = handler === 'section' ? (ctx.params as Record<string, string>).section : undefined;
      ctx.set('x-handler', section === undefined ? handler : `${handler}:${encodeURIComponent(section)}`);
      ctx.body = 'ok';
    };
    router.get('/v1/admin/users', reply('admin'));
    router.get('/v1/:section/users', reply('section'));
    router.get('/v1/{*rest}', reply('v1'));
    router.get('/health', reply('health'));
    router.get('/other/{*rest}', reply('other'));
    app.use(ko.routePolicy(RULES, { source: verifier, unmatched }));
    app.use(router.routes());
    return listen(createServer(app.callback()));
  };
}

function fastifyApp(options: FastifyServerOptions) {
  return async (verifier: Verifier, unmatched: UnmatchedRoutes): Promise<App> => {
    const app = Fastify(options);
    app.addHook('onRequest', fy.routePolicy(RULES, { source: verifier, unmatched }));
    const reply = (handler: Handler) => async (request: { params: unknown }, res: { header(name: string, value: string): unknown }) => {
      const section = handler === 'section' ? (request.params as Record<string, string>).section : undefined;
      res.header('x-handler', section === undefined ? handler : `${handler}:${encodeURIComponent(section)}`);
      return 'ok';
    };
    app.get('/v1/admin/users', reply('admin'));
    app.get('/v1/:section/users', reply('section'));
    app.get('/v1/*', reply('v1'));
    app.get('/health', reply('health'));
    app.get('/other/*', reply('other'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
  };
}

// `useSemicolonDelimiter` is a router option Fastify 5.12 accepts but does not type yet.
const FOLDING = { routerOptions: { ignoreDuplicateSlashes: true, useSemicolonDelimiter: true, ignoreTrailingSlash: true, caseSensitive: false } } as FastifyServerOptions;

const ADAPTERS = [
  ['Express 5', expressApp(express5 as unknown as () => ExpressAppLike, '*splat')],
  ['Express 4', expressApp(express4 as unknown as () => ExpressAppLike, '*')],
  ['Koa 3 + @koa/router', koaApp(() => new Koa())],
  ['Koa 2 + @koa/router', koaApp(() => new Koa2() as unknown as Koa)],
  ['Fastify', fastifyApp({})],
  ['Fastify (ignoreDuplicateSlashes, useSemicolonDelimiter, ignoreTrailingSlash, case-insensitive)', fastifyApp(FOLDING)],
] as const;

const TARGETS: readonly (readonly [method: string, target: string])[] = [
  ['GET', '/v1/admin/users'],
  ['GET', '/v1/%61dmin/users'],
  ['GET', '/v1/%41DMIN/users'],
  ['GET', '/v1/admin/us%65rs'],
  ['GET', '/v1/ADMIN/users'],
  ['GET', '/V1/admin/users'],
  ['GET', '/v1/admin/users/'],
  ['GET', '/v1//admin/users'],
  ['GET', '//v1/admin/users'],
  ['GET', '/v1/admin/users;x'],
  ['GET', '/v1/admin;x/users'],
  ['GET', '/v1/./admin/users'],
  ['GET', '/v1/x/../admin/users'],
  ['GET', '/v1/x/%2e%2e/admin/users'],
  ['GET', '/v1/admin%2Fusers'],
  ['GET', '/v1/%2561dmin/users'],
  ['GET', '/v1/%E0%A4%A/users'],
  ['GET', 'http://x/v1/admin/users'],
  ['GET', 'HTTP://X/v1/%61dmin/users'],
  ['GET', 'http://x/health'],
  ['GET', 'http://x'],
  ['GET', '/v1/admin/users#x'],
  ['GET', '/v1/reports/users'],
  ['GET', '/v1/things'],
  ['GET', '/health'],
  ['GET', '/health/../v1/admin/users'],
  ['GET', '/other/x'],
  ['GET', '/other/%61dmin'],
  ['HEAD', '/v1/admin/users'],
  ['HEAD', '/v1/%61dmin/users'],
];

const MODES: readonly UnmatchedRoutes[] = ['deny', 'authenticate', 'public'];
const TOKENS: readonly TokenName[] = ['none', 'client', 'user', 'admin'];

let issuer: TestIssuer;
const tokens = new Map<TokenName, string>();

beforeAll(async () => {
  issuer = await createTestIssuer();
  tokens.set('client', await issuer.mintClientToken({ scopes: ['admin'] }));
  tokens.set('user', await issuer.mintUserToken({ scopes: ['read'] }));
  tokens.set('admin', await issuer.mintUserToken({ scopes: ['admin'] }));
});

afterAll(async () => {
  await issuer?.close();
});

function verifier(): Verifier {
  return createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
}

async function request(app: App, method: string, target: string, token: TokenName) {
  const authorization = token === 'none' ? '' : `Authorization: Bearer ${tokens.get(token) ?? ''}\r\n`;
  return send(app.url, `${method} ${target} HTTP/1.1\r\n${authorization}`);
}

describe.each(ADAPTERS)('%s: route policy on raw targets', (_name, start) => {
  describe.each(MODES)('unmatched: %s', (unmatched) => {
    let app: App;
    beforeAll(async () => {
      app = await start(verifier(), unmatched);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('no handler is reached by a token its own policy row refuses, and nothing is a 500', async () => {
      const bypasses: string[] = [];
      for (const [method, target] of TARGETS) {
        for (const token of TOKENS) {
          const response = await request(app, method, target, token);
          const where = `${method} ${target} with ${token} token → ${response.status} ${response.headers['x-handler'] ?? ''}`;
          expect(response.status, where).not.toBe(500);
          const reached = response.headers['x-handler'];
          if (reached === undefined) continue;
          const [handler, section] = reached.split(':') as [Handler, string | undefined];
          if (!admitted(handler, section === undefined ? undefined : decodeURIComponent(section), token, unmatched)) bypasses.push(where);
        }
      }
      expect(bypasses).toEqual([]);
    });

    it('the admin handler is reached by an admin user token however the target spells its path', async () => {
      for (const target of ['/v1/admin/users', '/v1/%61dmin/users', 'http://x/v1/admin/users']) {
        const response = await request(app, 'GET', target, 'admin');
        expect([target, response.status]).toEqual([target, 200]);
      }
    });

    it('targets routers read differently are 400 invalid_request for every token', async () => {
      for (const target of ['/v1/x/%2e%2e/admin/users', '/v1/x/../admin/users', '/v1/./admin/users', '/v1/admin%2Fusers', '/health/../v1/admin/users']) {
        for (const token of TOKENS) {
          const response = await request(app, 'GET', target, token);
          expect([target, token, response.status]).toEqual([target, token, 400]);
          expect(response.headers['content-type']).toContain('application/problem+json');
        }
      }
    });
  });
});

describe('the bypasses reported against route policies are closed', () => {
  const fastify = fastifyApp({});
  const folding = fastifyApp(FOLDING);
  const express = expressApp(express5 as unknown as () => ExpressAppLike, '*splat');
  const CASES = [
    ['a client token at GET /v1/%61dmin/users (Fastify decodes it to the admin route)', fastify, 'deny', '/v1/%61dmin/users', 'client', 403],
    ['no token at an absolute-form target with unmatched: public (Fastify)', fastify, 'public', 'http://x/v1/admin/users', 'none', 401],
    ['no token at an absolute-form target with unmatched: public (Express)', express, 'public', 'http://x/v1/admin/users', 'none', 401],
    ['a client token at an absolute-form target with unmatched: authenticate (Express)', express, 'authenticate', 'http://x/v1/admin/users', 'client', 403],
    ['a client token at /v1//admin/users with ignoreDuplicateSlashes', folding, 'deny', '/v1//admin/users', 'client', 403],
    ['a client token at /v1/admin/users;x with useSemicolonDelimiter', folding, 'deny', '/v1/admin/users;x', 'client', 403],
    ['a client token at /V1/ADMIN/users on a case-insensitive Fastify', folding, 'deny', '/V1/ADMIN/users', 'client', 403],
    ['an admin user token at an absolute-form target with the default deny', express, 'deny', 'http://x/v1/admin/users', 'admin', 200],
  ] as const;
  for (const [name, start, unmatched, target, token, status] of CASES) {
    it(name, async () => {
      const app = await start(verifier(), unmatched);
      try {
        expect((await request(app, 'GET', target, token)).status).toBe(status);
      } finally {
        await app.close();
      }
    });
  }
});
