import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BARE_CHALLENGE, bearer, bearerChallenge, CLIENT_REQUIRED, INSUFFICIENT_SCOPE, NO_TOKEN, USER_REQUIRED } from '@tokengate/test-support';
import { quote } from '../../core/src/errors/challenge.js';
import { createForeignKey, createTestIssuer, type TestIssuer } from '@tokengate/testing';
import tokengate, { createVerifier, tokengate as namedTokengate, type TokenGatePluginOptions } from '@tokengate/fastify';
import { challenge, expectProblem, FASTIFY_PROBLEM_MEDIA_TYPE, optionsFor } from './support.js';

let issuer: TestIssuer;
let app: FastifyInstance;
const apps: FastifyInstance[] = [];

async function build(options: TokenGatePluginOptions, routes: (app: FastifyInstance) => void = () => undefined): Promise<FastifyInstance> {
  const instance = Fastify();
  apps.push(instance);
  await instance.register(tokengate, options);
  instance.get('/any', async (request) => ({ subject: request.auth?.subject, type: request.auth?.type }));
  instance.get('/scoped', { config: { tokengate: { scopes: ['files:read', 'files:write'] } } }, async () => 'ok');
  routes(instance);
  await instance.ready();
  return instance;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  app = await build(optionsFor(issuer), (instance) => {
    instance.get('/user', { config: { tokengate: { token: 'user' } } }, async (request) => ({ subject: request.auth?.subject }));
    instance.get('/client', { config: { tokengate: { token: 'client' } } }, async (request) => ({ clientId: request.auth?.clientId }));
    instance.get('/either', { config: { tokengate: { token: 'any' } } }, async (request) => ({ type: request.auth?.type }));
    instance.get('/any-scope', { config: { tokengate: { anyScopes: ['a', 'b'] } } }, async () => 'ok');
    instance.get('/optional', { config: { tokengate: { optional: true } } }, async (request) => ({ auth: request.auth?.subject ?? null }));
    instance.get('/health', { config: { tokengate: false } }, async (request) => ({ auth: request.auth === undefined ? 'undefined' : request.auth }));
    instance.post('/upload', async (request) => ({ body: request.body }));
    instance.register(async (child) => {
      child.get('/child', async (request) => ({ subject: request.auth?.subject }));
    });
  });
});

afterEach(() => {
  issuer.faults.reset();
});

afterAll(async () => {
  await Promise.all(apps.map((instance) => instance.close()));
  await issuer.close();
});

describe('tokengate plugin', () => {
  it('is the default export and the named export, made with fastify-plugin', () => {
    expect(namedTokengate).toBe(tokengate);
    expect(Reflect.get(tokengate, Symbol.for('skip-override'))).toBe(true);
    expect(Reflect.get(tokengate, Symbol.for('fastify.display-name'))).toBe('@tokengate/fastify');
  });

  it('authenticates a route and sets request.auth', async () => {
    const response = await app.inject({ url: '/any', headers: bearer(await issuer.mintUserToken({ sub: 'alice' })) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ subject: 'alice', type: 'user' });
  });

  it('answers a missing token with a bare challenge and no OAuth error', async () => {
    const response = await app.inject({ url: '/any' });
    expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
  });

  it('gives every failure its own instance id', async () => {
    const first = (await app.inject({ url: '/any' })).json<{ instance: string }>();
    const second = (await app.inject({ url: '/any' })).json<{ instance: string }>();
    expect(first.instance).not.toBe(second.instance);
  });

  it('rejects a malformed Authorization header with 400 invalid_request', async () => {
    const response = await app.inject({ url: '/any', headers: { authorization: 'Bearer two tokens' } });
    expectProblem(response, { status: 400, code: 'invalid_request', headers: { 'www-authenticate': /^Bearer realm="api", error="invalid_request", error_description="/ } });
  });

  it.each([
    ['an expired token', () => issuer.mintUserToken({ expiresIn: -120 })],
    ['a token for another audience', () => issuer.mintUserToken({ audience: 'https://elsewhere.test' })],
    ['a token from another issuer', () => issuer.mintUserToken({ issuer: 'https://evil.example.com' })],
    ['a bad signature', async () => issuer.mintUserToken({ signingKey: await createForeignKey() })],
    ['an unknown kid', () => issuer.mintUserToken({ kid: 'no-such-key' })],
  ])('rejects %s with 401 invalid_token', async (_name, mint) => {
    const response = await app.inject({ url: '/any', headers: bearer(await mint()) });
    const body = expectProblem(response, { status: 401, code: 'invalid_token' });
    expect(challenge(response)).toBe(`Bearer realm="api", error="invalid_token", error_description=${quote(String(body.detail))}`);
  });

  it('refuses a client token on a user route with the exact description', async () => {
    const response = await app.inject({ url: '/user', headers: bearer(await issuer.mintClientToken()) });
    expectProblem(response, { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED, headers: { 'www-authenticate': bearerChallenge('invalid_token_type', USER_REQUIRED) } });
  });

  it('refuses a user token on a client route with the mirror description', async () => {
    const response = await app.inject({ url: '/client', headers: bearer(await issuer.mintUserToken()) });
    expectProblem(response, { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    const ok = await app.inject({ url: '/client', headers: bearer(await issuer.mintClientToken({ clientId: 'billing' })) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ clientId: 'billing' });
  });

  it('accepts either token type on an any route', async () => {
    for (const [token, type] of [
      [await issuer.mintUserToken(), 'user'],
      [await issuer.mintClientToken(), 'client'],
    ] as const) {
      const response = await app.inject({ url: '/either', headers: bearer(token) });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ type });
    }
  });

  it('refuses a missing scope with insufficient_scope, the scope challenge and missing_scopes', async () => {
    const response = await app.inject({ url: '/scoped', headers: bearer(await issuer.mintUserToken({ scopes: ['files:read'] })) });
    const body = expectProblem(response, {
      status: 403,
      code: 'insufficient_scope',
      headers: { 'www-authenticate': /^Bearer realm="api", error="insufficient_scope", error_description="[^"]+", scope="files:read files:write"$/ },
    });
    expect(body.missing_scopes).toEqual(['files:write']);
  });

  it.each(['scope', 'scp', 'permissions'] as const)('reads scopes from the %s claim', async (scopeClaim) => {
    const token = await issuer.mintUserToken({ scopes: ['files:read', 'files:write'], scopeClaim });
    expect((await app.inject({ url: '/scoped', headers: bearer(token) })).statusCode).toBe(200);
  });

  it('checks anyScopes from the route config', async () => {
    expect((await app.inject({ url: '/any-scope', headers: bearer(await issuer.mintUserToken({ scopes: ['b'] })) })).statusCode).toBe(200);
    expectProblem(await app.inject({ url: '/any-scope', headers: bearer(await issuer.mintUserToken({ scopes: ['c'] })) }), { status: 403, code: 'insufficient_scope' });
  });

  it('lets a request without credentials through an optional route, but not a bad token', async () => {
    const anonymous = await app.inject({ url: '/optional' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ auth: null });
    const signedIn = await app.inject({ url: '/optional', headers: bearer(await issuer.mintUserToken({ sub: 'bob' })) });
    expect(signedIn.json()).toEqual({ auth: 'bob' });
    expectProblem(await app.inject({ url: '/optional', headers: bearer(await issuer.mintUserToken({ expiresIn: -120 })) }), { status: 401, code: 'invalid_token' });
  });

  it('skips routes that opt out with tokengate: false', async () => {
    const response = await app.inject({ url: '/health', headers: { authorization: 'Bearer not-even-a-jwt' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ auth: 'undefined' });
  });

  it('authenticates before the body is parsed', async () => {
    const response = await app.inject({ method: 'POST', url: '/upload', headers: { 'content-type': 'application/json' }, payload: '{not json' });
    expectProblem(response, { status: 401, code: 'missing_token' });
  });

  it('answers unknown URLs in its context with 401 before 404', async () => {
    expectProblem(await app.inject({ url: '/no-such-route' }), { status: 401, code: 'missing_token' });
    expect((await app.inject({ url: '/no-such-route', headers: bearer(await issuer.mintUserToken()) })).statusCode).toBe(404);
  });

  it('covers child contexts of the one it is registered in', async () => {
    expectProblem(await app.inject({ url: '/child' }), { status: 401, code: 'missing_token' });
    const response = await app.inject({ url: '/child', headers: bearer(await issuer.mintUserToken({ sub: 'carol' })) });
    expect(response.json()).toEqual({ subject: 'carol' });
  });

  it('leaves sibling contexts without the plugin unauthenticated', async () => {
    const instance = Fastify();
    apps.push(instance);
    await instance.register(async (scoped) => {
      await scoped.register(tokengate, optionsFor(issuer));
      scoped.get('/private', async (request) => ({ subject: request.auth?.subject }));
    });
    await instance.register(async (open) => {
      open.get('/public', async (request) => ({ auth: request.auth ?? 'none' }));
    });
    expectProblem(await instance.inject({ url: '/private' }), { status: 401, code: 'missing_token' });
    const open = await instance.inject({ url: '/public', headers: { authorization: 'Bearer garbage garbage' } });
    expect(open.statusCode).toBe(200);
    expect(open.json()).toEqual({ auth: 'none' });
  });

  it('compiles route requirements at registration and rejects a bad one', async () => {
    const instance = Fastify();
    apps.push(instance);
    await instance.register(tokengate, optionsFor(issuer));
    expect(() => instance.get('/bad', { config: { tokengate: { token: 'robot' as 'user' } } }, async () => 'never')).toThrow(/"token" must be/);
  });

  it('applies route config to routes added before the plugin', async () => {
    const instance = Fastify();
    apps.push(instance);
    instance.get('/early', { config: { tokengate: { token: 'user' } } }, async (request) => ({ subject: request.auth?.subject }));
    await instance.register(tokengate, optionsFor(issuer));
    expectProblem(await instance.inject({ url: '/early', headers: bearer(await issuer.mintClientToken()) }), { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
    expect((await instance.inject({ url: '/early', headers: bearer(await issuer.mintUserToken()) })).statusCode).toBe(200);
  });

  it('makes the whole context optional with optional: true', async () => {
    const instance = await build({ ...optionsFor(issuer), optional: true });
    expect((await instance.inject({ url: '/any' })).json()).toEqual({});
    expectProblem(await instance.inject({ url: '/scoped', headers: bearer(await issuer.mintUserToken()) }), { status: 403, code: 'insufficient_scope' });
  });

  it('uses a verifier passed as { verifier }', async () => {
    const verifier = createVerifier({ ...optionsFor(issuer), realm: 'files' });
    const instance = await build({ verifier });
    expect(challenge(await instance.inject({ url: '/any' }))).toBe('Bearer realm="files"');
  });

  it('rejects invalid options at registration', async () => {
    await expect(Fastify().register(tokengate, { issuer: 'not a url', audience: 'x' })).rejects.toThrow(TypeError);
    await expect(Fastify().register(tokengate, { ...optionsFor(issuer), errors: 'loud' as 'delegate' })).rejects.toThrow(/"errors"/);
  });

  it('answers 503 with Retry-After when the issuer is down from cold', async () => {
    const instance = await build(optionsFor(issuer));
    const token = await issuer.mintUserToken();
    issuer.faults.down = true;
    const response = await instance.inject({ url: '/any', headers: bearer(token) });
    expectProblem(response, { status: 503, code: 'temporarily_unavailable', headers: { 'www-authenticate': undefined } });
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('shapes the body with formatProblem, keeping status, headers and content type', async () => {
    const instance = await build({ ...optionsFor(issuer), formatProblem: (problem, error) => ({ code: error.code, message: problem.detail }) });
    const response = await instance.inject({ url: '/scoped', headers: bearer(await issuer.mintUserToken()) });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toBe(FASTIFY_PROBLEM_MEDIA_TYPE);
    expect(challenge(response)).toContain('scope="files:read files:write"');
    expect(response.json()).toEqual({ code: 'insufficient_scope', message: INSUFFICIENT_SCOPE });
  });
});

describe("errors: 'delegate'", () => {
  let delegating: FastifyInstance;

  beforeAll(async () => {
    delegating = await build({ ...optionsFor(issuer), errors: 'delegate' }, (instance) => {
      instance.get('/user', { config: { tokengate: { token: 'user' } } }, async () => 'ok');
    });
  });

  it('lets the default error handler send the status and the bare challenge', async () => {
    const response = await delegating.inject({ url: '/any' });
    expect(response.statusCode).toBe(401);
    expect(challenge(response)).toBe(BARE_CHALLENGE);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toMatchObject({ statusCode: 401, code: 'missing_token', message: NO_TOKEN });
  });

  it('sends 403 with the scope challenge', async () => {
    const response = await delegating.inject({ url: '/scoped', headers: bearer(await issuer.mintUserToken({ scopes: ['files:read'] })) });
    expect(response.statusCode).toBe(403);
    expect(challenge(response)).toContain('error="insufficient_scope"');
    expect(challenge(response)).toContain('scope="files:read files:write"');
  });

  it('sends invalid_token_type through the default error handler', async () => {
    const response = await delegating.inject({ url: '/user', headers: bearer(await issuer.mintClientToken()) });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'invalid_token_type', message: USER_REQUIRED });
  });

  it('hands the TokenGateError itself to a custom error handler', async () => {
    const instance = Fastify();
    apps.push(instance);
    await instance.register(tokengate, { ...optionsFor(issuer), errors: 'delegate' });
    instance.setErrorHandler(async (error, _request, reply) => reply.code(418).send({ name: (error as Error).name }));
    instance.get('/any', async () => 'ok');
    const response = await instance.inject({ url: '/any' });
    expect(response.statusCode).toBe(418);
    expect(response.json()).toEqual({ name: 'TokenGateError' });
  });
});

describe('config.tokengate read member by member', () => {
  /** A requirement defined by a class: its members live on the prototype (getters). */
  class UserOnly {
    get token(): 'user' {
      return 'user';
    }
    get scopes(): string[] {
      return ['files:read'];
    }
  }

  it('keeps requirements a class instance defines by getters (a client token is not let through)', async () => {
    const app = await build(optionsFor(issuer), (instance) => {
      instance.get('/class', { config: { tokengate: new UserOnly() } }, async () => 'ok');
    });
    expectProblem(await app.inject({ url: '/class', headers: bearer(await issuer.mintClientToken({ scopes: ['files:read'] })) }), { status: 403, code: 'invalid_token_type' });
    expectProblem(await app.inject({ url: '/class', headers: bearer(await issuer.mintUserToken()) }), { status: 403, code: 'insufficient_scope' });
    expect((await app.inject({ url: '/class', headers: bearer(await issuer.mintUserToken({ scopes: ['files:read'] })) })).statusCode).toBe(200);
  });

  it('refuses at start-up what cannot be read', async () => {
    const throwing = Object.defineProperty({}, 'token', {
      get() {
        throw new Error('unreadable');
      },
    });
    await expect(build(optionsFor(issuer), (instance) => instance.get('/bad', { config: { tokengate: throwing } }, async () => 'ok'))).rejects.toThrow('unreadable');
    await expect(build(optionsFor(issuer), (instance) => instance.get('/bad', { config: { tokengate: { optional: 'yes' as unknown as boolean } } }, async () => 'ok'))).rejects.toThrow(/optional/);
  });
});
