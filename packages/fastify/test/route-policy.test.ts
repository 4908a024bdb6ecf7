import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import tokengate, { routePolicy, type RouteRule } from '@tokengate/fastify';
import { BARE_CHALLENGE, bearer, BUCKET_ROUTE_RULES, CLIENT_REQUIRED, countingSignatureVerifier, NO_ROUTE_RULE, USER_REQUIRED } from '@tokengate/test-support';
import { challenge, expectProblem, optionsFor } from './support.js';

const SEED: readonly RouteRule[] = [
  { path: '/health', public: true },
  ...BUCKET_ROUTE_RULES,
  { path: '/v1/billing/*', methods: ['POST'], token: 'client', scopes: ['billing:write'] },
];

let issuer: TestIssuer;
let app: FastifyInstance;
const apps: FastifyInstance[] = [];
let userToken: string;
let clientToken: string;
const signatures = countingSignatureVerifier();

function echo(instance: FastifyInstance): void {
  instance.all('/*', async (request) => ({ url: request.url, type: request.auth?.type ?? null }));
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  userToken = await issuer.mintUserToken();
  clientToken = await issuer.mintClientToken({ scopes: ['billing:write'] });
  app = Fastify();
  apps.push(app);
  app.addHook('onRequest', routePolicy(SEED, { source: { ...optionsFor(issuer), signatureVerifier: signatures.verify, cache: false } }));
  echo(app);
  await app.ready();
});

afterEach(() => {
  signatures.reset();
});

afterAll(async () => {
  await Promise.all(apps.map((instance) => instance.close()));
  await issuer.close();
});

describe('routePolicy with the seed table', () => {
  it.each(['/v1/file', '/v1/file/templates', '/v1/webhook/42', '/v1/subscription/plan/x', '/v1/identity/me?expand=1'])('user route %s takes a user token', async (url) => {
    const response = await app.inject({ url, headers: bearer(userToken) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ url, type: 'user' });
  });

  it.each(['/v1/file/templates', '/v1/webhook/42', '/v1/subscription', '/v1/identity/me'])('user route %s refuses a client token', async (url) => {
    const response = await app.inject({ url, headers: bearer(clientToken) });
    expectProblem(response, { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
  });

  it.each([
    '/v1/document/validate',
    '/v1/publisher/jobs',
    '/v1/publisher/jobs/42',
    '/v1/publisher/jobs-archive',
    '/v1/converter/jobs?page=2',
    '/oauth/userinfo',
  ])('any route %s takes both token types', async (url) => {
    for (const [token, type] of [
      [userToken, 'user'],
      [clientToken, 'client'],
    ] as const) {
      const response = await app.inject({ method: 'POST', url, headers: bearer(token) });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ url, type });
    }
  });

  it('still needs a valid token on protected routes', async () => {
    const response = await app.inject({ url: '/oauth/userinfo' });
    expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
    expectProblem(await app.inject({ url: '/v1/file/x', headers: bearer(await issuer.mintUserToken({ expiresIn: -60 })) }), { status: 401, code: 'invalid_token' });
  });

  it('applies method-specific rows with their scopes', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/billing/invoices', headers: bearer(clientToken) })).statusCode).toBe(200);
    expectProblem(await app.inject({ method: 'POST', url: '/v1/billing/invoices', headers: bearer(userToken) }), { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    const unscoped = await issuer.mintClientToken();
    expectProblem(await app.inject({ method: 'POST', url: '/v1/billing/invoices', headers: bearer(unscoped) }), { status: 403, code: 'insufficient_scope' });
    expectProblem(await app.inject({ method: 'GET', url: '/v1/billing/invoices', headers: bearer(clientToken) }), { status: 403, code: 'access_denied' });
  });

  it('denies unmatched routes with 403 access_denied without verifying anything', async () => {
    for (const url of ['/v1/unknown', '/v1/document/validate/extra', '/v1/files']) {
      const response = await app.inject({ url, headers: bearer('not.a.token') });
      expectProblem(response, { status: 403, code: 'access_denied', detail: NO_ROUTE_RULE });
    }
    expect(signatures.calls()).toBe(0);
  });

  it('lets public routes through without a token', async () => {
    const response = await app.inject({ url: '/health?verbose=1', headers: { authorization: 'Bearer not a token' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ url: '/health?verbose=1', type: null });
  });

  it('verifies each request once', async () => {
    await app.inject({ url: '/v1/file/x', headers: bearer(userToken) });
    expect(signatures.calls()).toBe(1);
  });
});

describe('routePolicy with other options', () => {
  it("authenticates unmatched routes with unmatched: 'authenticate'", async () => {
    const instance = Fastify();
    apps.push(instance);
    instance.addHook('onRequest', routePolicy(SEED, { source: optionsFor(issuer), unmatched: 'authenticate' }));
    echo(instance);
    expect((await instance.inject({ url: '/v1/other', headers: bearer(clientToken) })).json()).toEqual({ url: '/v1/other', type: 'client' });
    expectProblem(await instance.inject({ url: '/v1/other' }), { status: 401, code: 'missing_token' });
  });

  it("delegates denials to Fastify with errors: 'delegate'", async () => {
    const instance = Fastify();
    apps.push(instance);
    instance.addHook('onRequest', routePolicy(SEED, { source: optionsFor(issuer), errors: 'delegate' }));
    echo(instance);
    const response = await instance.inject({ url: '/nowhere' });
    expect(response.statusCode).toBe(403);
    expect(challenge(response)).toMatch(/^Bearer realm="api", error="access_denied"/);
    expect(response.json()).toMatchObject({ code: 'access_denied' });
  });

  it('reuses the token the plugin verified, matching on the full prefixed path', async () => {
    const instance = Fastify();
    apps.push(instance);
    await instance.register(tokengate, { ...optionsFor(issuer), signatureVerifier: signatures.verify, cache: false });
    await instance.register(
      async (v1) => {
        v1.addHook('preHandler', routePolicy(SEED));
        echo(v1);
      },
      { prefix: '/v1' },
    );
    const ok = await instance.inject({ url: '/v1/file/a', headers: bearer(userToken) });
    expect(ok.json()).toEqual({ url: '/v1/file/a', type: 'user' });
    expect(signatures.calls()).toBe(1);
    expectProblem(await instance.inject({ url: '/v1/file/a', headers: bearer(clientToken) }), { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
  });

  it('rejects a bad rule at start-up', () => {
    expect(() => routePolicy([{ path: 'no-slash' }])).toThrow(TypeError);
  });
});
