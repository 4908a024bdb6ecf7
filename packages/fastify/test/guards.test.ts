import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import tokengate, {
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
} from '@tokengate/fastify';
import { BARE_CHALLENGE, bearer, CLIENT_REQUIRED, countingSignatureVerifier, USER_REQUIRED, withEnvironment } from '@tokengate/test-support';
import { challenge, expectProblem, optionsFor } from './support.js';

let issuer: TestIssuer;
const apps: FastifyInstance[] = [];
const signatures = countingSignatureVerifier();

function newApp(): FastifyInstance {
  const instance = Fastify();
  apps.push(instance);
  return instance;
}

async function subjectRoute(instance: FastifyInstance, path: string, hooks: object): Promise<void> {
  instance.get(path, hooks, async (request) => ({ subject: request.auth?.subject ?? null, type: request.auth?.type ?? null }));
}

beforeAll(async () => {
  issuer = await createTestIssuer();
});

afterEach(() => {
  signatures.reset();
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.all(apps.map((instance) => instance.close()));
  await issuer.close();
});

describe('guards after the plugin', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = newApp();
    await app.register(tokengate, { ...optionsFor(issuer), signatureVerifier: signatures.verify, cache: false });
    await subjectRoute(app, '/user', { onRequest: requireUserToken() });
    await subjectRoute(app, '/client', { preHandler: [requireClientToken()] });
    await subjectRoute(app, '/all', { preHandler: [requireScopes('files:read', 'files:write')] });
    await subjectRoute(app, '/one', { onRequest: [requireAnyScope('a', 'b')] });
    await subjectRoute(app, '/org', { preHandler: requireClaims(claimEquals('org_id', 'org_1'), claimIncludes('roles', 'editor')) });
    await subjectRoute(app, '/many', {
      onRequest: [requireUserToken(), requireScopes('a')],
      preHandler: [requireAnyScope('a', 'z'), requireClaims(claimCheck((claims) => claims.sub === 'dave'))],
    });
  });

  it('requireUserToken refuses a client token with the exact description', async () => {
    const response = await app.inject({ url: '/user', headers: bearer(await issuer.mintClientToken()) });
    expectProblem(response, { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
    expect((await app.inject({ url: '/user', headers: bearer(await issuer.mintUserToken({ sub: 'eve' })) })).json()).toEqual({ subject: 'eve', type: 'user' });
  });

  it('requireClientToken refuses a user token with the mirror description', async () => {
    const response = await app.inject({ url: '/client', headers: bearer(await issuer.mintUserToken()) });
    expectProblem(response, { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    expect((await app.inject({ url: '/client', headers: bearer(await issuer.mintClientToken()) })).statusCode).toBe(200);
  });

  it('requireScopes needs every scope and names the missing ones', async () => {
    const response = await app.inject({ url: '/all', headers: bearer(await issuer.mintUserToken({ scopes: ['files:write'] })) });
    expect(expectProblem(response, { status: 403, code: 'insufficient_scope' }).missing_scopes).toEqual(['files:read']);
    expect(challenge(response)).toContain('scope="files:read files:write"');
    const ok = await app.inject({ url: '/all', headers: bearer(await issuer.mintUserToken({ scopes: ['files:read', 'files:write'], scopeClaim: 'scp' })) });
    expect(ok.statusCode).toBe(200);
  });

  it('requireAnyScope needs one of the scopes', async () => {
    expectProblem(await app.inject({ url: '/one', headers: bearer(await issuer.mintUserToken({ scopes: ['c'] })) }), { status: 403, code: 'insufficient_scope' });
    const ok = await app.inject({ url: '/one', headers: bearer(await issuer.mintClientToken({ scopes: ['b'] })) });
    expect(ok.statusCode).toBe(200);
  });

  it('requireClaims checks every predicate', async () => {
    const wrongOrg = await issuer.mintUserToken({ claims: { org_id: 'org_2', roles: ['editor'] } });
    expectProblem(await app.inject({ url: '/org', headers: bearer(wrongOrg) }), { status: 401, code: 'invalid_token', detail: 'Unexpected "org_id" value' });
    const noRole = await issuer.mintUserToken({ claims: { org_id: 'org_1', roles: 'viewer' } });
    expectProblem(await app.inject({ url: '/org', headers: bearer(noRole) }), { status: 401, code: 'invalid_token', detail: 'Unexpected "roles" value' });
    const ok = await issuer.mintUserToken({ claims: { org_id: 'org_1', roles: 'viewer editor' } });
    expect((await app.inject({ url: '/org', headers: bearer(ok) })).statusCode).toBe(200);
  });

  it('verifies a request once across the plugin and several guards', async () => {
    const token = await issuer.mintUserToken({ sub: 'dave', scopes: ['a'] });
    const response = await app.inject({ url: '/many', headers: bearer(token) });
    expect(response.json()).toEqual({ subject: 'dave', type: 'user' });
    expect(signatures.calls()).toBe(1);
    await app.inject({ url: '/many', headers: bearer(token) });
    expect(signatures.calls()).toBe(2);
  });
});

describe('guards on their own', () => {
  it('authenticate from their own source, once across guards', async () => {
    const verifier = createVerifier({ ...optionsFor(issuer), signatureVerifier: signatures.verify, cache: false });
    const app = newApp();
    await subjectRoute(app, '/files', { onRequest: [requireUserToken({ source: verifier }), requireToken({ scopes: ['f'] }, { source: verifier })] });
    const response = await app.inject({ url: '/files', headers: bearer(await issuer.mintUserToken({ sub: 'fay', scopes: ['f'] })) });
    expect(response.json()).toEqual({ subject: 'fay', type: 'user' });
    expect(signatures.calls()).toBe(1);
    expectProblem(await app.inject({ url: '/files' }), { status: 401, code: 'missing_token' });
  });

  it('without a source reuse what adoptForeignAuth maps from request.auth; with one, verify for themselves', async () => {
    const app = newApp();
    const token: AccessToken = { token: 'x', format: 'jwt', claims: {}, header: {}, issuer: issuer.issuer, scopes: ['s'], type: 'client', clientId: 'svc' };
    app.decorateRequest('auth', undefined);
    app.addHook('onRequest', async (request) => {
      request.auth = token;
    });
    const adoptForeignAuth = (value: unknown) => (value === token ? token : undefined);
    await subjectRoute(app, '/client', { onRequest: requireClientToken({ adoptForeignAuth }) });
    await subjectRoute(app, '/user', { onRequest: requireUserToken({ adoptForeignAuth }) });
    await subjectRoute(app, '/not-adopted', { onRequest: requireClientToken() });
    await subjectRoute(app, '/own-source', { onRequest: requireClientToken({ source: optionsFor(issuer) }) });
    expect((await app.inject({ url: '/client' })).json()).toEqual({ subject: null, type: 'client' });
    expectProblem(await app.inject({ url: '/user' }), { status: 403, code: 'invalid_token_type' });
    // Without adoptForeignAuth an object tokengate did not verify is ignored: the request goes to
    // verification, which this app never configured (500 server_error, not a 200).
    expectProblem(await app.inject({ url: '/not-adopted' }), { status: 500, code: 'server_error' });
    // A guard with a source of its own verifies the request itself (here: no credentials).
    expectProblem(await app.inject({ url: '/own-source' }), { status: 401, code: 'missing_token' });
  });

  it('with optional: true let anonymous requests through but still check tokens', async () => {
    const app = newApp();
    await subjectRoute(app, '/maybe', { onRequest: requireToken({ token: 'user' }, { source: optionsFor(issuer), optional: true }) });
    expect((await app.inject({ url: '/maybe' })).json()).toEqual({ subject: null, type: null });
    expectProblem(await app.inject({ url: '/maybe', headers: bearer(await issuer.mintClientToken()) }), { status: 403, code: 'invalid_token_type' });
  });

  it("with errors: 'delegate' throw to Fastify's default error handler", async () => {
    const app = newApp();
    await subjectRoute(app, '/scoped', { preHandler: requireToken({ scopes: ['s1', 's2'] }, { source: optionsFor(issuer), errors: 'delegate' }) });
    const response = await app.inject({ url: '/scoped', headers: bearer(await issuer.mintUserToken({ scopes: ['s1'] })) });
    expect(response.statusCode).toBe(403);
    expect(challenge(response)).toMatch(/^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="s1 s2"$/);
    expect(response.json()).toMatchObject({ statusCode: 403, code: 'insufficient_scope' });
  });

  it('variadic guards take trailing options, like requireToken', async () => {
    const app = newApp();
    const source = optionsFor(issuer);
    await subjectRoute(app, '/all', { preHandler: requireScopes('s1', 's2', { source, errors: 'delegate' }) });
    await subjectRoute(app, '/any', { preHandler: requireAnyScope('s3', 's4', { source, formatProblem: (problem) => ({ oops: problem.status }) }) });
    await subjectRoute(app, '/claims', { preHandler: requireClaims(claimEquals('sub', 'erin'), { source }) });
    const token = await issuer.mintUserToken({ sub: 'erin', scopes: ['s1'] });
    const delegated = await app.inject({ url: '/all', headers: bearer(token) });
    expect(delegated.statusCode).toBe(403);
    expect(delegated.json()).toMatchObject({ statusCode: 403, code: 'insufficient_scope' });
    const formatted = await app.inject({ url: '/any', headers: bearer(token) });
    expect(formatted.statusCode).toBe(403);
    expect(formatted.json()).toEqual({ oops: 403 });
    expect((await app.inject({ url: '/claims', headers: bearer(token) })).json()).toEqual({ subject: 'erin', type: 'user' });
  });

  it('reject bad options when they are created', () => {
    expect(() => requireUserToken({ source: { issuer: 'ftp://nope', audience: 'x' } })).toThrow(TypeError);
    expect(() => requireToken({ token: 'robot' as 'user' })).toThrow(/"token" must be/);
    expect(() => requireUserToken({ formatProblem: 'json' as unknown as () => unknown })).toThrow(/formatProblem/);
    expect(() => requireScopes()).toThrow('requireScopes() needs at least one scope');
    expect(() => requireAnyScope({ errors: 'delegate' })).toThrow('requireAnyScope() needs at least one scope');
    expect(() => requireClaims()).toThrow('requireClaims() needs at least one predicate');
  });
});

describe('configuration from the environment', () => {
  it('lets a drop-in guard read TOKENGATE_* variables', async () => {
    await withEnvironment({ TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience, TOKENGATE_JWKS_URI: issuer.jwksUri }, async () => {
      const app = newApp();
      app.addHook('onRequest', requireUserToken());
      await subjectRoute(app, '/me', {});
      expect((await app.inject({ url: '/me', headers: bearer(await issuer.mintUserToken({ sub: 'gil' })) })).json()).toEqual({ subject: 'gil', type: 'user' });
      expectProblem(await app.inject({ url: '/me', headers: bearer(await issuer.mintClientToken()) }), { status: 403, code: 'invalid_token_type' });
    });
  });

  it('lets the plugin and auth() read them too', async () => {
    await withEnvironment({ TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience }, async () => {
      const plugged = newApp();
      await plugged.register(tokengate);
      await subjectRoute(plugged, '/me', {});
      const hooked = newApp();
      await subjectRoute(hooked, '/me', { onRequest: auth() });
      const token = await issuer.mintUserToken({ sub: 'hal' });
      for (const app of [plugged, hooked]) {
        expect((await app.inject({ url: '/me', headers: bearer(token) })).json()).toEqual({ subject: 'hal', type: 'user' });
        expectProblem(await app.inject({ url: '/me' }), { status: 401, code: 'missing_token' });
      }
    });
  });

  it('answers 500 server_error when unconfigured and logs it once', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await withEnvironment({}, async () => {
      const app = newApp();
      app.addHook('onRequest', requireUserToken());
      await subjectRoute(app, '/me', {});
      for (let i = 0; i < 3; i += 1) {
        const body = expectProblem(await app.inject({ url: '/me', headers: bearer('a.b.c') }), { status: 500, code: 'server_error' });
        expect(body.detail).toMatch(/TOKENGATE_ISSUER and TOKENGATE_AUDIENCE/);
      }
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]?.[0])).toMatch(/^\[tokengate\] tokengate is not configured/);
    });
  });
});

describe('auth() without the plugin', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = newApp();
    await subjectRoute(app, '/required', { onRequest: auth(optionsFor(issuer)) });
    await subjectRoute(app, '/optional', { onRequest: auth(optionsFor(issuer), { optional: true }) });
    await subjectRoute(app, '/formatted', { onRequest: auth(optionsFor(issuer), { formatProblem: (problem) => ({ oops: problem.status }) }) });
    await subjectRoute(app, '/delegated', { onRequest: auth(optionsFor(issuer), { errors: 'delegate' }) });
  });

  it('authenticates and sets request.auth', async () => {
    expect((await app.inject({ url: '/required', headers: bearer(await issuer.mintClientToken({ clientId: 'svc' })) })).json()).toEqual({ subject: 'svc', type: 'client' });
    const response = await app.inject({ url: '/required' });
    expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
  });

  it('is optional only for requests without credentials', async () => {
    expect((await app.inject({ url: '/optional' })).json()).toEqual({ subject: null, type: null });
    expectProblem(await app.inject({ url: '/optional', headers: { authorization: 'Bearer ' } }), { status: 400, code: 'invalid_request' });
    expectProblem(await app.inject({ url: '/optional', headers: bearer(await issuer.mintUserToken({ audience: 'https://other.test' })) }), { status: 401, code: 'invalid_token' });
  });

  it('uses formatProblem and delegate mode', async () => {
    const formatted = await app.inject({ url: '/formatted' });
    expect(formatted.statusCode).toBe(401);
    expect(formatted.json()).toEqual({ oops: 401 });
    expect(challenge(formatted)).toBe(BARE_CHALLENGE);
    const delegated = await app.inject({ url: '/delegated', headers: bearer(await issuer.mintUserToken({ expiresIn: -60 })) });
    expect(delegated.statusCode).toBe(401);
    expect(challenge(delegated)).toMatch(/^Bearer realm="api", error="invalid_token", error_description="/);
    expect(delegated.json()).toMatchObject({ code: 'invalid_token' });
  });
});
