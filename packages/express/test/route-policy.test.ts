import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { auth, createVerifier, routePolicy, type RouteRule, type Verifier } from '@tokengate/express';
import { BARE_CHALLENGE, bearer, bearerChallenge, BUCKET_ROUTE_RULES, countingSignatureVerifier, expectProblem, NO_ROUTE_RULE, USER_REQUIRED } from '@tokengate/test-support';
import { echo, frameworks, type AppLike } from './support.js';

/** The seed gateway table, plus a public, a client-only and a method-specific row. */
const seed: RouteRule[] = [
  { path: '/health', public: true },
  ...BUCKET_ROUTE_RULES,
  { path: '/internal/*', token: 'client' },
  { path: '/v1/fonts/:id', methods: ['GET'], scopes: ['read:font:data'] },
];

const USER_PATHS = ['/v1/file', '/v1/file/templates/42', '/v1/webhook/hooks', '/v1/subscription/plan', '/v1/identity/me'];
const ANY_PATHS = ['/v1/document/validate', '/v1/publisher/jobs', '/v1/publisher/jobs/42', '/v1/publisher/jobs-archive', '/v1/converter/jobs/7', '/oauth/userinfo'];

let issuer: TestIssuer;
let userToken: string;
let clientToken: string;

beforeAll(async () => {
  issuer = await createTestIssuer();
  userToken = await issuer.mintUserToken({ sub: 'alice' });
  clientToken = await issuer.mintClientToken({ clientId: 'svc' });
});

afterAll(async () => {
  await issuer.close();
});

describe.each(frameworks)('%s routePolicy()', (_name, createApp) => {
  const signatures = countingSignatureVerifier();
  let verifier: Verifier;
  let app: AppLike;

  beforeAll(() => {
    verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, signatureVerifier: signatures.verify });
    app = createApp();
    app.use(routePolicy(seed, { source: verifier }));
    app.use(echo);
  });

  it.each(USER_PATHS)('%s accepts a user token and refuses a client token', async (path) => {
    const user = await request(app).get(path).set(bearer(userToken));
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ sub: 'alice', type: 'user' });
    const client = await request(app).get(path).set(bearer(clientToken));
    expectProblem(client, { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
  });

  it.each(ANY_PATHS)('%s accepts either token type', async (path) => {
    const user = await request(app).get(path).set(bearer(userToken));
    const client = await request(app).post(path).set(bearer(clientToken));
    expect([user.status, user.body.type, client.status, client.body.type]).toEqual([200, 'user', 200, 'client']);
  });

  it('a client-only row refuses a user token', async () => {
    expect((await request(app).get('/internal/reindex').set(bearer(clientToken))).status).toBe(200);
    const response = await request(app).get('/internal/reindex').set(bearer(userToken));
    expectProblem(response, { status: 403, code: 'invalid_token_type' });
  });

  it('a protected row without credentials answers 401 with the bare challenge', async () => {
    const response = await request(app).get('/v1/identity/me');
    expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
  });

  it('a public row needs no token and verifies none', async () => {
    const before = signatures.calls();
    const response = await request(app).get('/health').set(bearer(userToken));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ auth: null });
    expect(signatures.calls()).toBe(before);
  });

  it('an unmatched route is denied with 403 access_denied before any verification', async () => {
    const before = signatures.calls();
    const anonymous = await request(app).get('/v2/secret');
    expectProblem(anonymous, { status: 403, code: 'access_denied' });
    expect(anonymous.headers['www-authenticate']).toContain('error="access_denied"');
    expectProblem(await request(app).get('/v2/secret').set(bearer(userToken)), { status: 403, code: 'access_denied' });
    expect(signatures.calls()).toBe(before);
  });

  it('ignores the query string when matching', async () => {
    expect((await request(app).get('/v1/document/validate?strict=1').set(bearer(clientToken))).status).toBe(200);
    expectProblem(await request(app).get('/v1/file/x?public=true').set(bearer(clientToken)), { status: 403, code: 'invalid_token_type' });
  });

  it('refuses a dot segment with 400 instead of guessing what it routes to', async () => {
    expectProblem(await request(app).get('/health/../v1/file?x=/health'), { status: 400, code: 'invalid_request' });
  });

  it('matches paths case-insensitively, like Express routing, so /V1/FILE still needs a user token', async () => {
    expectProblem(await request(app).get('/V1/FILE/templates').set(bearer(clientToken)), { status: 403, code: 'invalid_token_type' });
  });

  it('applies method-specific rows and their scopes', async () => {
    const allowed = await request(app).get('/v1/fonts/1').set(bearer(await issuer.mintUserToken({ scopes: ['read:font:data'] })));
    expect(allowed.status).toBe(200);
    expectProblem(await request(app).get('/v1/fonts/1').set(bearer(userToken)), { status: 403, code: 'insufficient_scope' });
    expectProblem(await request(app).post('/v1/fonts/1').set(bearer(userToken)), { status: 403, code: 'access_denied' });
  });

  it('verifies a request once with auth() before the policy', async () => {
    const stacked = createApp();
    stacked.use(auth(verifier), routePolicy(seed, { source: verifier }));
    stacked.use(echo);
    const token = await issuer.mintUserToken({ sub: 'fresh' });
    const before = signatures.calls();
    expect((await request(stacked).get('/v1/file/x').set(bearer(token))).status).toBe(200);
    expect(signatures.calls() - before).toBe(1);
  });

  it('matches the full path (req.originalUrl) when mounted under a prefix', async () => {
    const inner = createApp();
    inner.use(routePolicy([{ path: '/api/v1/file/*', token: 'user' }], { source: verifier }));
    inner.use(echo);
    const outer = createApp();
    outer.use('/api', inner);
    expect((await request(outer).get('/api/v1/file/x').set(bearer(userToken))).status).toBe(200);
    expectProblem(await request(outer).get('/api/v1/file/x').set(bearer(clientToken)), { status: 403, code: 'invalid_token_type' });
    expectProblem(await request(outer).get('/api/v1/other').set(bearer(userToken)), { status: 403, code: 'access_denied' });
  });

  it("unmatched: 'authenticate' asks any valid token of unlisted routes", async () => {
    const lenient = createApp();
    lenient.use(routePolicy(seed, { source: verifier, unmatched: 'authenticate' }));
    lenient.use(echo);
    expect((await request(lenient).get('/v2/anything').set(bearer(clientToken))).status).toBe(200);
    expectProblem(await request(lenient).get('/v2/anything'), { status: 401, code: 'missing_token' });
  });

  it("errors: 'delegate' hands a denial to Express's default handler", async () => {
    const delegating = createApp();
    delegating.use(routePolicy(seed, { source: verifier, errors: 'delegate' }));
    delegating.use(echo);
    const response = await request(delegating).get('/v2/secret');
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(bearerChallenge('access_denied', NO_ROUTE_RULE));
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });

  it('refuses a bad rule at start-up', () => {
    expect(() => routePolicy([{ path: 'v1/no-slash' }])).toThrow(TypeError);
  });
});

describe.each(frameworks)("%s routePolicy() follows the app's case sensitivity", (_name, createApp) => {
  const rules: RouteRule[] = [
    { path: '/v1/admin/*', token: 'user' },
    { path: '/v1/*', public: true },
  ];

  it('a case-sensitive policy on a case-insensitive app still matches /V1/ADMIN/users as the admin row (the router reaches the admin handler)', async () => {
    const app = createApp();
    app.use(routePolicy(rules, { source: createVerifier({ issuer: issuer.issuer, audience: issuer.audience }), caseSensitive: true }));
    app.get('/v1/admin/users', echo);
    expectProblem(await request(app).get('/V1/ADMIN/users'), { status: 401, code: 'missing_token' });
  });

  it('with case sensitive routing on, the policy is case-sensitive too', async () => {
    const app = createApp() as AppLike & { enable(setting: string): unknown };
    app.enable('case sensitive routing');
    app.use(routePolicy(rules, { source: createVerifier({ issuer: issuer.issuer, audience: issuer.audience }), caseSensitive: true }));
    app.get('/v1/ADMIN/users', echo);
    expect((await request(app).get('/v1/ADMIN/users')).status).toBe(200);
  });
});
