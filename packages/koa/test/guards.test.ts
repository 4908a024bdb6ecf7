import Koa from 'koa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import {
  auth,
  claimCheck,
  claimEquals,
  claimIncludes,
  createVerifier,
  requireAnyScope,
  requireClaims,
  requireClientToken,
  requireScopes,
  requireToken,
  requireUserToken,
  type AccessToken,
  type VerifierOptions,
} from '@tokengate/koa';
import { BARE_CHALLENGE, bearerChallenge, CLIENT_REQUIRED, countingSignatureVerifier, expectProblem, USER_REQUIRED } from '@tokengate/test-support';
import { echo, get, routes, serve, type Served } from './support.js';

let issuer: TestIssuer;
let api: Served;
let dropIn: Served;
const signatures = countingSignatureVerifier();

/** A token some other middleware verified; the guards must reuse it, not verify again. */
const upstreamToken: AccessToken = Object.freeze({
  token: 'opaque-upstream',
  format: 'opaque',
  claims: { sub: 'svc', client_id: 'svc' },
  header: {},
  issuer: 'https://upstream.example.com',
  subject: 'svc',
  clientId: 'svc',
  scopes: ['jobs:run'],
  type: 'client',
});

function guardedApp(options: VerifierOptions): Koa {
  const verifier = createVerifier(options);
  const app = new Koa();
  app.silent = true;
  app.use(auth(verifier));
  app.use(
    routes({
      '/user': [requireUserToken(), echo],
      '/client': [requireClientToken(), echo],
      '/any': [requireToken({}), echo],
      '/scopes': [requireScopes('read:font:data', 'create:webfonts:kit'), echo],
      '/any-scope': [requireAnyScope('reports:read', 'admin'), echo],
      '/claims': [requireClaims(claimEquals('tenant', 'acme'), claimIncludes('groups', 'editors')), echo],
      '/stacked': [requireUserToken(), requireScopes('read'), requireClaims(claimCheck((claims) => claims.tenant === 'acme', 'Wrong tenant')), echo],
    }),
  );
  return app;
}

/** The application vouches for the upstream middleware's object (it is not a token tokengate verified). */
const adoptUpstream = (value: unknown): AccessToken | undefined => (value === upstreamToken ? upstreamToken : undefined);

function setUpstreamToken(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  ctx.state.auth = upstreamToken;
  return next();
}

function dropInApp(options: VerifierOptions): Koa {
  const shared = createVerifier(options);
  const app = new Koa();
  app.silent = true;
  app.use(
    routes({
      '/user': [requireUserToken({ source: options }), echo],
      '/stacked': [requireUserToken({ source: shared }), requireScopes('read', { source: shared }), requireClaims(claimEquals('tenant', 'acme'), { source: shared }), echo],
      '/separate': [requireUserToken({ source: options }), requireScopes('read', { source: options }), echo],
      '/mixed': [requireUserToken({ source: shared }), requireScopes('read'), requireToken({ claims: [claimEquals('tenant', 'acme')] }), echo],
      '/adopted-client': [setUpstreamToken, requireClientToken({ adoptForeignAuth: adoptUpstream }), requireScopes('jobs:run', { adoptForeignAuth: adoptUpstream }), echo],
      '/adopted-user': [setUpstreamToken, requireUserToken({ adoptForeignAuth: adoptUpstream }), echo],
      '/not-adopted': [setUpstreamToken, requireClientToken(), echo],
      '/adopted-own-source': [setUpstreamToken, requireClientToken({ source: options }), echo],
      '/maybe': [requireUserToken({ source: shared, optional: true }), requireScopes('read', { source: shared, optional: true }), echo],
    }),
  );
  return app;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  const options: VerifierOptions = { issuer: issuer.issuer, audience: issuer.audience, signatureVerifier: signatures.verify, cache: false };
  api = await serve(guardedApp(options));
  dropIn = await serve(dropInApp(options));
});

beforeEach(() => {
  signatures.reset();
});

afterAll(async () => {
  await Promise.all([api.close(), dropIn.close()]);
  await issuer.close();
});

describe('token type guards', () => {
  it('refuses a client token on a user route with the exact description', async () => {
    const response = await get(`${api.url}/user`, await issuer.mintClientToken());
    await expectProblem(response, {
      status: 403,
      code: 'invalid_token_type',
      detail: USER_REQUIRED,
      body: { required_token_type: 'user', token_type: 'client' },
      headers: { 'www-authenticate': bearerChallenge('invalid_token_type', USER_REQUIRED) },
    });
  });

  it('refuses a user token on a client route with the mirror description', async () => {
    await expectProblem(await get(`${api.url}/client`, await issuer.mintUserToken()), { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
  });

  it('accepts the right type', async () => {
    expect((await get(`${api.url}/user`, await issuer.mintUserToken())).status).toBe(200);
    expect((await get(`${api.url}/client`, await issuer.mintClientToken())).status).toBe(200);
  });

  it('accepts either type on a route requiring any token', async () => {
    expect(await (await get(`${api.url}/any`, await issuer.mintUserToken())).json()).toMatchObject({ type: 'user' });
    expect(await (await get(`${api.url}/any`, await issuer.mintClientToken())).json()).toMatchObject({ type: 'client' });
  });

  it('answers 401 without a token', async () => {
    const response = await get(`${api.url}/user`);
    await expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
  });
});

describe('scope guards', () => {
  it('refuses a token missing a scope with 403 insufficient_scope', async () => {
    const response = await get(`${api.url}/scopes`, await issuer.mintUserToken({ scopes: ['read:font:data'] }));
    const body = await expectProblem(response, {
      status: 403,
      code: 'insufficient_scope',
      headers: { 'www-authenticate': /^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="read:font:data create:webfonts:kit"$/ },
    });
    expect(body.missing_scopes).toEqual(['create:webfonts:kit']);
  });

  it.each([
    ['scope string', 'scope'],
    ['scp array', 'scp'],
    ['permissions array', 'permissions'],
  ] as const)('reads scopes from a %s', async (_name, scopeClaim) => {
    const token = await issuer.mintUserToken({ scopes: ['read:font:data', 'create:webfonts:kit'], scopeClaim });
    const response = await get(`${api.url}/scopes`, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ scopes: ['read:font:data', 'create:webfonts:kit'] });
  });

  it('accepts any one of the scopes for requireAnyScope', async () => {
    expect((await get(`${api.url}/any-scope`, await issuer.mintClientToken({ scopes: ['admin'] }))).status).toBe(200);
    const response = await get(`${api.url}/any-scope`, await issuer.mintClientToken({ scopes: ['other'] }));
    await expectProblem(response, { status: 403, code: 'insufficient_scope', headers: { 'www-authenticate': /, scope="reports:read admin"$/ } });
  });
});

describe('claim guards', () => {
  it('accepts a token whose claims hold', async () => {
    const token = await issuer.mintUserToken({ claims: { tenant: 'acme', groups: ['viewers', 'editors'] } });
    expect((await get(`${api.url}/claims`, token)).status).toBe(200);
  });

  it('refuses a token whose claim differs with 401 invalid_token', async () => {
    const token = await issuer.mintUserToken({ claims: { tenant: 'other', groups: ['editors'] } });
    const response = await get(`${api.url}/claims`, token);
    await expectProblem(response, { status: 401, code: 'invalid_token', headers: { 'www-authenticate': /error="invalid_token"/ } });
  });
});

describe('verification happens once per request', () => {
  it('after auth(), however many guards follow', async () => {
    const token = await issuer.mintUserToken({ scopes: ['read'], claims: { tenant: 'acme' } });
    expect((await get(`${api.url}/stacked`, token)).status).toBe(200);
    expect(signatures.calls()).toBe(1);
  });

  it('with drop-in guards that share one verifier', async () => {
    const token = await issuer.mintUserToken({ scopes: ['read'], claims: { tenant: 'acme' } });
    const response = await get(`${dropIn.url}/stacked`, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: 'user-123' });
    expect(signatures.calls()).toBe(1);
  });

  it('with a drop-in guard followed by guards without a source', async () => {
    const token = await issuer.mintUserToken({ scopes: ['read'], claims: { tenant: 'acme' } });
    expect((await get(`${dropIn.url}/mixed`, token)).status).toBe(200);
    expect(signatures.calls()).toBe(1);
  });

  it('but a guard with a verifier of its own checks the token with it again', async () => {
    const token = await issuer.mintUserToken({ scopes: ['read'] });
    expect((await get(`${dropIn.url}/separate`, token)).status).toBe(200);
    expect(signatures.calls()).toBe(2);
  });

  it('reports the failing guard after one verification', async () => {
    const token = await issuer.mintUserToken({ scopes: ['read'], claims: { tenant: 'other' } });
    await expectProblem(await get(`${dropIn.url}/stacked`, token), { status: 401, code: 'invalid_token' });
    expect(signatures.calls()).toBe(1);
  });
});

describe('drop-in guards', () => {
  it('authenticate by themselves and set ctx.state.auth', async () => {
    const response = await get(`${dropIn.url}/user`, await issuer.mintUserToken({ sub: 'carol' }));
    expect(await response.json()).toMatchObject({ subject: 'carol', type: 'user' });
  });

  it('reject by themselves', async () => {
    await expectProblem(await get(`${dropIn.url}/user`), { status: 401, code: 'missing_token' });
    await expectProblem(await get(`${dropIn.url}/user`, await issuer.mintClientToken()), { status: 403, code: 'invalid_token_type' });
  });

  it('with a source of their own do not reuse a token another middleware put on ctx.state.auth: they verify the request', async () => {
    await expectProblem(await get(`${dropIn.url}/adopted-own-source`), { status: 401, code: 'missing_token' });
    expect(signatures.calls()).toBe(0);
  });

  it('ignore an object another middleware put on ctx.state.auth that tokengate did not verify (no adoptForeignAuth)', async () => {
    // The request goes to verification, which this guard has no configuration for: 500, not 200.
    await expectProblem(await get(`${dropIn.url}/not-adopted`), { status: 500, code: 'server_error' });
  });

  it('without a source reuse what adoptForeignAuth maps from ctx.state.auth', async () => {
    const response = await get(`${dropIn.url}/adopted-client`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'svc', type: 'client', scopes: ['jobs:run'] });
    expect(signatures.calls()).toBe(0);
  });

  it('check the requirement against an adopted token', async () => {
    await expectProblem(await get(`${dropIn.url}/adopted-user`), { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
  });
});

describe('optional guards', () => {
  it('let a request without credentials through with no token', async () => {
    const response = await get(`${dropIn.url}/maybe`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ anonymous: true });
    expect(signatures.calls()).toBe(0);
  });

  it('still check a token that is there, once', async () => {
    const ok = await get(`${dropIn.url}/maybe`, await issuer.mintUserToken({ sub: 'dan', scopes: ['read'] }));
    expect(await ok.json()).toMatchObject({ subject: 'dan', type: 'user' });
    expect(signatures.calls()).toBe(1);
    await expectProblem(await get(`${dropIn.url}/maybe`, await issuer.mintClientToken({ scopes: ['read'] })), { status: 403, code: 'invalid_token_type' });
    await expectProblem(await get(`${dropIn.url}/maybe`, await issuer.mintUserToken({ scopes: ['write'] })), { status: 403, code: 'insufficient_scope' });
    await expectProblem(await get(`${dropIn.url}/maybe`, await issuer.mintUserToken({ expiresIn: -600 })), { status: 401, code: 'invalid_token' });
  });
});

describe('guard factories', () => {
  it('throw at start-up for an empty or bad requirement', () => {
    expect(() => requireScopes()).toThrow(TypeError);
    expect(() => requireAnyScope({ errors: 'delegate' })).toThrow(TypeError);
    expect(() => requireToken({ token: 'admin' as 'user' })).toThrow(TypeError);
    expect(() => requireUserToken({ source: { issuer: 'ftp://x', audience: 'y' } })).toThrow(TypeError);
  });
});
