import Koa from 'koa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { auth, requireUserToken, routePolicy } from '@tokengate/koa';
import { expectProblem, setEnvironment } from '@tokengate/test-support';
import { echo, get, serve, type Served } from './support.js';

/** Puts back the TOKENGATE_* variables each test starts without. */
let restoreEnvironment: () => void = () => undefined;
let issuer: TestIssuer;
const running: Served[] = [];

async function start(middleware: Koa.Middleware): Promise<Served> {
  const app = new Koa();
  app.silent = true;
  app.use(middleware);
  app.use(echo);
  const served = await serve(app);
  running.push(served);
  return served;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
});

beforeEach(() => {
  restoreEnvironment = setEnvironment({});
  issuer.resetCounts();
});

afterEach(async () => {
  restoreEnvironment();
  vi.restoreAllMocks();
  await Promise.all(running.splice(0).map((served) => served.close()));
});

afterAll(async () => {
  await issuer.close();
});

describe('configuration from the environment', () => {
  it('lets app.use(requireUserToken()) work as a drop-in', async () => {
    process.env.TOKENGATE_ISSUER = issuer.issuer;
    process.env.TOKENGATE_AUDIENCE = issuer.audience;
    const api = await start(requireUserToken());
    const response = await get(api.url, await issuer.mintUserToken({ sub: 'dana' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ subject: 'dana', type: 'user' });
    await expectProblem(await get(api.url, await issuer.mintClientToken()), { status: 403, code: 'invalid_token_type' });
    await expectProblem(await get(api.url), { status: 401, code: 'missing_token' });
    expect(issuer.fetchCounts.discovery).toBeGreaterThan(0);
  });

  it('uses TOKENGATE_JWKS_URI instead of discovery, and comma-separated audiences', async () => {
    process.env.TOKENGATE_ISSUER = issuer.issuer;
    process.env.TOKENGATE_AUDIENCE = `https://other.example.test, ${issuer.audience}`;
    process.env.TOKENGATE_JWKS_URI = issuer.jwksUri;
    const api = await start(auth());
    expect((await get(api.url, await issuer.mintClientToken())).status).toBe(200);
    expect((await get(api.url, await issuer.mintClientToken({ audience: 'https://other.example.test' }))).status).toBe(200);
    expect(issuer.fetchCounts.discovery).toBe(0);
    expect(issuer.fetchCounts.jwks).toBe(1);
  });
});

describe('without any configuration', () => {
  it.each([
    ['auth()', () => auth()],
    ['a drop-in guard', () => requireUserToken()],
    ['routePolicy()', () => routePolicy([{ path: '/*', token: 'any' }])],
  ])('%s answers 500 server_error and logs once', async (_name, factory) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const api = await start(factory());
    const token = await issuer.mintUserToken();
    const first = await expectProblem(await get(api.url, token), { status: 500, code: 'server_error' });
    expect(first.detail).toMatch(/TOKENGATE_ISSUER/);
    expect(first.detail).toMatch(/TOKENGATE_AUDIENCE/);
    const second = await expectProblem(await get(api.url), { status: 500, code: 'server_error' });
    expect(second.instance).not.toBe(first.instance);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]?.[0])).toMatch(/tokengate is not configured.*TOKENGATE_ISSUER/);
  });

  it('serves as soon as the environment is set (read on first use)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const middleware = requireUserToken();
    process.env.TOKENGATE_ISSUER = issuer.issuer;
    process.env.TOKENGATE_AUDIENCE = issuer.audience;
    const api = await start(middleware);
    expect((await get(api.url, await issuer.mintUserToken())).status).toBe(200);
  });
});
