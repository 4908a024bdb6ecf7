import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
  type Verifier,
} from '@tokengate/express';
import { BARE_CHALLENGE, bearer, bearerChallenge, CLIENT_REQUIRED, countingSignatureVerifier, expectProblem, INSUFFICIENT_SCOPE, SIGNATURE_INVALID, UNKNOWN_KID, USER_REQUIRED, WRONG_AUDIENCE, WRONG_ISSUER } from '@tokengate/test-support';
import { echo, frameworks, type AppLike } from './support.js';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://api.fonts.test' });
});

afterEach(() => {
  issuer.faults.reset();
});

afterAll(async () => {
  await issuer.close();
});

describe.each(frameworks)('%s', (_name, createApp) => {
  let app: AppLike;
  let verifier: Verifier;
  const signatures = countingSignatureVerifier();

  beforeAll(() => {
    verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, signatureVerifier: signatures.verify });
    app = createApp();
    app.get('/any', auth(verifier), echo);
    app.get('/user', auth(verifier), requireUserToken(), echo);
    app.get('/client', auth(verifier), requireClientToken(), echo);
    app.get('/scoped', auth(verifier), requireScopes('read:font:data', 'create:webfonts:kit'), echo);
    app.get('/any-scope', auth(verifier), requireAnyScope('reports:read', 'admin'), echo);
    app.get('/claims', auth(verifier), requireClaims(claimEquals('org_id', 'org_123'), claimIncludes('roles', 'editor')), echo);
    app.get('/optional', auth(verifier, { optional: true }), echo);
    app.get('/optional-user', auth(verifier, { optional: true }), requireUserToken(), echo);
    app.get('/stacked', auth(verifier), requireUserToken(), requireScopes('a'), requireAnyScope('a', 'b'), requireClaims(claimCheck((claims) => claims.sub === 'alice')), echo);
    app.get('/guards-only', requireUserToken({ source: verifier }), requireScopes('a'), requireAnyScope('a', 'b', { source: verifier }), echo);
    app.get('/guard-options', requireToken({ token: 'user', scopes: 'a' }, { source: { issuer: issuer.issuer, audience: issuer.audience } }), echo);
    app.get('/formatted', auth(verifier, { formatProblem: (problem, error) => ({ code: error.code, message: problem.detail, id: problem.instance }) }), echo);
    app.get('/format-throws', auth(verifier, { formatProblem: () => { throw new Error('formatter failed'); } }), echo);
    app.get('/delegate', auth(verifier, { errors: 'delegate' }), requireScopes('admin', { errors: 'delegate' }), echo);
  });

  describe('auth()', () => {
    it('answers a request without credentials with a bare challenge (401, no error member)', async () => {
      const response = await request(app).get('/any');
      expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
    });

    it('treats another scheme as no Bearer credentials', async () => {
      const response = await request(app).get('/any').set('authorization', 'Basic dXNlcjpwYXNz');
      expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
    });

    it('answers a malformed Authorization header with 400 invalid_request', async () => {
      const response = await request(app).get('/any').set('authorization', 'Bearer two tokens');
      expectProblem(response, { status: 400, code: 'invalid_request', headers: { 'www-authenticate': /^Bearer realm="api", error="invalid_request", error_description="[^"]+"$/ } });
    });

    it('attaches the verified token as req.auth', async () => {
      const token = await issuer.mintUserToken({ sub: 'alice', scopes: ['read', 'write'] });
      const response = await request(app).get('/any').set(bearer(token));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ sub: 'alice', type: 'user', scopes: ['read', 'write'] });
    });

    it('rejects an expired token with 401 invalid_token', async () => {
      const response = await request(app).get('/any').set(bearer(await issuer.mintUserToken({ expiresIn: -120 })));
      expectProblem(response, { status: 401, code: 'invalid_token', detail: /^The token expired at / });
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('rejects a token for another audience', async () => {
      const response = await request(app).get('/any').set(bearer(await issuer.mintUserToken({ audience: 'https://elsewhere.test' })));
      expectProblem(response, { status: 401, code: 'invalid_token', detail: WRONG_AUDIENCE });
    });

    it('rejects a token from another issuer', async () => {
      const response = await request(app).get('/any').set(bearer(await issuer.mintUserToken({ issuer: 'https://other-issuer.test/' })));
      expectProblem(response, { status: 401, code: 'invalid_token', detail: WRONG_ISSUER });
    });

    it('rejects a bad signature', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory', iat: now, exp: now + 60 });
      const response = await request(app).get('/any').set(bearer(token));
      expectProblem(response, { status: 401, code: 'invalid_token', detail: SIGNATURE_INVALID });
    });

    it('rejects a token signed with an unknown kid', async () => {
      const response = await request(app).get('/any').set(bearer(await issuer.mintUserToken({ kid: 'no-such-key' })));
      expectProblem(response, { status: 401, code: 'invalid_token', detail: UNKNOWN_KID });
    });

    it('gives every failure its own instance id', async () => {
      const [first, second] = await Promise.all([request(app).get('/any'), request(app).get('/any')]);
      expect(expectProblem(first, { status: 401, code: 'missing_token' }).instance).not.toBe(expectProblem(second, { status: 401, code: 'missing_token' }).instance);
    });
  });

  describe('optional auth', () => {
    it('lets a request without credentials through with req.auth undefined', async () => {
      const response = await request(app).get('/optional');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ auth: null });
    });

    it('still attaches a valid token', async () => {
      const response = await request(app).get('/optional').set(bearer(await issuer.mintClientToken({ clientId: 'svc' })));
      expect(response.body).toEqual({ sub: 'svc', type: 'client', scopes: [] });
    });

    it('still rejects a bad token', async () => {
      const response = await request(app).get('/optional').set(bearer(await issuer.mintUserToken({ expiresIn: -120 })));
      expectProblem(response, { status: 401, code: 'invalid_token' });
    });

    it('does not satisfy a later guard without a token', async () => {
      const response = await request(app).get('/optional-user');
      expectProblem(response, { status: 401, code: 'missing_token' });
    });
  });

  describe('token type guards', () => {
    it('refuses a client token on a user route with the exact description', async () => {
      const response = await request(app).get('/user').set(bearer(await issuer.mintClientToken()));
      expectProblem(response, {
        status: 403,
        code: 'invalid_token_type',
        detail: USER_REQUIRED,
        body: { required_token_type: 'user', token_type: 'client' },
        headers: { 'www-authenticate': bearerChallenge('invalid_token_type', USER_REQUIRED) },
      });
    });

    it('refuses a user token on a client route with the mirror description', async () => {
      const response = await request(app).get('/client').set(bearer(await issuer.mintUserToken()));
      expectProblem(response, { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    });

    it('accepts the right type', async () => {
      expect((await request(app).get('/user').set(bearer(await issuer.mintUserToken()))).status).toBe(200);
      expect((await request(app).get('/client').set(bearer(await issuer.mintClientToken()))).status).toBe(200);
    });

    it('accepts either type on a route that requires no type', async () => {
      const user = await request(app).get('/any').set(bearer(await issuer.mintUserToken()));
      const client = await request(app).get('/any').set(bearer(await issuer.mintClientToken()));
      expect([user.status, user.body.type, client.status, client.body.type]).toEqual([200, 'user', 200, 'client']);
    });
  });

  describe('scope and claim guards', () => {
    it('refuses missing scopes with 403 insufficient_scope, the scope challenge and missing_scopes', async () => {
      const response = await request(app).get('/scoped').set(bearer(await issuer.mintUserToken({ scopes: ['read:font:data'] })));
      const body = expectProblem(response, { status: 403, code: 'insufficient_scope' });
      expect(body.missing_scopes).toEqual(['create:webfonts:kit']);
      expect(response.headers['www-authenticate']).toContain('scope="read:font:data create:webfonts:kit"');
      expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it.each(['scope', 'scp', 'permissions'] as const)('reads scopes from the %s claim', async (scopeClaim) => {
      const token = await issuer.mintUserToken({ scopes: ['read:font:data', 'create:webfonts:kit'], scopeClaim });
      const response = await request(app).get('/scoped').set(bearer(token));
      expect(response.status).toBe(200);
      expect(response.body.scopes).toEqual(['read:font:data', 'create:webfonts:kit']);
    });

    it('requireAnyScope passes with one of the scopes and refuses none of them', async () => {
      expect((await request(app).get('/any-scope').set(bearer(await issuer.mintUserToken({ scopes: ['admin'] })))).status).toBe(200);
      const response = await request(app).get('/any-scope').set(bearer(await issuer.mintUserToken({ scopes: ['other'] })));
      expect(expectProblem(response, { status: 403, code: 'insufficient_scope' }).missing_scopes).toEqual(['reports:read', 'admin']);
    });

    it('requireClaims passes when every predicate holds and answers 401 invalid_token otherwise', async () => {
      const good = await issuer.mintUserToken({ claims: { org_id: 'org_123', roles: ['editor', 'viewer'] } });
      expect((await request(app).get('/claims').set(bearer(good))).status).toBe(200);
      const bad = await issuer.mintUserToken({ claims: { org_id: 'org_123', roles: ['viewer'] } });
      const response = await request(app).get('/claims').set(bearer(bad));
      expectProblem(response, { status: 401, code: 'invalid_token', detail: 'Unexpected "roles" value' });
    });

    it('requireToken takes a whole requirement and its own source', async () => {
      expect((await request(app).get('/guard-options').set(bearer(await issuer.mintUserToken({ scopes: ['a'] })))).status).toBe(200);
      const response = await request(app).get('/guard-options').set(bearer(await issuer.mintUserToken({ scopes: ['b'] })));
      expectProblem(response, { status: 403, code: 'insufficient_scope' });
    });
  });

  describe('verification happens once per request', () => {
    it('with auth() followed by four guards', async () => {
      const token = await issuer.mintUserToken({ sub: 'alice', scopes: ['a'] });
      const before = signatures.calls();
      const response = await request(app).get('/stacked').set(bearer(token));
      expect(response.status).toBe(200);
      expect(signatures.calls() - before).toBe(1);
    });

    it('with guards only: the first authenticates, the others reuse its token', async () => {
      const token = await issuer.mintUserToken({ sub: 'bob', scopes: ['a'] });
      const before = signatures.calls();
      const response = await request(app).get('/guards-only').set(bearer(token));
      expect(response.body).toEqual({ sub: 'bob', type: 'user', scopes: ['a'] });
      expect(signatures.calls() - before).toBe(1);
    });

    it('and a failing guard does not verify again', async () => {
      const token = await issuer.mintUserToken({ sub: 'alice', scopes: ['b'] });
      const before = signatures.calls();
      expectProblem(await request(app).get('/stacked').set(bearer(token)), { status: 403, code: 'insufficient_scope' });
      expect(signatures.calls() - before).toBe(1);
    });
  });

  describe('formatProblem', () => {
    it('replaces the body and keeps status and headers', async () => {
      const response = await request(app).get('/formatted').set(bearer(await issuer.mintUserToken({ expiresIn: -120 })));
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      const body = JSON.parse(response.text) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['code', 'id', 'message']);
      expect(body).toMatchObject({ code: 'invalid_token', message: expect.stringMatching(/^The token expired at /), id: expect.stringMatching(/^urn:uuid:/) });
    });

    it('a formatter that throws reaches Express as an error instead of escaping', async () => {
      const response = await request(app).get('/format-throws');
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    });
  });

  describe("errors: 'delegate'", () => {
    it("lets Express's default handler answer 401 with the challenge", async () => {
      const response = await request(app).get('/delegate');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(BARE_CHALLENGE);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    });

    it("lets Express's default handler answer 403 insufficient_scope with the scope challenge", async () => {
      const response = await request(app).get('/delegate').set(bearer(await issuer.mintUserToken({ scopes: ['read'] })));
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toBe(bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'admin' }));
    });

    it('passes a verified request on', async () => {
      const response = await request(app).get('/delegate').set(bearer(await issuer.mintUserToken({ sub: 'root', scopes: ['admin'] })));
      expect(response.status).toBe(200);
      expect(response.body.sub).toBe('root');
    });
  });

  describe('issuer down from cold', () => {
    it('answers 503 temporarily_unavailable with Retry-After and a problem body', async () => {
      const cold = createApp();
      cold.get('/cold', auth({ issuer: issuer.issuer, audience: issuer.audience, jwks: { failureBackoffMs: 7_000 } }), echo);
      const token = await issuer.mintUserToken();
      issuer.faults.down = true;
      const response = await request(cold).get('/cold').set(bearer(token));
      expectProblem(response, { status: 503, code: 'temporarily_unavailable', headers: { 'retry-after': '7', 'www-authenticate': undefined } });
    });

    it("in delegate mode Express's default handler sends 503 with Retry-After", async () => {
      const cold = createApp();
      cold.get('/cold', auth({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri }, { errors: 'delegate' }), echo);
      const token = await issuer.mintUserToken();
      issuer.faults.down = true;
      const response = await request(cold).get('/cold').set(bearer(token));
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
    });
  });
});
