import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { auth, createVerifier, requireAnyScope, requireClaims, requireScopes, requireUserToken, routePolicy } from '@tokengate/express';
import { bearer, expectProblem, withEnvironment } from '@tokengate/test-support';
import { echo, frameworks, type Handler } from './support.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});

afterEach(() => {
  vi.restoreAllMocks();
  issuer.resetCounts();
});

afterAll(async () => {
  await issuer.close();
});

describe.each(frameworks)('%s configuration from the environment', (_name, createApp) => {
  it('app.use(requireUserToken()) works as a drop-in guard', async () => {
    const environment = { TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: `https://other.test, ${issuer.audience}`, TOKENGATE_JWKS_URI: issuer.jwksUri };
    await withEnvironment(environment, async () => {
      const app = createApp();
      app.use(requireUserToken());
      app.use(echo);
      const user = await request(app).get('/v1/identity/me').set(bearer(await issuer.mintUserToken({ sub: 'alice' })));
      expect(user.status).toBe(200);
      expect(user.body).toMatchObject({ sub: 'alice', type: 'user' });
      expectProblem(await request(app).get('/v1/identity/me').set(bearer(await issuer.mintClientToken())), { status: 403, code: 'invalid_token_type' });
      expectProblem(await request(app).get('/v1/identity/me'), { status: 401, code: 'missing_token' });
      expect(issuer.fetchCounts.jwks).toBe(1);
      expect(issuer.fetchCounts.discovery).toBe(0);
    });
  });

  it('auth() without arguments discovers the keys from TOKENGATE_ISSUER', async () => {
    await withEnvironment({ TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience }, async () => {
      const app = createApp();
      app.use(auth(), requireScopes('read'));
      app.use(echo);
      expect((await request(app).get('/').set(bearer(await issuer.mintClientToken({ scopes: ['read'] })))).status).toBe(200);
      expect(issuer.fetchCounts.discovery).toBeGreaterThan(0);
    });
  });

  it.each([
    ['auth()', () => auth()],
    ['requireUserToken()', () => requireUserToken()],
    ['routePolicy()', () => routePolicy([{ path: '/*', token: 'user' }])],
  ] satisfies ReadonlyArray<readonly [string, () => Handler]>)('unconfigured %s answers 500 server_error and logs once', async (_label, create) => {
    await withEnvironment({}, async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const app = createApp();
      app.use(create());
      app.use(echo);
      const token = await issuer.mintUserToken();
      const first = await request(app).get('/me').set(bearer(token));
      const second = await request(app).get('/me');
      for (const response of [first, second]) {
        const body = expectProblem(response, { status: 500, code: 'server_error', headers: { 'www-authenticate': undefined } });
        expect(body.detail).toContain('TOKENGATE_ISSUER');
        expect(body.detail).toContain('TOKENGATE_AUDIENCE');
      }
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]?.[0])).toContain('tokengate is not configured');
    });
  });

  it('an unconfigured guard reuses a token another middleware attached as req.auth', async () => {
    await withEnvironment({}, async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
      const attach: Handler = (req, _res, next) => {
        verifier.authenticate(req).then((token) => {
          req.auth = token;
          next();
        }, next);
      };
      const app = createApp();
      app.use(attach, requireUserToken(), requireScopes('read'));
      app.use(echo);
      const response = await request(app).get('/').set(bearer(await issuer.mintUserToken({ sub: 'carol', scopes: ['read'] })));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ sub: 'carol' });
      expect(logged).not.toHaveBeenCalled();
      expectProblem(await request(app).get('/').set(bearer(await issuer.mintUserToken({ scopes: ['other'] }))), { status: 403, code: 'insufficient_scope' });
    });
  });

  it('a guard after optional auth() answers 401 for a request without credentials, not 500', async () => {
    await withEnvironment({}, async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const app = createApp();
      app.use(auth({ issuer: issuer.issuer, audience: issuer.audience }, { optional: true }));
      app.get('/public', echo);
      app.get('/private', requireUserToken(), echo);
      expect((await request(app).get('/public')).body).toEqual({ auth: null });
      expectProblem(await request(app).get('/private'), { status: 401, code: 'missing_token' });
      expect(logged).not.toHaveBeenCalled();
    });
  });
});

describe('options are checked at start-up', () => {
  it('rejects bad verifier options when the middleware is created', () => {
    expect(() => auth({ issuer: 'not a url', audience: 'x' })).toThrow(/"issuer" option/);
    expect(() => requireUserToken({ source: { issuer: 'https://auth.example.com/', audience: [] } })).toThrow(/"audience" option/);
  });

  it('rejects an unknown errors mode and a formatProblem that is not a function', () => {
    // @ts-expect-error an unknown mode
    expect(() => auth(undefined, { errors: 'throw' })).toThrow(/"errors" must be/);
    // @ts-expect-error not a function
    expect(() => requireUserToken({ formatProblem: 'json' })).toThrow(/"formatProblem" must be a function/);
  });

  it('rejects guards without anything to require', () => {
    expect(() => requireScopes()).toThrow('requireScopes() needs at least one scope');
    expect(() => requireAnyScope({ errors: 'delegate' })).toThrow('requireAnyScope() needs at least one scope');
    expect(() => requireClaims()).toThrow('requireClaims() needs at least one predicate');
  });
});
