/**
 * `createWebGate` on real Web `Request`s (as Next.js, Bun, Deno and Workers hand them to a
 * handler) with tokens from a local issuer: `check`, `withAuth`, `routePolicy`, the options.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createAdapterKit } from '@tokengate/core/adapter';
import { claimEquals, createVerifier, createWebGate, problemResponse, TokenGateError, WebRequestContext, withHeaders, type AccessToken, type Verifier, type WebGate } from '@tokengate/web';
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
  USER_REQUIRED,
} from '@tokengate/test-support';

const API = 'http://api.example.test';
let issuer: TestIssuer;
let verifier: Verifier;
let gate: WebGate;
const signatures = countingSignatureVerifier();

/** A request to the API, with a bearer token or a raw `Authorization` value. */
function request(path: string, { token, authorization, method = 'GET', headers = {} }: { token?: string; authorization?: string; method?: string; headers?: Record<string, string> } = {}): Request {
  const all = new Headers(headers);
  if (token !== undefined) all.set('authorization', `Bearer ${token}`);
  if (authorization !== undefined) all.set('authorization', authorization);
  return new Request(`${API}${path}`, { method, headers: all });
}

/** `check`'s answer when it must be a token. */
function tokenOf(result: AccessToken | Response | undefined): AccessToken {
  if (result === undefined || result instanceof Response) throw new Error(`expected a token, got ${result === undefined ? 'undefined' : `a ${result.status} response`}`);
  return result;
}

/** `check`'s answer when it must be a response. */
function responseOf(result: AccessToken | Response | undefined): Response {
  if (!(result instanceof Response)) throw new Error('expected a Response');
  return result;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, signatureVerifier: signatures.verify, cache: false });
  gate = createWebGate(verifier);
});

beforeEach(() => {
  signatures.reset();
  issuer.faults.reset();
});

afterAll(async () => {
  await issuer.close();
});

describe('check', () => {
  it('resolves the verified token', async () => {
    const token = tokenOf(await gate.check(request('/v1/me', { token: await issuer.mintUserToken({ sub: 'alice', scopes: ['files:read'] }) })));
    expect({ type: token.type, subject: token.subject, scopes: token.scopes }).toEqual({ type: 'user', subject: 'alice', scopes: ['files:read'] });
  });

  it('answers a request without credentials (or with another scheme) 401 with the bare challenge', async () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz']) {
      const response = responseOf(await gate.check(request('/v1/me', { authorization })));
      await expectProblem(response, { status: 401, code: 'missing_token', detail: NO_TOKEN, headers: { 'www-authenticate': BARE_CHALLENGE } });
    }
  });

  it('answers a bad token 401 invalid_token and a malformed header 400 invalid_request', async () => {
    const expired = responseOf(await gate.check(request('/v1/me', { token: await issuer.mintUserToken({ expiresIn: -60 }) })));
    await expectProblem(expired, { status: 401, code: 'invalid_token', detail: /^The token expired at /, headers: { 'www-authenticate': /^Bearer realm="api", error="invalid_token", error_description="The token expired at [^"]+"$/ } });
    const malformed = responseOf(await gate.check(request('/v1/me', { authorization: 'Bearer a b' })));
    await expectProblem(malformed, { status: 400, code: 'invalid_request' });
  });

  it('checks the requirement: token type, scopes, any scope, claims', async () => {
    const client = await issuer.mintClientToken({ clientId: 'billing', scopes: ['files:read'] });
    const user = await issuer.mintUserToken({ scopes: ['files:read'], claims: { org_id: 'org_1' } });
    await expectProblem(responseOf(await gate.check(request('/v1/x', { token: client }), { token: 'user' })), {
      status: 403,
      code: 'invalid_token_type',
      detail: USER_REQUIRED,
      headers: { 'www-authenticate': bearerChallenge('invalid_token_type', USER_REQUIRED) },
      body: { required_token_type: 'user', token_type: 'client' },
    });
    await expectProblem(responseOf(await gate.check(request('/v1/x', { token: user }), { token: 'client' })), { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    await expectProblem(responseOf(await gate.check(request('/v1/x', { token: user }), { scopes: ['files:read', 'files:write'] })), {
      status: 403,
      code: 'insufficient_scope',
      detail: INSUFFICIENT_SCOPE,
      headers: { 'www-authenticate': bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'files:read files:write' }) },
      body: { missing_scopes: ['files:write'] },
    });
    await expectProblem(responseOf(await gate.check(request('/v1/x', { token: user }), { anyScopes: ['admin', 'owner'] })), { status: 403, code: 'insufficient_scope' });
    await expectProblem(responseOf(await gate.check(request('/v1/x', { token: user }), { claims: [claimEquals('org_id', 'org_2')] })), { status: 401, code: 'invalid_token' });
    expect(tokenOf(await gate.check(request('/v1/x', { token: user }), { token: 'user', scopes: ['files:read'], anyScopes: ['files:read', 'admin'], claims: [claimEquals('org_id', 'org_1')] })).subject).toBe('user-123');
    expect(tokenOf(await gate.check(request('/v1/x', { token: client }), { token: 'client' })).clientId).toBe('billing');
  });

  it('refuses a header token with an access_token query parameter too (RFC 6750 §2), even with the query method off', async () => {
    const response = responseOf(await gate.check(request('/v1/me?access_token=leaked', { token: await issuer.mintUserToken() })));
    await expectProblem(response, { status: 400, code: 'invalid_request', detail: SEVERAL_METHODS });
  });

  it('takes a query token where the verifier enables that method, and refuses a repeated one', async () => {
    const byQuery = createWebGate({ issuer: issuer.issuer, audience: issuer.audience, tokenMethods: ['query'] });
    const token = await issuer.mintClientToken({ clientId: 'feed-reader' });
    expect(tokenOf(await byQuery.check(request(`/v1/feed?access_token=${token}`))).clientId).toBe('feed-reader');
    const twice = responseOf(await byQuery.check(request(`/v1/feed?access_token=${token}&access_token=${token}`)));
    await expectProblem(twice, { status: 400, code: 'invalid_request', detail: 'Request carries several access_token parameters' });
  });

  it('answers 503 with Retry-After when the issuer cannot be reached', async () => {
    const down = await createTestIssuer();
    try {
      const downGate = createWebGate({ issuer: down.issuer, audience: down.audience });
      const token = await down.mintUserToken();
      down.faults.down = true;
      const response = responseOf(await downGate.check(request('/v1/me', { token })));
      await expectProblem(response, { status: 503, code: 'temporarily_unavailable', headers: { 'retry-after': /^\d+$/, 'www-authenticate': undefined } });
    } finally {
      await down.close();
    }
  });

  it('never passes a CORS preflight: without a token it is 401 (answer preflights before the gate)', async () => {
    const preflight = request('/v1/me', { method: 'OPTIONS', headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET' } });
    await expectProblem(responseOf(await gate.check(preflight)), { status: 401, code: 'missing_token' });
  });

  it('verifies a request once, however often it is checked', async () => {
    const checked = request('/v1/me', { token: await issuer.mintUserToken({ scopes: ['a'] }) });
    const first = tokenOf(await gate.check(checked));
    expect(tokenOf(await gate.check(checked, { scopes: ['a'] }))).toBe(first);
    await expectProblem(responseOf(await gate.check(checked, { scopes: ['b'] })), { status: 403, code: 'insufficient_scope' });
    expect(signatures.calls()).toBe(1);
  });
});

describe('optional: true', () => {
  it('check: undefined without credentials; a token is still verified and the requirement checked', async () => {
    const optional = { optional: true, scopes: ['files:read'] } as const;
    expect(await gate.check(request('/v1/feed'), optional)).toBeUndefined();
    expect(await gate.check(request('/v1/feed', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } }), optional)).toBeUndefined();
    expect(tokenOf(await gate.check(request('/v1/feed', { token: await issuer.mintUserToken({ sub: 'alice', scopes: ['files:read'] }) }), optional)).subject).toBe('alice');
    await expectProblem(responseOf(await gate.check(request('/v1/feed', { token: await issuer.mintUserToken({ expiresIn: -60 }) }), optional)), { status: 401, code: 'invalid_token' });
    await expectProblem(responseOf(await gate.check(request('/v1/feed', { token: await issuer.mintUserToken({ scopes: [] }) }), optional)), { status: 403, code: 'insufficient_scope' });
    await expectProblem(responseOf(await gate.check(request('/v1/feed', { authorization: 'Bearer a b' }), optional)), { status: 400, code: 'invalid_request' });
    // Another scheme carries no credentials of ours (as with every adapter's optional auth): left to the application.
    expect(await gate.check(request('/v1/feed', { authorization: 'Basic dXNlcjpwYXNz' }), optional)).toBeUndefined();
  });

  it('withAuth: the handler runs for anonymous requests with auth undefined, and not for bad tokens', async () => {
    const seen: (string | null)[] = [];
    const GET = gate.withAuth((_request, auth) => {
      seen.push(auth === undefined ? null : (auth.subject ?? ''));
      return Response.json({ personalised: auth !== undefined });
    }, { optional: true });
    expect(await (await GET(request('/v1/feed'))).json()).toEqual({ personalised: false });
    expect(await (await GET(request('/v1/feed', { token: await issuer.mintUserToken({ sub: 'bob' }) }))).json()).toEqual({ personalised: true });
    await expectProblem(await GET(request('/v1/feed', { token: await issuer.mintUserToken({ expiresIn: -60 }) })), { status: 401, code: 'invalid_token' });
    expect(seen).toEqual([null, 'bob']);
  });

  it('keeps a requirement a class instance defines by getters (optional included)', async () => {
    class OptionalReader {
      get optional(): true {
        return true;
      }
      get scopes(): string[] {
        return ['files:read'];
      }
    }
    const requirement = new OptionalReader();
    expect(await gate.check(request('/v1/feed'), requirement)).toBeUndefined();
    await expectProblem(responseOf(await gate.check(request('/v1/feed', { token: await issuer.mintUserToken({ scopes: [] }) }), requirement)), { status: 403, code: 'insufficient_scope' });
  });

  it('optional must be a boolean', () => {
    expect(() => gate.withAuth(() => new Response(), { optional: 'yes' } as never)).toThrow(new TypeError('"optional" must be a boolean'));
  });
});

describe('withAuth', () => {
  it('runs the handler with (request, token, ...the arguments that follow the request)', async () => {
    const seen: unknown[] = [];
    const GET = gate.withAuth(
      async (req: Request, auth: AccessToken, context: { params: Promise<{ id: string }> }) => {
        seen.push(req);
        return Response.json({ id: (await context.params).id, owner: auth.subject }, { status: 201 });
      },
      { token: 'user' },
    );
    const incoming = request('/v1/kits/7', { token: await issuer.mintUserToken({ sub: 'alice' }) });
    const response = await GET(incoming, { params: Promise.resolve({ id: '7' }) });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: '7', owner: 'alice' });
    expect(seen).toEqual([incoming]);
  });

  it('answers failures itself: the handler does not run', async () => {
    let runs = 0;
    const GET = gate.withAuth(() => {
      runs += 1;
      return new Response('secret');
    }, { token: 'client' });
    await expectProblem(await GET(request('/v1/jobs')), { status: 401, code: 'missing_token' });
    await expectProblem(await GET(request('/v1/jobs', { token: await issuer.mintUserToken() })), { status: 403, code: 'invalid_token_type', detail: CLIENT_REQUIRED });
    expect(runs).toBe(0);
  });

  describe('headers a step asked for (RateLimit)', () => {
    // A rate limit step of core's adapter kit (what every adapter's rateLimit() runs) on the same Request.
    const limit = createAdapterKit({ environment: {}, log: () => undefined });
    let upstream: Server;
    let upstreamUrl: string;

    beforeAll(async () => {
      upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('from upstream'));
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    });

    async function rateLimited(token: string): Promise<Request> {
      const limited = request('/v1/files', { token });
      const step = limit.rateLimit({ points: 5, duration: 60, source: verifier }).step;
      await step({ request: limited, context: new WebRequestContext(limited) });
      return limited;
    }

    it('adds them to the handler response, unless the handler set them', async () => {
      const token = await issuer.mintClientToken({ clientId: 'app-1' });
      const plain = await gate.withAuth(() => Response.json({ ok: true }))(await rateLimited(token));
      expect(plain.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
      expect(plain.headers.get('ratelimit')).toMatch(/^"default";r=4;t=(60|59)$/);
      const own = await gate.withAuth(() => new Response('ok', { headers: { RateLimit: 'mine' } }))(await rateLimited(token));
      expect(own.headers.get('ratelimit')).toBe('mine');
      expect(own.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
    });

    it('copies a response whose headers cannot change (a fetched one) to add them', async () => {
      const token = await issuer.mintClientToken({ clientId: 'app-2' });
      const proxied = await gate.withAuth(() => fetch(upstreamUrl))(await rateLimited(token));
      expect(proxied.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
      expect(await proxied.text()).toBe('from upstream');
    });

    it('adds nothing when no step asked', async () => {
      const response = await gate.withAuth(() => new Response('ok'))(request('/v1/me', { token: await issuer.mintUserToken() }));
      expect([...response.headers.keys()]).toEqual(['content-type']);
    });
  });
});

describe('routePolicy', () => {
  const policy = () =>
    gate.routePolicy([
      { path: '/health', public: true },
      { path: '/v1/files/*', token: 'user' },
      { path: '/v1/kits', methods: ['POST'], token: 'user', scopes: ['create:kit'] },
      { path: '/v1/jobs*', token: 'any' },
    ]);

  it('public rows: undefined without reading the token', async () => {
    expect(await policy()(request('/health'))).toBeUndefined();
    expect(await policy()(request('/health', { authorization: 'Bearer not-a-jwt' }))).toBeUndefined();
    expect(signatures.calls()).toBe(0);
  });

  it('protected rows: the token, or the answer', async () => {
    const user = await issuer.mintUserToken({ sub: 'erin', scopes: ['create:kit'] });
    expect(tokenOf(await policy()(request('/v1/files/a/b', { token: user }))).subject).toBe('erin');
    expect(tokenOf(await policy()(request('/v1/kits', { token: user, method: 'POST' }))).subject).toBe('erin');
    expect(tokenOf(await policy()(request('/v1/jobs/42', { token: await issuer.mintClientToken() }))).type).toBe('client');
    await expectProblem(responseOf(await policy()(request('/v1/files/a'))), { status: 401, code: 'missing_token' });
    await expectProblem(responseOf(await policy()(request('/v1/files/a', { token: await issuer.mintClientToken() }))), { status: 403, code: 'invalid_token_type', detail: USER_REQUIRED });
  });

  it('deny: unmatched paths and methods get 403 access_denied without any verification', async () => {
    const user = await issuer.mintUserToken({ scopes: ['create:kit'] });
    for (const denied of [request('/v1/billing', { token: user }), request('/v1/kits', { token: user }), request('/V1/FILESX', { token: user })]) {
      await expectProblem(responseOf(await policy()(denied)), { status: 403, code: 'access_denied', detail: NO_ROUTE_RULE });
    }
    expect(signatures.calls()).toBe(0);
  });

  it('matches paths as routers read them: decoded, case-insensitive by default; refuses ambiguous ones with 400', async () => {
    const client = await issuer.mintClientToken();
    await expectProblem(responseOf(await policy()(request('/v1/%66iles/x', { token: client }))), { status: 403, code: 'invalid_token_type' });
    await expectProblem(responseOf(await policy()(request('/V1/FILES/x', { token: client }))), { status: 403, code: 'invalid_token_type' });
    await expectProblem(responseOf(await policy()(request('/v1/jobs%2F..%2Ffiles', { token: client }))), { status: 400, code: 'invalid_request' });
  });

  it("takes the policy's own options: unmatched 'authenticate' and 'public'", async () => {
    const authenticate = gate.routePolicy([{ path: '/docs/*', public: true }], { unmatched: 'authenticate' });
    await expectProblem(responseOf(await authenticate(request('/v1/anything'))), { status: 401, code: 'missing_token' });
    expect(tokenOf(await authenticate(request('/v1/anything', { token: await issuer.mintUserToken() }))).type).toBe('user');
    expect(await gate.routePolicy([], { unmatched: 'public' })(request('/v1/anything'))).toBeUndefined();
  });
});

describe('options', () => {
  it('a bad source, option or requirement is a TypeError at start-up', async () => {
    expect(() => createWebGate(undefined as never)).toThrow(new TypeError('A verifier or verifier options are required'));
    expect(() => createWebGate({ issuer: issuer.issuer, audience: issuer.audience, clockTolerence: 5 } as never)).toThrow(/did you mean "clockTolerance"/);
    expect(() => createWebGate(verifier, { formatProblm: () => ({}) } as never)).toThrow(/Unknown option "formatProblm" in createWebGate\(\) options; did you mean "formatProblem"\?/);
    expect(() => createWebGate(verifier, { formatProblem: 'json' } as never)).toThrow(new TypeError('"formatProblem" must be a function'));
    // Options of other adapters that this gate would not honour are refused, not ignored.
    expect(() => createWebGate(verifier, { optional: true } as never)).toThrow(/Unknown option "optional" in createWebGate\(\) options/);
    expect(() => createWebGate(verifier, { errors: 'delegate' } as never)).toThrow(/Unknown option "errors" in createWebGate\(\) options/);
    expect(() => gate.withAuth(() => new Response(), { scope: ['files:read'] } as never)).toThrow(/Unknown option "scope" .*did you mean "scopes"/);
    expect(() => gate.withAuth(() => new Response(), { token: 'admin' } as never)).toThrow(TypeError);
    await expect(gate.check(request('/v1/me'), { scope: ['files:read'] } as never)).rejects.toThrow(/did you mean "scopes"/);
    expect(() => gate.routePolicy([{ path: '/v1/*', scope: ['x'] } as never])).toThrow(TypeError);
    expect(() => gate.routePolicy([], { unmached: 'public' } as never)).toThrow(/Unknown option "unmached" in routePolicy\(\) options; did you mean "unmatched"\?/);
    expect(() => gate.routePolicy([], { optional: true } as never)).toThrow(/Unknown option "optional" in routePolicy\(\) options/);
  });

  it('keeps the verifier it was given, or makes one from options', () => {
    expect(gate.verifier).toBe(verifier);
    expect(createWebGate({ issuer: issuer.issuer, audience: issuer.audience }).verifier.options.audiences).toEqual([issuer.audience]);
  });
});

describe('formatProblem', () => {
  const formatted = () => createWebGate(verifier, { formatProblem: (problem, error) => ({ code: error.code, message: problem.detail }) });

  it('replaces the body of every answer and keeps status and headers', async () => {
    const withAuth = await formatted().withAuth(() => new Response('never'), { token: 'user' })(request('/v1/me', { token: await issuer.mintClientToken() }));
    expect(withAuth.status).toBe(403);
    expect(withAuth.headers.get('content-type')).toBe('application/problem+json');
    expect(withAuth.headers.get('www-authenticate')).toBe(bearerChallenge('invalid_token_type', USER_REQUIRED));
    expect(await withAuth.json()).toEqual({ code: 'invalid_token_type', message: USER_REQUIRED });
    const denied = responseOf(await formatted().routePolicy([])(request('/v1/me')));
    expect(await denied.json()).toEqual({ code: 'access_denied', message: NO_ROUTE_RULE });
    const missing = responseOf(await formatted().check(request('/v1/me')));
    expect(await missing.json()).toEqual({ code: 'missing_token', message: NO_TOKEN });
  });

  it('a formatter that throws rejects the call (the runtime answers 500)', async () => {
    const failing = createWebGate(verifier, {
      formatProblem: () => {
        throw new Error('formatter failed');
      },
    });
    await expect(failing.check(request('/v1/me'))).rejects.toThrow('formatter failed');
  });
});

describe('problemResponse and withHeaders', () => {
  it('problemResponse renders any TokenGateError', async () => {
    const response = problemResponse(new TokenGateError('insufficient_scope', 'Needs more', { requiredScopes: ['a'] }));
    await expectProblem(response, { status: 403, code: 'insufficient_scope', detail: 'Needs more', headers: { 'www-authenticate': /scope="a"/ } });
  });

  it('withHeaders leaves a response alone without headers to add', () => {
    const response = new Response('x');
    expect(withHeaders(response, undefined)).toBe(response);
    expect(withHeaders(response, { 'X-Extra': '1' }).headers.get('x-extra')).toBe('1');
  });
});
