import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { auth, TokenGateError, type ProblemDetails } from '@tokengate/koa';
import { BARE_CHALLENGE, expectProblem, SIGNATURE_INVALID } from '@tokengate/test-support';
import { echo, get, serve, type Served } from './support.js';

let issuer: TestIssuer;
let api: Served;
let optionalApi: Served;
let formattedApi: Served;
let throwingApi: Served;

function appWith(middleware: Koa.Middleware): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(middleware);
  app.use(echo);
  return app;
}

function formatProblem(problem: ProblemDetails, error: TokenGateError): unknown {
  return { code: error.code, message: problem.detail, ref: problem.instance, isError: error instanceof TokenGateError };
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  const source = { issuer: issuer.issuer, audience: issuer.audience };
  api = await serve(appWith(auth(source)));
  optionalApi = await serve(appWith(auth(source, { optional: true })));
  formattedApi = await serve(appWith(auth(source, { formatProblem })));
  const throwing = new Koa();
  throwing.silent = true;
  throwing.use(auth(source));
  throwing.use(function explode() {
    throw new Error('handler failed');
  });
  throwingApi = await serve(throwing);
});

afterEach(() => {
  issuer.faults.reset();
});

afterAll(async () => {
  await Promise.all([api.close(), optionalApi.close(), formattedApi.close(), throwingApi.close()]);
  await issuer.close();
});

describe('auth()', () => {
  it('attaches a valid user token as ctx.state.auth', async () => {
    const token = await issuer.mintUserToken({ sub: 'alice', scopes: ['read', 'write'] });
    const response = await get(api.url, token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'alice', type: 'user', scopes: ['read', 'write'] });
  });

  it('attaches a client token with its type', async () => {
    const response = await get(api.url, await issuer.mintClientToken({ clientId: 'billing' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: 'billing', type: 'client' });
  });

  it('answers a request without a token with 401, a bare challenge and no error member', async () => {
    const response = await get(api.url);
    await expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
  });

  it('treats another scheme as no bearer credentials', async () => {
    const response = await get(api.url, undefined, 'Basic dXNlcjpwYXNz');
    await expectProblem(response, { status: 401, code: 'missing_token', headers: { 'www-authenticate': BARE_CHALLENGE } });
  });

  it('answers a malformed Authorization header with 400 invalid_request', async () => {
    const response = await get(api.url, undefined, 'Bearer two tokens');
    await expectProblem(response, { status: 400, code: 'invalid_request', headers: { 'www-authenticate': /^Bearer realm="api", error="invalid_request", error_description="/ } });
  });

  it('gives each response its own instance id', async () => {
    const first = await expectProblem(await get(api.url), { status: 401, code: 'missing_token' });
    const second = await expectProblem(await get(api.url), { status: 401, code: 'missing_token' });
    expect(first.instance).not.toBe(second.instance);
  });

  it.each([
    ['an expired token', () => issuer.mintUserToken({ expiresIn: -600 })],
    ['a token for another audience', () => issuer.mintUserToken({ audience: 'https://elsewhere.test' })],
    ['a token from another issuer', () => issuer.mintUserToken({ issuer: 'https://evil.example.com' })],
    ['a token with a bad signature', () => issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory' })],
    ['a token with an unknown kid', () => issuer.mintUserToken({ kid: 'no-such-key' })],
    ['an unsigned token', () => Promise.resolve(issuer.mintUnsignedToken({ iss: issuer.issuer, aud: issuer.audience, sub: 'x' }))],
  ])('answers %s with 401 invalid_token', async (_name, mint) => {
    const response = await get(api.url, await mint());
    await expectProblem(response, { status: 401, code: 'invalid_token', headers: { 'www-authenticate': /^Bearer realm="api", error="invalid_token", error_description=".+"$/ } });
  });

  it('rejects a token whose signature was tampered with', async () => {
    const token = await issuer.mintUserToken();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await expectProblem(await get(api.url, `${header}.${payload}.${flipped}`), { status: 401, code: 'invalid_token', detail: SIGNATURE_INVALID });
  });

  it('does not turn errors thrown after it into token errors', async () => {
    const response = await get(throwingApi.url, await issuer.mintUserToken());
    expect(response.status).toBe(500);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  });
});

describe('auth() with optional: true', () => {
  it('lets a request without credentials through with ctx.state.auth undefined', async () => {
    const response = await get(optionalApi.url);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ anonymous: true });
  });

  it('still attaches a valid token', async () => {
    const response = await get(optionalApi.url, await issuer.mintUserToken({ sub: 'bob' }));
    expect(await response.json()).toMatchObject({ subject: 'bob' });
  });

  it('still rejects a bad token', async () => {
    await expectProblem(await get(optionalApi.url, await issuer.mintUserToken({ expiresIn: -600 })), { status: 401, code: 'invalid_token' });
  });

  it('still rejects a malformed header', async () => {
    await expectProblem(await get(optionalApi.url, undefined, 'Bearer a b'), { status: 400, code: 'invalid_request' });
  });
});

describe('auth() with formatProblem', () => {
  it('sends the formatted body with the problem status, type and headers', async () => {
    const response = await get(formattedApi.url, await issuer.mintUserToken({ expiresIn: -600 }));
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ code: 'invalid_token', message: expect.stringMatching(/expired/i), ref: expect.stringMatching(/^urn:uuid:/), isError: true });
  });
});

describe('issuer outage', () => {
  it('answers 503 with Retry-After when the keys cannot be fetched from a cold start', async () => {
    const fresh = await serve(appWith(auth({ issuer: issuer.issuer, audience: issuer.audience })));
    try {
      const token = await issuer.mintUserToken();
      issuer.faults.down = true;
      const response = await get(fresh.url, token);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await expectProblem(response, { status: 503, code: 'temporarily_unavailable', headers: { 'www-authenticate': undefined } });
    } finally {
      await fresh.close();
    }
  });
});

describe('presentation', () => {
  it('sends exactly application/problem+json and uses the configured realm and problem type base', async () => {
    const custom = await serve(appWith(auth({ issuer: issuer.issuer, audience: issuer.audience, realm: 'fonts', problemTypeBase: 'https://errors.example.com/' })));
    try {
      const response = await get(custom.url, await issuer.mintUserToken({ expiresIn: -600 }));
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="fonts", error="invalid_token"/);
      expect(await response.json()).toMatchObject({ type: 'https://errors.example.com/invalid_token', status: 401 });
    } finally {
      await custom.close();
    }
  });
});

describe('other token methods (RFC 6750 section 2)', () => {
  function parseForm(ctx: Koa.Context, next: Koa.Next): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let text = '';
      ctx.req.setEncoding('utf8');
      ctx.req.on('data', (chunk: string) => (text += chunk));
      ctx.req.on('error', reject);
      ctx.req.on('end', () => {
        (ctx.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(text));
        resolve();
      });
    }).then(next);
  }

  it('reads ?access_token= and a form body parsed upstream when enabled', async () => {
    const source = { issuer: issuer.issuer, audience: issuer.audience, tokenMethods: ['header', 'query', 'body'] as const };
    const app = new Koa();
    app.use(parseForm);
    app.use(auth(source));
    app.use(echo);
    const methods = await serve(app);
    try {
      const token = await issuer.mintUserToken({ sub: 'query-user' });
      expect(await (await fetch(`${methods.url}/?access_token=${token}`)).json()).toMatchObject({ subject: 'query-user' });
      const form = await fetch(methods.url, { method: 'POST', body: new URLSearchParams({ access_token: token }) });
      expect(await form.json()).toMatchObject({ subject: 'query-user' });
      await expectProblem(await fetch(`${methods.url}/?access_token=${token}`, { headers: { authorization: `Bearer ${token}` } }), { status: 400, code: 'invalid_request' });
    } finally {
      await methods.close();
    }
  });

  it('ignores them by default', async () => {
    const token = await issuer.mintUserToken();
    await expectProblem(await fetch(`${api.url}/?access_token=${token}`), { status: 401, code: 'missing_token' });
  });
});

describe('factory', () => {
  it('throws at start-up for bad verifier options', () => {
    expect(() => auth({ issuer: 'not a url', audience: 'x' })).toThrow(TypeError);
  });
});
