// The example APIs (Express and Hono with a route policy table, Koa with per-route guards,
// Fastify with per-route config) are the same API: every request below gets the same status, the
// same `error` code, the same challenge and, on success, the same body from each of them.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { USER_REQUIRED } from '@tokengate/test-support';
import { createApp as createExpressApp } from '../examples/express/src/app.js';
import { createApp as createFastifyApp } from '../examples/fastify/src/app.js';
import { createApp as createHonoApp } from '../examples/hono/src/app.js';
import { createApp as createKoaApp } from '../examples/koa/src/app.js';

type Framework = 'express' | 'koa' | 'fastify' | 'hono';
type TokenName = 'none' | 'user' | 'userReadOnly' | 'client' | 'clientNoFontScope' | 'expired' | 'foreignKey';

let issuer: TestIssuer;
const tokens = {} as Record<TokenName, string | undefined>;
const bases = {} as Record<Framework, string>;
const closers: Array<() => Promise<unknown>> = [];

function listening(server: Server): Promise<string> {
  return new Promise((resolve) => server.once('listening', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closing(server: Server): () => Promise<void> {
  return () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
}

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://api.example.test' });
  const options = { issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri };

  const express = createExpressApp(options).listen(0, '127.0.0.1');
  bases.express = await listening(express);
  closers.push(closing(express));

  const koa = createKoaApp(options).listen(0, '127.0.0.1');
  bases.koa = await listening(koa);
  closers.push(closing(koa));

  const fastify = createFastifyApp(options);
  bases.fastify = await fastify.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => fastify.close());

  const hono = createHonoApp(options);
  const honoServer = serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  bases.hono = await listening(honoServer);
  closers.push(closing(honoServer));

  tokens.none = undefined;
  tokens.user = await issuer.mintUserToken({ sub: 'alice', clientId: 'font-manager-web', scopes: ['read:font:data', 'create:webfonts:kit'] });
  tokens.userReadOnly = await issuer.mintUserToken({ sub: 'bob', clientId: 'font-manager-web', scopes: ['read:font:data'] });
  tokens.client = await issuer.mintClientToken({ clientId: 'publisher-service', scopes: ['read:font:data'] });
  tokens.clientNoFontScope = await issuer.mintClientToken({ clientId: 'converter-service', scopes: ['publisher', 'converter'] });
  tokens.expired = await issuer.mintUserToken({ expiresIn: -120, scopes: ['read:font:data'] });
  tokens.foreignKey = await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 600 });
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await issuer?.close();
});

interface Answer {
  status: number;
  error: string | undefined;
  challenge: string | null;
  body: unknown;
}

async function call(framework: Framework, method: string, path: string, token: TokenName): Promise<Answer> {
  const bearer = tokens[token];
  const response = await fetch(`${bases[framework]}${path}`, { method, headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } });
  const body = (await response.json()) as Record<string, unknown>;
  const ok = response.status < 400;
  return {
    status: response.status,
    error: ok ? undefined : (body.error as string | undefined),
    challenge: response.headers.get('www-authenticate'),
    // Problem bodies carry a unique `instance`; compare the success bodies only.
    body: ok ? body : undefined,
  };
}

// [method, path, token, expected status, expected `error` (failures)]
const table: Array<[string, string, TokenName, number, string?]> = [
  ['GET', '/health', 'none', 200],
  ['GET', '/health', 'client', 200],

  ['GET', '/v1/me', 'none', 401],
  ['GET', '/v1/me', 'user', 200],
  ['GET', '/v1/me', 'client', 200],
  ['GET', '/v1/me', 'expired', 401, 'invalid_token'],
  ['GET', '/v1/me', 'foreignKey', 401, 'invalid_token'],

  ['GET', '/v1/file/templates', 'none', 401],
  ['GET', '/v1/file/templates', 'user', 200],
  ['GET', '/v1/file/templates', 'client', 403, 'invalid_token_type'],

  ['GET', '/v1/publisher/jobs', 'none', 401],
  ['GET', '/v1/publisher/jobs', 'user', 200],
  ['GET', '/v1/publisher/jobs', 'client', 200],
  ['POST', '/v1/publisher/jobs', 'user', 202],
  ['POST', '/v1/publisher/jobs', 'client', 202],
  ['POST', '/v1/publisher/jobs', 'expired', 401, 'invalid_token'],

  ['GET', '/v1/fonts/42', 'none', 401],
  ['GET', '/v1/fonts/42', 'user', 200],
  ['GET', '/v1/fonts/42', 'client', 200],
  ['GET', '/v1/fonts/42', 'clientNoFontScope', 403, 'insufficient_scope'],

  ['POST', '/v1/kits', 'none', 401],
  ['POST', '/v1/kits', 'user', 201],
  ['POST', '/v1/kits', 'userReadOnly', 403, 'insufficient_scope'],
  ['POST', '/v1/kits', 'client', 403, 'invalid_token_type'],
  ['POST', '/v1/kits', 'clientNoFontScope', 403, 'invalid_token_type'],
];

describe('the Express, Koa, Fastify and Hono examples answer alike', () => {
  it.each(table)('%s %s with %s token → %i %s', async (method, path, token, status, error) => {
    const [express, koa, fastify, hono] = await Promise.all([call('express', method, path, token), call('koa', method, path, token), call('fastify', method, path, token), call('hono', method, path, token)]);
    expect(express.status).toBe(status);
    expect(express.error).toBe(error);
    expect(koa).toEqual(express);
    expect(fastify).toEqual(express);
    expect(hono).toEqual(express);
  });

  it('echoes the caller on /v1/me', async () => {
    expect((await call('koa', 'GET', '/v1/me', 'user')).body).toEqual({
      type: 'user',
      subject: 'alice',
      clientId: 'font-manager-web',
      scopes: ['read:font:data', 'create:webfonts:kit'],
    });
    expect((await call('fastify', 'GET', '/v1/me', 'client')).body).toEqual({
      type: 'client',
      subject: 'publisher-service',
      clientId: 'publisher-service',
      scopes: ['read:font:data'],
    });
  });

  it('names the wrong token type and the missing scope the same way', async () => {
    for (const framework of ['express', 'koa', 'fastify', 'hono'] as const) {
      expect((await call(framework, 'GET', '/v1/file/templates', 'client')).challenge).toContain(`error_description="${USER_REQUIRED}"`);
      expect((await call(framework, 'POST', '/v1/kits', 'userReadOnly')).challenge).toContain('scope="create:webfonts:kit"');
    }
  });
});

describe('where they differ: a path with no route', () => {
  const status = async (framework: Framework, token: TokenName) =>
    (await fetch(`${bases[framework]}/v1/billing/invoices`, { headers: tokens[token] === undefined ? {} : { authorization: `Bearer ${tokens[token]}` } })).status;

  it('Express and Hono deny it (the route table), Koa answers 404, Fastify asks for a token, then 404', async () => {
    expect([await status('express', 'none'), await status('express', 'user')]).toEqual([403, 403]);
    expect([await status('hono', 'none'), await status('hono', 'user')]).toEqual([403, 403]);
    expect([await status('koa', 'none'), await status('koa', 'user')]).toEqual([404, 404]);
    expect([await status('fastify', 'none'), await status('fastify', 'user')]).toEqual([401, 404]);
  });
});
