/**
 * The route handler example: `GET` and `POST` called directly with Web `Request`s (as Next.js
 * calls them) and over real HTTP through `node.ts` on 127.0.0.1, with tokens from a local issuer.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { BARE_CHALLENGE, bearerChallenge, expectProblem, INSUFFICIENT_SCOPE, setEnvironment, USER_REQUIRED } from '@tokengate/test-support';
import { createNodeServer, type RouteModule } from '../src/node.js';

let issuer: TestIssuer;
let restore: () => void;
let route: Required<Pick<RouteModule, 'GET' | 'POST'>>;
let server: Server;
let base: string;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://api.example.test' });
  restore = setEnvironment({ TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience, TOKENGATE_JWKS_URI: issuer.jwksUri });
  // The route module reads the environment when it loads, as it would in a Next.js app.
  route = await import('../src/route.js');
  server = createNodeServer({ '/v1/kits': route });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  restore?.();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  await issuer?.close();
});

function init(method: string, token?: string, body?: unknown): RequestInit {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
}

/** The same request to the handler itself and over HTTP. */
async function both(method: 'GET' | 'POST', token?: string, body?: unknown): Promise<Response[]> {
  const direct = await route[method](new Request('http://localhost/v1/kits', init(method, token, body)));
  const overHttp = await fetch(`${base}/v1/kits`, { ...init(method, token, body), signal: AbortSignal.timeout(5_000) });
  return [direct, overHttp];
}

describe('GET /v1/kits (any token with read:font:data)', () => {
  it('answers a client or user token with the scope', async () => {
    for (const token of [await issuer.mintClientToken({ clientId: 'publisher-service', scopes: ['read:font:data'] }), await issuer.mintUserToken({ clientId: 'publisher-service', scopes: ['read:font:data'] })]) {
      for (const response of await both('GET', token)) {
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ kits: [{ id: 'kit-1', family: 'Helvetica Now' }], caller: 'publisher-service' });
      }
    }
  });

  it('401 without a token, 403 without the scope', async () => {
    for (const response of await both('GET')) await expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
    const unscoped = await issuer.mintClientToken({ scopes: ['publisher'] });
    for (const response of await both('GET', unscoped)) {
      await expectProblem(response, { status: 403, code: 'insufficient_scope', headers: { 'www-authenticate': bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'read:font:data' }) } });
    }
  });
});

describe('POST /v1/kits (a user token with create:webfonts:kit)', () => {
  it('creates the kit named in the body', async () => {
    const token = await issuer.mintUserToken({ sub: 'alice', scopes: ['create:webfonts:kit'] });
    for (const response of await both('POST', token, { name: 'Brand' })) {
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: 'kit-2', name: 'Brand', owner: 'alice' });
    }
    for (const response of await both('POST', token, { title: 'no name' })) expect(response.status).toBe(422);
  });

  it('refuses a client token and a user token without the scope, before reading the body', async () => {
    for (const response of await both('POST', await issuer.mintClientToken({ scopes: ['create:webfonts:kit'] }), { name: 'Brand' })) {
      await expectProblem(response, { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
    }
    for (const response of await both('POST', await issuer.mintUserToken({ scopes: ['read:font:data'] }), { name: 'Brand' })) {
      await expectProblem(response, { status: 403, code: 'insufficient_scope' });
    }
  });
});

describe('node.ts around the route', () => {
  it('404 for other paths, 405 with Allow for other methods', async () => {
    expect((await fetch(`${base}/v1/other`)).status).toBe(404);
    const put = await fetch(`${base}/v1/kits`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });
});
