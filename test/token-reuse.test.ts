/**
 * The one token-reuse rule, through every adapter over real HTTP: a guard with a source of its
 * own reuses only a verification by that same verifier (so a guard for another audience verifies
 * for itself, after `auth()` or the Fastify plugin); a guard without one reuses the request's token,
 * a foreign `req.auth` included. Also: `routePolicy` honours `optional`, and application code that
 * throws inside tokengate is a 500 `server_error`, never a 401.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import express5 from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { claimCheck, createVerifier, type AccessToken, type Verifier, type VerifierOptions } from '@tokengate/core';
import * as ex from '@tokengate/express';
import tokengate, * as fy from '@tokengate/fastify';
import * as ko from '@tokengate/koa';
import { setEnvironment } from '@tokengate/test-support';
import { listen, type Running } from './support/servers.js';

/** What the routes need: the API's verifier, options for another audience, and a foreign token. */
interface Setup {
  readonly verifier: Verifier;
  readonly otherAudience: VerifierOptions;
  readonly foreign: AccessToken;
}

type App = Running;

const broken = claimCheck(() => {
  throw new Error('a bug in the application');
});
/** What express-jwt or express-oauth2-jwt-bearer put on `req.auth`, verified for another audience. */
const OTHER_LIBRARY_AUTH = Object.freeze({ sub: 'mallory', aud: 'https://other-api.example.com', scope: 'admin', type: 'user', scopes: ['admin'] });
/** An application's mapping with a bug in it. */
const brokenAdopt = (): AccessToken | undefined => {
  throw new Error('a bug in the mapping');
};
const POLICY = [{ path: '/policy-optional/*', token: 'user' as const }];


/** What a careless (or hostile) handler might do to the token it was given. */
function tryEscalation(token: AccessToken | null | undefined): { escalated: boolean } {
  try {
    (token?.scopes as string[] | undefined)?.push('admin');
    return { escalated: true };
  } catch {
    return { escalated: false };
  }
}

const describeToken = (token: AccessToken | null | undefined) => ({ type: token?.type ?? null, subject: token?.subject ?? null });

type Middleware = (req: { auth?: AccessToken }, res: { json(body: unknown): unknown }, next: (error?: unknown) => void) => void;
type ExpressLike = { (req: never, res: never): void; get(path: string, ...handlers: Middleware[]): unknown };

function expressApp(create: () => ExpressLike) {
  return ({ verifier, otherAudience, foreign }: Setup): Promise<App> => {
    const app = create();
    const echo: Middleware = (req, res) => res.json(describeToken(req.auth));
    const setForeign: Middleware = (req, _res, next) => {
      req.auth = foreign;
      next();
    };
    const use = (...handlers: unknown[]) => handlers as Middleware[];
    app.get('/own-audience', ...use(ex.auth(verifier), ex.requireUserToken({ source: otherAudience })), echo);
    app.get('/policy-optional/x', ...use(ex.routePolicy(POLICY, { source: verifier, optional: true })), echo);
    app.get('/foreign', setForeign, ...use(ex.requireClientToken()), echo);
    app.get('/foreign-own-source', setForeign, ...use(ex.requireClientToken({ source: verifier })), echo);
    app.get('/broken-predicate', ...use(ex.requireClaims(broken, { source: verifier })), echo);
    const setObject: Middleware = (req, _res, next) => {
      (req as { auth?: unknown }).auth = OTHER_LIBRARY_AUTH;
      next();
    };
    app.get('/other-library', setObject, ...use(ex.requireToken({ token: 'any' })), echo);
    app.get('/inherited', ...use(ex.requireToken({ token: 'any' })), echo);
    app.get('/adopt-throws', setObject, ...use(ex.requireToken({ token: 'any' }, { adoptForeignAuth: brokenAdopt })), echo);
    app.get('/mutate', ...use(ex.auth(verifier)), (req, res) => res.json(tryEscalation(req.auth)));
    app.get('/admin', ...use(ex.auth(verifier), ex.requireScopes('admin')), echo);
    return listen(createServer(app as never));
  };
}

function koaApp(create: () => Koa) {
  return ({ verifier, otherAudience, foreign }: Setup): Promise<App> => {
    const app = create();
    const router = new Router();
    const echo = (ctx: Koa.Context) => {
      ctx.body = describeToken(ctx.state.auth);
    };
    const setForeign = (ctx: Koa.Context, next: Koa.Next) => {
      ctx.state.auth = foreign;
      return next();
    };
    router.get('/own-audience', ko.auth(verifier), ko.requireUserToken({ source: otherAudience }), echo);
    router.get('/policy-optional/x', ko.routePolicy(POLICY, { source: verifier, optional: true }), echo);
    router.get('/foreign', setForeign, ko.requireClientToken(), echo);
    router.get('/foreign-own-source', setForeign, ko.requireClientToken({ source: verifier }), echo);
    router.get('/broken-predicate', ko.requireClaims(broken, { source: verifier }), echo);
    const setObject = (ctx: Koa.Context, next: Koa.Next) => {
      (ctx.state as { auth?: unknown }).auth = OTHER_LIBRARY_AUTH;
      return next();
    };
    router.get('/other-library', setObject, ko.requireToken({ token: 'any' }), echo);
    router.get('/inherited', ko.requireToken({ token: 'any' }), echo);
    router.get('/adopt-throws', setObject, ko.requireToken({ token: 'any' }, { adoptForeignAuth: brokenAdopt }), echo);
    router.get('/mutate', ko.auth(verifier), (ctx) => {
      ctx.body = tryEscalation(ctx.state.auth);
    });
    router.get('/admin', ko.auth(verifier), ko.requireScopes('admin'), echo);
    app.use(router.routes());
    return listen(createServer(app.callback()));
  };
}

async function fastifyApp({ verifier, otherAudience, foreign }: Setup): Promise<App> {
  const app = Fastify();
  const echo = async (request: { auth?: AccessToken }) => describeToken(request.auth);
  const setForeign = async (request: { auth?: AccessToken }) => {
    request.auth = foreign;
  };
  // The plugin authenticates only /plugin/…; its own request.auth is no reason for a guard with
  // another source to skip verifying.
  await app.register(tokengate, { verifier });
  const off = { tokengate: false } as const;
  app.get('/plugin/own-audience', { preHandler: fy.requireUserToken({ source: otherAudience }) }, echo);
  app.get('/own-audience', { config: off, onRequest: [fy.auth(verifier), fy.requireUserToken({ source: otherAudience })] }, echo);
  app.get('/policy-optional/x', { config: off, onRequest: fy.routePolicy(POLICY, { source: verifier, optional: true }) }, echo);
  app.get('/foreign', { config: off, onRequest: [setForeign, fy.requireClientToken()] }, echo);
  app.get('/foreign-own-source', { config: off, onRequest: [setForeign, fy.requireClientToken({ source: verifier })] }, echo);
  app.get('/broken-predicate', { config: off, onRequest: fy.requireClaims(broken, { source: verifier }) }, echo);
  const setObject = async (request: { auth?: unknown }) => {
    request.auth = OTHER_LIBRARY_AUTH;
  };
  app.get('/other-library', { config: off, onRequest: [setObject, fy.requireToken({ token: 'any' })] }, echo);
  app.get('/inherited', { config: off, onRequest: fy.requireToken({ token: 'any' }) }, echo);
  app.get('/adopt-throws', { config: off, onRequest: [setObject, fy.requireToken({ token: 'any' }, { adoptForeignAuth: brokenAdopt })] }, echo);
  app.get('/mutate', { config: off, onRequest: fy.auth(verifier) }, async (request) => tryEscalation(request.auth));
  app.get('/admin', { config: off, onRequest: [fy.auth(verifier), fy.requireScopes('admin')] }, echo);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}

const ADAPTERS = [
  ['Express 5', expressApp(express5 as unknown as () => ExpressLike), ['/own-audience']],
  ['Express 4', expressApp(express4 as unknown as () => ExpressLike), ['/own-audience']],
  ['Koa 3', koaApp(() => new Koa()), ['/own-audience']],
  ['Koa 2', koaApp(() => new Koa2() as unknown as Koa), ['/own-audience']],
  ['Fastify', fastifyApp, ['/own-audience', '/plugin/own-audience']],
] as const;

let issuer: TestIssuer;
let setup: Setup;
let userToken: string;

let restoreEnvironment: () => void = () => undefined;

beforeAll(async () => {
  issuer = await createTestIssuer();
  // Guards without a source verify with the environment's configuration, as drop-in guards do.
  restoreEnvironment = setEnvironment({ TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience });
  const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
  const foreign = await createVerifier({ issuer: issuer.issuer, audience: issuer.audience }).verify(await issuer.mintClientToken({ clientId: 'upstream' }));
  setup = { verifier, otherAudience: { issuer: issuer.issuer, audience: 'https://other-api.example.com' }, foreign };
  userToken = await issuer.mintUserToken({ sub: 'alice' });
});

afterAll(async () => {
  restoreEnvironment();
  await issuer?.close();
});

async function get(app: App, path: string, token?: string) {
  const response = await fetch(`${app.url}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body, contentType: response.headers.get('content-type') ?? '' };
}

describe.each(ADAPTERS)('%s', (_name, start, ownAudiencePaths) => {
  let app: App;
  beforeAll(async () => {
    app = await start(setup);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a guard with another audience does not reuse the token auth() verified: it verifies it, and refuses it', async () => {
    for (const path of ownAudiencePaths) {
      const response = await get(app, path, userToken);
      expect([path, response.status, response.body.error]).toEqual([path, 401, 'invalid_token']);
      expect(String(response.body.detail)).toMatch(/aud/i);
    }
  });

  it('routePolicy with optional lets a request without credentials through, and still checks a token', async () => {
    expect(await get(app, '/policy-optional/x')).toMatchObject({ status: 200, body: { type: null } });
    expect(await get(app, '/policy-optional/x', userToken)).toMatchObject({ status: 200, body: { type: 'user', subject: 'alice' } });
    expect(await get(app, '/policy-optional/x', await issuer.mintClientToken())).toMatchObject({ status: 403, body: { error: 'invalid_token_type' } });
    expect(await get(app, '/policy-optional/x', 'not-a-jwt')).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });

  it('a guard without a source reuses a token an unrelated middleware attached', async () => {
    expect(await get(app, '/foreign')).toMatchObject({ status: 200, body: { type: 'client' } });
  });

  it('a guard with a source of its own verifies the request instead of trusting a foreign token', async () => {
    const response = await get(app, '/foreign-own-source');
    expect(response.status).toBe(401);
    expect(response.body.error).toBeUndefined();
  });

  it("another library's object on req.auth is not taken for a verified token (no credentials: 401)", async () => {
    const response = await get(app, '/other-library');
    expect(response.status).toBe(401);
  });

  it('an inherited auth member (a polluted Object.prototype) is never read', async () => {
    Object.defineProperty(Object.prototype, 'auth', { value: setup.foreign, configurable: true, writable: true });
    try {
      const response = await get(app, '/inherited');
      expect(response.status).toBe(401);
    } finally {
      delete (Object.prototype as { auth?: unknown }).auth;
    }
  });

  it("a handler mutating req.auth cannot escalate the cached token for the next request", async () => {
    const token = await issuer.mintUserToken({ scopes: ['read'] });
    for (let i = 0; i < 3; i += 1) expect((await get(app, '/mutate', token)).body).toEqual({ escalated: false });
    expect((await get(app, '/admin', token)).status).toBe(403);
  });

  it('an adoptForeignAuth that throws is a 500 server_error problem', async () => {
    const response = await get(app, '/adopt-throws');
    expect([response.status, response.body.error]).toEqual([500, 'server_error']);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
  });

  it('a claim predicate that throws is a 500 server_error problem, not a 401', async () => {
    const response = await get(app, '/broken-predicate', userToken);
    expect([response.status, response.body.error]).toEqual([500, 'server_error']);
    expect(response.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(response.body)).not.toContain('a bug in the application');
  });
});
