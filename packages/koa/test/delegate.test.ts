import Koa from 'koa';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { auth, requireScopes, routePolicy, TokenGateError } from '@tokengate/koa';
import { BARE_CHALLENGE, NO_TOKEN } from '@tokengate/test-support';
import { echo, get, routes, serve, type Served } from './support.js';

let issuer: TestIssuer;
let api: Served;
let custom: Served;
const emitted: unknown[] = [];
let caught: { error: TokenGateError; forIn: string[] } | undefined;

/** Koa's default error handling only: no error middleware, no 'error' listener. */
function delegatingApp(source: { issuer: string; audience: string }): Koa {
  const app = new Koa();
  app.use(
    routes({
      '/read': [auth(source, { errors: 'delegate' }), requireScopes('fonts:read', 'fonts:write', { errors: 'delegate' }), echo],
      '/policy': [routePolicy([{ path: '/nothing', token: 'any' }], { source, errors: 'delegate' }), echo],
    }),
  );
  return app;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  const source = { issuer: issuer.issuer, audience: issuer.audience };
  api = await serve(delegatingApp(source));

  const app = new Koa();
  app.on('error', (error: unknown) => emitted.push(error));
  app.use(async function problemHandler(ctx, next) {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof TokenGateError)) throw error;
      const forIn: string[] = [];
      for (const name in error.headers) forIn.push(name);
      caught = { error, forIn };
      ctx.status = error.status;
      ctx.set(error.headers());
      ctx.body = { failed: error.code, ref: error.instance };
    }
  });
  app.use(auth(source, { errors: 'delegate' }));
  app.use(echo);
  custom = await serve(app);
});

afterEach(() => {
  issuer.faults.reset();
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.all([api.close(), custom.close()]);
  await issuer.close();
});

describe("errors: 'delegate' through Koa's default error handling", () => {
  it('sends 401 with the bare challenge for a missing token, without logging', async () => {
    const logged = vi.spyOn(console, 'error');
    const response = await get(`${api.url}/read`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(BARE_CHALLENGE);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe(NO_TOKEN);
    expect(logged).not.toHaveBeenCalled();
  });

  it('sends 401 with the error challenge for a bad token', async () => {
    const response = await get(`${api.url}/read`, await issuer.mintUserToken({ audience: 'https://elsewhere.test' }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token", error_description=".+"$/);
  });

  it('sends 403 with the scope challenge from a guard given a trailing options object', async () => {
    const response = await get(`${api.url}/read`, await issuer.mintUserToken({ scopes: ['fonts:read'] }));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", .*scope="fonts:read fonts:write"$/);
    expect(await response.text()).not.toBe('');
  });

  it('passes a token that meets the requirement', async () => {
    const response = await get(`${api.url}/read`, await issuer.mintUserToken({ scopes: ['fonts:read', 'fonts:write'] }));
    expect(response.status).toBe(200);
  });

  it('sends 403 access_denied for a request no route rule allows', async () => {
    const response = await get(`${api.url}/policy`);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="access_denied"/);
  });

  it('sends 503 with Retry-After when the issuer is down from a cold start', async () => {
    const fresh = await serve(delegatingApp({ issuer: issuer.issuer, audience: issuer.audience }));
    try {
      const token = await issuer.mintUserToken();
      issuer.faults.down = true;
      const response = await get(`${fresh.url}/read`, token);
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('www-authenticate')).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});

describe("errors: 'delegate' with an error middleware", () => {
  it('throws the TokenGateError itself, with headers readable by for..in', async () => {
    const response = await get(custom.url, await issuer.mintUserToken({ expiresIn: -600 }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const body = (await response.json()) as { failed: string; ref: string };
    expect(body.failed).toBe('invalid_token');
    expect(caught?.error.code).toBe('invalid_token');
    expect(caught?.error.expose).toBe(true);
    expect(caught?.forIn).toEqual(['WWW-Authenticate']);
    expect(body.ref).toBe(caught?.error.instance);
    expect(emitted).toEqual([]);
  });
});
