/**
 * A protected resource (RFC 9728, RFC 8707, RFC 9470) in every adapter: metadata served without
 * authentication at both locations, challenges pointing at it, CORS preflights passed to the
 * application, scope hierarchies and step-up, over real HTTP.
 */
import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type Verifier } from '@tokengate/core';
import * as ex from '@tokengate/express';
import tokengate, * as fy from '@tokengate/fastify';
import * as ko from '@tokengate/koa';
import { listen, type Running } from './support/servers.js';

const RESOURCE = 'http://127.0.0.1/mcp';
const METADATA = 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp';
const PATHS = ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'];

let issuer: TestIssuer;
let verifier: Verifier;
const apps = new Map<string, Running>();

/** Routes: `/mcp` any token, `/mcp/files` needs files:read, `/mcp/admin` needs acr mfa within 300 s. */
function expressApp(): ReturnType<typeof express> {
  const app = express();
  app.use(ex.protectedResourceMetadata(verifier));
  // The application's CORS handling sits after tokengate: a preflight must get through to it.
  app.use('/mcp', ex.auth(verifier));
  app.options('/mcp', (_req, res) => void res.status(204).set('Access-Control-Allow-Origin', '*').end());
  const echo = (req: ex.ExpressRequestLike, res: { json(body: unknown): unknown }) => void res.json({ sub: req.auth?.subject, scopes: req.auth?.scopes });
  app.get('/mcp', echo);
  app.get('/mcp/files', ex.requireScopes('files:read'), echo);
  app.get('/mcp/admin', ex.requireAuthentication({ acr: 'mfa', maxAge: 300 }), echo);
  return app;
}

function koaApp(): Koa {
  const app = new Koa();
  app.use(ko.protectedResourceMetadata(verifier));
  app.use(ko.auth(verifier));
  app.use(async (ctx, next) => {
    if (ctx.method === 'OPTIONS' && ctx.path === '/mcp') {
      ctx.status = 204;
      ctx.set('Access-Control-Allow-Origin', '*');
      return;
    }
    await next();
  });
  const guards: Record<string, Koa.Middleware> = { '/mcp/files': ko.requireScopes('files:read'), '/mcp/admin': ko.requireAuthentication({ acr: 'mfa', maxAge: 300 }) };
  app.use(async (ctx, next) => (guards[ctx.path] ?? ((_ctx: unknown, go: () => Promise<void>) => go()))(ctx, next));
  app.use((ctx) => {
    ctx.body = { sub: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes };
  });
  return app;
}

async function fastifyApp(): Promise<Running> {
  const app = Fastify();
  await app.register(tokengate, { verifier });
  app.options('/mcp', async (_request, reply) => reply.code(204).header('Access-Control-Allow-Origin', '*').send());
  const echo = async (request: { auth?: { subject?: string; scopes: readonly string[] } }) => ({ sub: request.auth?.subject, scopes: request.auth?.scopes });
  app.get('/mcp', echo);
  app.get('/mcp/files', { preHandler: fy.requireScopes('files:read') }, echo);
  app.get('/mcp/admin', { preHandler: fy.requireAuthentication({ acr: 'mfa', maxAge: 300 }) }, echo);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: RESOURCE });
  verifier = createVerifier({ issuer: issuer.issuer, resource: RESOURCE, scopeImplications: { 'files:write': ['files:read'] }, cors: {}, protectedResource: { scopesSupported: ['files:read', 'files:write'], resourceName: 'Files' } });
  apps.set('express', await listen(createServer(expressApp())));
  apps.set('koa', await listen(createServer(koaApp().callback())));
  apps.set('fastify', await fastifyApp());
});

afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
  await issuer.close();
});

const ADAPTERS = ['express', 'koa', 'fastify'];
const url = (adapter: string, path: string): string => `${(apps.get(adapter) as Running).url}${path}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(ADAPTERS)('protected-resource metadata (RFC 9728) in %s', (adapter) => {
  it.each(PATHS)('is served without authentication at %s, its resource identical to the configured one', async (path) => {
    const response = await fetch(url(adapter, path));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: [issuer.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: ['files:read', 'files:write'],
      resource_name: 'Files',
    });
  });

  it('answers HEAD with the headers and no body, and a CORS preflight for it', async () => {
    const head = await fetch(url(adapter, PATHS[0] as string), { method: 'HEAD' });
    expect([head.status, head.headers.get('cache-control'), await head.text()]).toEqual([200, 'public, max-age=3600', '']);
    const preflight = await fetch(url(adapter, PATHS[0] as string), { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe.each(ADAPTERS)('challenges and CORS in %s', (adapter) => {
  it('a request without a token is 401 with resource_metadata, readable by browser clients', async () => {
    const response = await fetch(url(adapter, '/mcp'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="api", resource_metadata="${METADATA}"`);
    expect(response.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });

  it('a token for another resource (audience) is 401', async () => {
    const response = await fetch(url(adapter, '/mcp'), { headers: bearer(await issuer.mintUserToken({ audience: 'http://127.0.0.1/other' })) });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(`error="invalid_token"`);
    expect(response.headers.get('www-authenticate')).toContain(`resource_metadata="${METADATA}"`);
  });

  it('a missing scope is 403 with the scope and resource_metadata, offline_access never asked for', async () => {
    const response = await fetch(url(adapter, '/mcp/files'), { headers: bearer(await issuer.mintUserToken({ scopes: ['other'] })) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`error="insufficient_scope", .*scope="files:read", resource_metadata="${METADATA}"$`));
  });

  it('names the configured resource behind any proxy: forwarding headers never change the challenge or the metadata', async () => {
    const headers = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example;proto=https' };
    const challenge = await fetch(url(adapter, '/mcp'), { headers });
    expect(challenge.headers.get('www-authenticate')).toBe(`Bearer realm="api", resource_metadata="${METADATA}"`);
    const metadata = (await (await fetch(url(adapter, PATHS[0] as string), { headers })).json()) as { resource: string };
    expect(metadata.resource).toBe(RESOURCE);
  });

  it('a CORS preflight to a protected route reaches the application, never a 401', async () => {
    const preflight = await fetch(url(adapter, '/mcp'), { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    const plain = await fetch(url(adapter, '/mcp'), { method: 'OPTIONS' });
    expect(plain.status).toBe(401);
  });
});

describe.each(ADAPTERS)('scope hierarchies and step-up in %s', (adapter) => {
  it('a granted scope implies the scopes it grants; the token keeps its scopes as issued', async () => {
    const response = await fetch(url(adapter, '/mcp/files'), { headers: bearer(await issuer.mintUserToken({ scopes: ['files:write'] })) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scopes: string[] }).scopes).toEqual(['files:write']);
  });

  it('step-up: the right acr and a recent auth_time pass', async () => {
    const token = await issuer.mintUserToken({ claims: { acr: 'mfa', auth_time: Math.floor(Date.now() / 1000) - 60 } });
    expect((await fetch(url(adapter, '/mcp/admin'), { headers: bearer(token) })).status).toBe(200);
  });

  it.each([
    ['another acr', { acr: 'pwd', auth_time: Math.floor(Date.now() / 1000) }],
    ['no acr', { auth_time: Math.floor(Date.now() / 1000) }],
    ['an old authentication', { acr: 'mfa', auth_time: Math.floor(Date.now() / 1000) - 3600 }],
    ['no auth_time', { acr: 'mfa' }],
  ])('step-up: %s is 401 insufficient_user_authentication with acr_values and max_age', async (_name, claims) => {
    const response = await fetch(url(adapter, '/mcp/admin'), { headers: bearer(await issuer.mintUserToken({ claims })) });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="api", error="insufficient_user_authentication", error_description="[^"]+", acr_values="mfa", max_age="300", resource_metadata="/);
    expect(await response.json()).toMatchObject({ error: 'insufficient_user_authentication', acr_values: 'mfa', max_age: 300, status: 401 });
  });
});
