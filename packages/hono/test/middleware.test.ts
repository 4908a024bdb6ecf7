/**
 * `@tokengate/hono` on real Hono apps served by `@hono/node-server` on 127.0.0.1, with tokens
 * from a local issuer: `auth()`, the guards, `routePolicy()`, `rateLimit()`, `errors: 'delegate'`,
 * optional authentication and one verification per request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono, type Context, type Env } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import {
  auth,
  claimCheck,
  claimEquals,
  createVerifier,
  isTokenGateError,
  rateLimit,
  requireAnyScope,
  requireAuthentication,
  requireClaims,
  requireClientToken,
  requireScopes,
  requireToken,
  requireUserToken,
  routePolicy,
  type AccessToken,
  type TokenGateEnv,
  type Verifier,
} from '@tokengate/hono';
import {
  BARE_CHALLENGE,
  bearerChallenge,
  CLIENT_REQUIRED,
  countingSignatureVerifier,
  expectProblem,
  INSUFFICIENT_SCOPE,
  NO_ROUTE_RULE,
  NO_TOKEN,
  SEVERAL_METHODS,
  setEnvironment,
  USER_REQUIRED,
} from '@tokengate/test-support';

/** A running app. */
interface Served {
  readonly url: string;
  close(): Promise<void>;
}

const running: Served[] = [];

/** Serve `app` with `@hono/node-server` on an ephemeral port of 127.0.0.1. */
async function serveApp<E extends Env>(app: Hono<E>): Promise<Served> {
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  const served = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
  running.push(served);
  return served;
}

/** GET (or another method) with a bearer token. */
function call(url: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  return fetch(url, { ...init, headers, signal: AbortSignal.timeout(5_000) });
}

/** The handler of every route: the token at `c.get('auth')` (unset on an optional route without credentials). */
function echo(c: Context<TokenGateEnv>): Response {
  const token = c.get('auth') as AccessToken | undefined;
  return c.json(token === undefined ? { anonymous: true } : { subject: token.subject ?? null, type: token.type, scopes: token.scopes });
}

let issuer: TestIssuer;
let verifier: Verifier;
const signatures = countingSignatureVerifier();

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, signatureVerifier: signatures.verify, cache: false });
});

beforeEach(() => {
  signatures.reset();
});

afterAll(async () => {
  await Promise.all(running.splice(0).map((served) => served.close()));
  await issuer.close();
});

describe('auth() and the guards', () => {
  let api: Served;
  beforeAll(async () => {
    const app = new Hono<TokenGateEnv>();
    app.get('/any', auth(verifier), echo);
    app.get('/optional', auth(verifier, { optional: true }), echo);
    app.get('/optional-user', auth(verifier, { optional: true }), requireUserToken({ optional: true }), echo);
    app.get('/user', auth(verifier), requireUserToken(), echo);
    app.get('/client', auth(verifier), requireClientToken(), echo);
    app.get('/scoped', auth(verifier), requireScopes('read:font:data', 'create:webfonts:kit'), echo);
    app.get('/any-scope', auth(verifier), requireAnyScope('reports:read', 'admin'), echo);
    app.get('/claims', auth(verifier), requireClaims(claimEquals('org_id', 'org_123')), echo);
    app.get('/step-up', auth(verifier), requireAuthentication({ acr: 'mfa' }), echo);
    app.get('/stacked', auth(verifier), requireUserToken(), requireScopes('a'), requireAnyScope('a', 'b'), requireClaims(claimCheck((claims) => claims.sub === 'alice')), echo);
    app.get('/guards-only', requireUserToken({ source: verifier }), requireScopes('a'), requireAnyScope('a', 'b', { source: verifier }), echo);
    app.get('/formatted', auth(verifier, { formatProblem: (problem, error) => ({ code: error.code, message: problem.detail }) }), echo);
    api = await serveApp(app);
  });

  it('answers a request without credentials 401 with the bare challenge; the handler does not run', async () => {
    await expectProblem(await call(`${api.url}/any`), { status: 401, code: 'missing_token', detail: NO_TOKEN, headers: { 'www-authenticate': BARE_CHALLENGE } });
  });

  it("puts the verified token at c.get('auth')", async () => {
    const response = await call(`${api.url}/any`, await issuer.mintUserToken({ sub: 'alice', scopes: ['read'] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'alice', type: 'user', scopes: ['read'] });
  });

  it('answers a bad token 401 invalid_token', async () => {
    await expectProblem(await call(`${api.url}/any`, await issuer.mintUserToken({ audience: 'https://elsewhere.test' })), {
      status: 401,
      code: 'invalid_token',
      headers: { 'www-authenticate': /^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/ },
    });
  });

  it('refuses a header token sent with an access_token query parameter (RFC 6750 §2)', async () => {
    await expectProblem(await call(`${api.url}/any?access_token=leaked`, await issuer.mintUserToken()), { status: 400, code: 'invalid_request', detail: SEVERAL_METHODS });
  });

  it('optional: no credentials go through without a token; a bad token still fails', async () => {
    expect(await (await call(`${api.url}/optional`)).json()).toEqual({ anonymous: true });
    expect(await (await call(`${api.url}/optional-user`)).json()).toEqual({ anonymous: true });
    expect(await (await call(`${api.url}/optional`, await issuer.mintClientToken({ clientId: 'svc' }))).json()).toMatchObject({ subject: 'svc', type: 'client' });
    await expectProblem(await call(`${api.url}/optional`, 'not-a-jwt'), { status: 401, code: 'invalid_token' });
    await expectProblem(await call(`${api.url}/optional-user`, await issuer.mintClientToken()), { status: 403, code: 'invalid_token_type' });
  });

  it('token type guards', async () => {
    const client = await issuer.mintClientToken({ clientId: 'billing' });
    const user = await issuer.mintUserToken();
    await expectProblem(await call(`${api.url}/user`, client), { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED, headers: { 'www-authenticate': bearerChallenge('invalid_token_type', USER_REQUIRED) }, body: { required_token_type: 'user', token_type: 'client' } });
    await expectProblem(await call(`${api.url}/client`, user), { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    expect((await call(`${api.url}/user`, user)).status).toBe(200);
    expect((await call(`${api.url}/client`, client)).status).toBe(200);
  });

  it('scope, any-scope, claim and step-up guards', async () => {
    await expectProblem(await call(`${api.url}/scoped`, await issuer.mintUserToken({ scopes: ['read:font:data'] })), {
      status: 403,
      code: 'insufficient_scope',
      detail: INSUFFICIENT_SCOPE,
      headers: { 'www-authenticate': bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'read:font:data create:webfonts:kit' }) },
      body: { missing_scopes: ['create:webfonts:kit'] },
    });
    expect((await call(`${api.url}/scoped`, await issuer.mintUserToken({ scopes: ['read:font:data', 'create:webfonts:kit'] }))).status).toBe(200);
    await expectProblem(await call(`${api.url}/any-scope`, await issuer.mintUserToken({ scopes: ['reports:write'] })), { status: 403, code: 'insufficient_scope' });
    expect((await call(`${api.url}/any-scope`, await issuer.mintUserToken({ scopes: ['admin'] }))).status).toBe(200);
    await expectProblem(await call(`${api.url}/claims`, await issuer.mintUserToken({ claims: { org_id: 'org_999' } })), { status: 401, code: 'invalid_token' });
    expect((await call(`${api.url}/claims`, await issuer.mintUserToken({ claims: { org_id: 'org_123' } }))).status).toBe(200);
    await expectProblem(await call(`${api.url}/step-up`, await issuer.mintUserToken({ claims: { acr: 'pwd' } })), {
      status: 401,
      code: 'insufficient_user_authentication',
      headers: { 'www-authenticate': /acr_values="mfa"/ },
    });
    expect((await call(`${api.url}/step-up`, await issuer.mintUserToken({ claims: { acr: 'mfa' } }))).status).toBe(200);
  });

  it('formatProblem replaces the body and keeps status and headers', async () => {
    const response = await call(`${api.url}/formatted`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe(BARE_CHALLENGE);
    expect(await response.json()).toEqual({ code: 'missing_token', message: NO_TOKEN });
  });

  describe('one verification per request', () => {
    it('auth() followed by four guards', async () => {
      const response = await call(`${api.url}/stacked`, await issuer.mintUserToken({ sub: 'alice', scopes: ['a'] }));
      expect(response.status).toBe(200);
      expect(signatures.calls()).toBe(1);
    });

    it('guards only: the first authenticates, the others reuse its token', async () => {
      const response = await call(`${api.url}/guards-only`, await issuer.mintUserToken({ sub: 'bob', scopes: ['a'] }));
      expect(await response.json()).toEqual({ subject: 'bob', type: 'user', scopes: ['a'] });
      expect(signatures.calls()).toBe(1);
    });

    it('a failing guard does not verify again', async () => {
      await expectProblem(await call(`${api.url}/stacked`, await issuer.mintUserToken({ sub: 'alice', scopes: ['b'] })), { status: 403, code: 'insufficient_scope' });
      expect(signatures.calls()).toBe(1);
    });
  });
});

describe("errors: 'delegate'", () => {
  const caught: unknown[] = [];
  let handled: Served;
  let defaults: Served;

  beforeAll(async () => {
    const app = new Hono<TokenGateEnv>();
    app.onError((error, c) => {
      caught.push(error);
      if (!(error instanceof HTTPException)) return c.text('a bug', 500);
      const response = error.getResponse();
      response.headers.set('x-handled-by', 'onError');
      return response;
    });
    app.get('/read', auth(verifier, { errors: 'delegate' }), requireScopes('fonts:read', 'fonts:write', { errors: 'delegate' }), echo);
    handled = await serveApp(app);
    // Hono's own error handling answers an HTTPException with its response.
    const plain = new Hono<TokenGateEnv>();
    plain.get('/read', auth(verifier, { errors: 'delegate' }), echo);
    defaults = await serveApp(plain);
  });

  afterEach(() => {
    caught.length = 0;
  });

  it('throws an HTTPException carrying the problem response, the TokenGateError as its cause', async () => {
    const response = await call(`${handled.url}/read`);
    await expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE, 'x-handled-by': 'onError' } });
    expect(caught).toHaveLength(1);
    const [error] = caught as [HTTPException];
    expect(error).toBeInstanceOf(HTTPException);
    expect(error.status).toBe(401);
    expect(error.message).toBe(NO_TOKEN);
    expect(isTokenGateError(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ code: 'missing_token', status: 401 });
  });

  it('from guards too, with their challenge', async () => {
    const response = await call(`${handled.url}/read`, await issuer.mintUserToken({ scopes: ['fonts:read'] }));
    await expectProblem(response, { status: 403, code: 'insufficient_scope', headers: { 'www-authenticate': /scope="fonts:read fonts:write"/, 'x-handled-by': 'onError' } });
    expect((caught[0] as HTTPException).cause).toMatchObject({ code: 'insufficient_scope' });
  });

  it("without app.onError, Hono's default handling answers the problem", async () => {
    await expectProblem(await call(`${defaults.url}/read`), { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
    expect((await call(`${defaults.url}/read`, await issuer.mintUserToken())).status).toBe(200);
  });
});

describe('routePolicy()', () => {
  let api: Served;
  beforeAll(async () => {
    const app = new Hono<TokenGateEnv>();
    app.use(
      routePolicy(
        [
          { path: '/health', public: true },
          { path: '/v1/admin/*', token: 'client' },
          { path: '/v1/file/*', token: 'user' },
          { path: '/v1/kits', methods: ['POST'], token: 'user', scopes: ['create:webfonts:kit'] },
        ],
        { source: verifier },
      ),
    );
    app.get('/health', (c) => c.json({ status: 'ok' }));
    app.get('/v1/admin/users', echo);
    app.get('/v1/file/:id', echo);
    app.post('/v1/kits', echo);
    app.get('/v1/billing', echo);
    api = await serveApp(app);
  });

  it('public rows need no token', async () => {
    expect(await (await call(`${api.url}/health`)).json()).toEqual({ status: 'ok' });
    expect(signatures.calls()).toBe(0);
  });

  it('protected rows: the token at c.get("auth"), or the answer', async () => {
    const user = await issuer.mintUserToken({ sub: 'erin', scopes: ['create:webfonts:kit'] });
    expect(await (await call(`${api.url}/v1/file/7`, user)).json()).toMatchObject({ subject: 'erin' });
    expect((await call(`${api.url}/v1/kits`, user, { method: 'POST' })).status).toBe(200);
    await expectProblem(await call(`${api.url}/v1/admin/users`, user), { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    await expectProblem(await call(`${api.url}/v1/file/7`), { status: 401, code: 'missing_token' });
  });

  it('rows and methods no rule allows: 403 access_denied, no verification', async () => {
    const user = await issuer.mintUserToken({ scopes: ['create:webfonts:kit'] });
    await expectProblem(await call(`${api.url}/v1/billing`, user), { status: 403, code: 'access_denied', detail: NO_ROUTE_RULE });
    await expectProblem(await call(`${api.url}/v1/kits`, user), { status: 403, code: 'access_denied' });
    expect(signatures.calls()).toBe(0);
  });

  it('reads the path as Hono routes it: percent-decoded; case-insensitive by default; ambiguous paths 400', async () => {
    const user = await issuer.mintUserToken();
    // Hono routes /v1/%61dmin/users to /v1/admin/users: the policy sees the same path.
    await expectProblem(await call(`${api.url}/v1/%61dmin/users`, user), { status: 403, code: 'invalid_token_type' });
    await expectProblem(await call(`${api.url}/V1/ADMIN/users`, user), { status: 403, code: 'invalid_token_type' });
    await expectProblem(await call(`${api.url}/v1/file%2F..%2Fadmin`, user), { status: 400, code: 'invalid_request' });
  });
});

describe('rateLimit()', () => {
  let api: Served;
  let upstream: Server;

  beforeAll(async () => {
    upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('from upstream'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const app = new Hono<TokenGateEnv>();
    app.get('/json', auth(verifier), rateLimit({ points: 2, duration: 60 }), (c) => c.json({ client: c.get('auth').clientId }));
    // Responses the handler makes itself, not through `c`: the headers must reach them too.
    app.get('/raw', auth(verifier), rateLimit({ points: 2, duration: 60, name: 'raw' }), () => Response.json({ raw: true }));
    app.get('/own', auth(verifier), rateLimit({ points: 2, duration: 60, name: 'own' }), () => new Response('own', { headers: { RateLimit: 'mine' } }));
    app.get('/proxied', auth(verifier), rateLimit({ points: 2, duration: 60, name: 'proxied' }), () => fetch(upstreamUrl));
    api = await serveApp(app);
  });

  afterAll(async () => {
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('lets a client make `points` requests with RateLimit headers, then answers 429', async () => {
    const token = await issuer.mintClientToken({ clientId: 'app-1' });
    for (const remaining of [1, 0]) {
      const ok = await call(`${api.url}/json`, token);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"default";q=2;w=60');
      expect(ok.headers.get('ratelimit')).toMatch(new RegExp(`^"default";r=${remaining};t=(60|59)$`));
      expect(await ok.json()).toEqual({ client: 'app-1' });
    }
    const refused = await call(`${api.url}/json`, token);
    await expectProblem(refused, { status: 429, code: 'rate_limited', headers: { 'retry-after': /^\d+$/, ratelimit: /^"default";r=0;t=\d+$/, 'www-authenticate': undefined } });
    expect((await call(`${api.url}/json`, await issuer.mintClientToken({ clientId: 'app-2' }))).status).toBe(200);
  });

  it("adds the headers to a Response the handler made itself, a fetched one included, unless it set them", async () => {
    const token = await issuer.mintClientToken({ clientId: 'app-3' });
    const raw = await call(`${api.url}/raw`, token);
    expect(raw.headers.get('ratelimit-policy')).toBe('"raw";q=2;w=60');
    expect(raw.headers.get('ratelimit')).toMatch(/^"raw";r=1;t=(60|59)$/);
    expect(await raw.json()).toEqual({ raw: true });
    const own = await call(`${api.url}/own`, token);
    expect(own.headers.get('ratelimit')).toBe('mine');
    expect(own.headers.get('ratelimit-policy')).toBe('"own";q=2;w=60');
    const proxied = await call(`${api.url}/proxied`, token);
    expect(proxied.headers.get('ratelimit-policy')).toBe('"proxied";q=2;w=60');
    expect(await proxied.text()).toBe('from upstream');
  });

  it('needs a token: a request without one is 401, not counted', async () => {
    const response = await call(`${api.url}/json`);
    expect(response.status).toBe(401);
    expect(response.headers.get('ratelimit')).toBeNull();
  });
});

describe('start-up checks and the environment', () => {
  it('a bad option, requirement or rule is a TypeError when the middleware is made', () => {
    expect(() => auth(verifier, { optinal: true } as never)).toThrow(/Unknown option "optinal" in auth\(\) options; did you mean "optional"\?/);
    expect(() => requireToken({ scope: ['a'] } as never)).toThrow(/did you mean "scopes"/);
    expect(() => requireScopes()).toThrow(new TypeError('requireScopes() needs at least one scope'));
    expect(() => routePolicy([{ path: '/v1/*', token: 'admin' } as never])).toThrow(TypeError);
    expect(() => rateLimit({ points: 0, duration: 60 })).toThrow(/"points" must be a positive number/);
  });

  it('auth() without options reads TOKENGATE_ISSUER and TOKENGATE_AUDIENCE', async () => {
    const restore = setEnvironment({ TOKENGATE_ISSUER: issuer.issuer, TOKENGATE_AUDIENCE: issuer.audience });
    try {
      const app = new Hono<TokenGateEnv>();
      app.get('/me', auth(), echo);
      const served = await serveApp(app);
      expect(await (await call(`${served.url}/me`, await issuer.mintUserToken({ sub: 'env-user' }))).json()).toMatchObject({ subject: 'env-user' });
    } finally {
      restore();
    }
  });
});
