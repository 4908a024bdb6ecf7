import Koa from 'koa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, requireScopes, routePolicy, type RouteRule } from '@tokengate/koa';
import { BARE_CHALLENGE, bearerChallenge, BUCKET_ROUTE_RULES, CLIENT_REQUIRED, countingSignatureVerifier, expectProblem, USER_REQUIRED } from '@tokengate/test-support';
import { echo, get, routes, serve, type Served } from './support.js';

/** The seed gateway table, plus a client-only row and a public row. */
const SEED: readonly RouteRule[] = [
  { path: '/health', public: true },
  ...BUCKET_ROUTE_RULES,
  { path: '/v1/reports', methods: ['GET'], token: 'client', scopes: ['reports:read'] },
];

let issuer: TestIssuer;
let api: Served;
let lenient: Served;
const signatures = countingSignatureVerifier();
let userToken: string;
let clientToken: string;

function appWith(...middleware: Koa.Middleware[]): Koa {
  const app = new Koa();
  app.silent = true;
  for (const item of middleware) app.use(item);
  app.use(echo);
  return app;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  const source = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, signatureVerifier: signatures.verify, cache: false });
  api = await serve(appWith(routePolicy(SEED, { source }), routes({ '/v1/file/templates': [requireScopes('read', { source })], '/v1/identity/me': [requireScopes('read')] })));
  lenient = await serve(appWith(routePolicy([{ path: '/docs/*', public: true }], { source, unmatched: 'authenticate' })));
  userToken = await issuer.mintUserToken({ sub: 'erin', scopes: ['read'] });
  clientToken = await issuer.mintClientToken({ clientId: 'worker', scopes: ['read', 'reports:read'] });
});

beforeEach(() => {
  signatures.reset();
});

afterAll(async () => {
  await Promise.all([api.close(), lenient.close()]);
  await issuer.close();
});

describe('routePolicy() with the seed table', () => {
  it.each(['/v1/file', '/v1/file/templates', '/v1/webhook/42', '/v1/subscription/plans/pro', '/v1/identity/me'])('lets a user token into %s', async (path) => {
    const response = await get(`${api.url}${path}`, userToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: 'erin', type: 'user' });
  });

  it.each(['/v1/file/templates', '/v1/webhook/42', '/v1/subscription/plans', '/v1/identity/me'])('refuses a client token on %s', async (path) => {
    const response = await get(`${api.url}${path}`, clientToken);
    await expectProblem(response, { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED, headers: { 'www-authenticate': bearerChallenge('invalid_token_type', USER_REQUIRED) } });
  });

  it.each([
    '/v1/document/validate',
    '/v1/publisher/jobs',
    '/v1/publisher/jobs/42',
    '/v1/publisher/jobs-archive',
    '/v1/converter/jobs?page=2',
    '/v1/converter/jobs/7/result',
    '/oauth/userinfo',
  ])('lets either token type into %s', async (path) => {
    expect(await (await get(`${api.url}${path}`, userToken)).json()).toMatchObject({ type: 'user' });
    expect(await (await get(`${api.url}${path}`, clientToken)).json()).toMatchObject({ type: 'client' });
  });

  it('requires a client token with its scope on a client row, for its method only', async () => {
    expect(await (await get(`${api.url}/v1/reports`, clientToken)).json()).toMatchObject({ subject: 'worker', type: 'client' });
    await expectProblem(await get(`${api.url}/v1/reports`, userToken), { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    const post = await fetch(`${api.url}/v1/reports`, { method: 'POST', headers: { authorization: `Bearer ${clientToken}` } });
    await expectProblem(post, { status: 403, code: 'access_denied' });
  });

  it('answers 401 on a protected route without a token', async () => {
    const response = await get(`${api.url}/v1/file/templates`);
    await expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
  });

  it.each(['/v1/document/validate/extra', '/v1/files', '/admin'])('denies %s, which no rule allows, without verifying', async (path) => {
    const response = await get(`${api.url}${path}`, 'not-even-a-jwt');
    await expectProblem(response, { status: 403, code: 'access_denied', headers: { 'www-authenticate': /^Bearer realm="api", error="access_denied", error_description="[^"]+"$/ } });
    expect(signatures.calls()).toBe(0);
  });

  it('lets anyone into a public route without touching the token', async () => {
    const response = await get(`${api.url}/health`, 'not-even-a-jwt');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ anonymous: true });
  });

  it('verifies once for the policy and the guards after it', async () => {
    expect((await get(`${api.url}/v1/file/templates`, userToken)).status).toBe(200);
    expect((await get(`${api.url}/v1/identity/me`, userToken)).status).toBe(200);
    expect(signatures.calls()).toBe(2);
  });

  it('answers a guard after the policy with its own failure', async () => {
    const token = await issuer.mintUserToken({ scopes: ['other'] });
    const body = await expectProblem(await get(`${api.url}/v1/file/templates`, token), { status: 403, code: 'insufficient_scope' });
    expect(body.missing_scopes).toEqual(['read']);
    expect(signatures.calls()).toBe(1);
  });
});

describe("routePolicy() with unmatched: 'authenticate'", () => {
  it('requires any valid token on unmatched routes and keeps public rows open', async () => {
    expect((await get(`${lenient.url}/anything`, clientToken)).status).toBe(200);
    await expectProblem(await get(`${lenient.url}/anything`), { status: 401, code: 'missing_token' });
    expect((await get(`${lenient.url}/docs/openapi.json`)).status).toBe(200);
  });
});

describe('routePolicy() presentation', () => {
  it("renders and reports a denial with the source's realm, problem type base and onError", async () => {
    const reported: string[] = [];
    const source = { issuer: issuer.issuer, audience: issuer.audience, realm: 'fonts', problemTypeBase: 'https://errors.example.com/', onError: (error: { code: string }) => reported.push(error.code) };
    const custom = await serve(appWith(routePolicy([{ path: '/v1/file/*', token: 'user' }], { source })));
    try {
      const response = await get(`${custom.url}/elsewhere`);
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="fonts", error="access_denied"/);
      expect(await response.json()).toMatchObject({ type: 'https://errors.example.com/access_denied' });
      expect(reported).toEqual(['access_denied']);
    } finally {
      await custom.close();
    }
  });
});

describe('routePolicy() factory', () => {
  it('throws at start-up for a bad rule', () => {
    expect(() => routePolicy([{ path: 'no-slash', token: 'user' }])).toThrow(TypeError);
    expect(() => routePolicy([{ path: '/x', token: 'robot' as 'user' }])).toThrow(TypeError);
  });
});
