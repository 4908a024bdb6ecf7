// Per-client rate limits through every adapter (Express, Koa, Fastify, Hono): N requests per window for each client, then 429
// `rate_limited` with Retry-After; every answer carries RateLimit-Policy and RateLimit (IETF
// httpapi draft); a store that cannot count lets requests through (reported) or, asked to, answers 503.
import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { createMemoryStore, createVerifier, type RateLimitingStore, type RateLimitOptions, type TokenGateError, type Verifier } from '@tokengate/core';
import * as ex from '@tokengate/express';
import * as fy from '@tokengate/fastify';
import * as ko from '@tokengate/koa';
import * as ho from '@tokengate/hono';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Running } from './support/servers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

type Start = (verifier: Verifier, limit: RateLimitOptions) => Promise<Running>;

const ADAPTERS: ReadonlyArray<readonly [string, Start]> = [
  ['express', (verifier, limit) => {
    const app = express();
    app.get('/v1/files', ex.auth(verifier), ex.rateLimit(limit), (req, res) => void res.json({ client: req.auth?.clientId ?? null }));
    return listen(createServer(app));
  }],
  ['koa', (verifier, limit) => {
    const app = new Koa();
    app.silent = true;
    const [authenticate, count] = [ko.auth(verifier), ko.rateLimit(limit)];
    app.use((ctx, next) => authenticate(ctx, () => count(ctx, async () => {
      ctx.body = { client: ctx.state.auth?.clientId ?? null };
      await next();
    })));
    return listen(createServer(app.callback()));
  }],
  ['fastify', async (verifier, limit) => {
    const app = Fastify();
    app.get('/v1/files', { onRequest: fy.auth(verifier), preHandler: fy.rateLimit(limit) }, async (request) => ({ client: request.auth?.clientId ?? null }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
  }],
  ['hono', async (verifier, limit) => {
    const app = new Hono<ho.TokenGateEnv>();
    app.use('/v1/*', ho.auth(verifier), ho.rateLimit(limit));
    app.get('/v1/files', (c) => c.json({ client: c.get('auth').clientId ?? null }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }],
];

async function call(running: Running, token: string) {
  const response = await fetch(`${running.url}/v1/files`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** A shared store whose limiter cannot count (its backend is down). */
function downStore(): RateLimitingStore {
  return { ...createMemoryStore(), rateLimiter: () => ({ consume: () => Promise.reject(new Error('connection refused')) }) };
}

for (const [name, start] of ADAPTERS) {
  describe(name, () => {
    it('lets a client make `points` requests per window, then answers 429 with the headers', async () => {
      const running = await start(createVerifier({ issuer: issuer.issuer, audience: issuer.audience }), { points: 3, duration: 60 });
      try {
        const token = await issuer.mintClientToken({ claims: { client_id: 'app-1' } });
        for (const remaining of [2, 1, 0]) {
          const ok = await call(running, token);
          expect(ok.status).toBe(200);
          expect(ok.headers.get('ratelimit-policy')).toBe('"default";q=3;w=60');
          expect(ok.headers.get('ratelimit')).toMatch(new RegExp(`^"default";r=${remaining};t=(60|59)$`));
        }
        const refused = await call(running, token);
        expect(refused.status).toBe(429);
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
        expect(refused.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
        expect(refused.headers.get('www-authenticate')).toBeNull();
        expect(refused.body).toMatchObject({ type: 'https://tokengate.dev/problems/rate_limited', status: 429, title: 'Too many requests' });
        expect(refused.body).toMatchObject({ error: 'rate_limited' });
        const other = await call(running, await issuer.mintClientToken({ claims: { client_id: 'app-2' } }));
        expect(other.status).toBe(200);
      } finally {
        await running.close();
      }
    });

    it('counts by subject, or by a key of the application', async () => {
      const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
      const bySubject = await start(verifier, { points: 1, duration: 60, key: 'subject', name: 'per-user' });
      try {
        const [first, second] = [await issuer.mintUserToken({ sub: 'alice', claims: { client_id: 'web' } }), await issuer.mintUserToken({ sub: 'bob', claims: { client_id: 'web' } })];
        expect((await call(bySubject, first)).status).toBe(200);
        expect((await call(bySubject, second)).status).toBe(200);
        const refused = await call(bySubject, first);
        expect(refused.status).toBe(429);
        expect(refused.headers.get('ratelimit-policy')).toBe('"per-user";q=1;w=60');
      } finally {
        await bySubject.close();
      }
      const everyone = await start(verifier, { points: 1, duration: 60, key: () => 'everyone' });
      try {
        expect((await call(everyone, await issuer.mintClientToken())).status).toBe(200);
        expect((await call(everyone, await issuer.mintUserToken())).status).toBe(429);
      } finally {
        await everyone.close();
      }
    });

    it('a store that cannot count: through by default, reported; 503 with failOpen false', async () => {
      const reported: TokenGateError[] = [];
      const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, onError: (error) => void reported.push(error) });
      const token = await issuer.mintClientToken();
      const open = await start(verifier, { points: 1, duration: 60, store: downStore() });
      try {
        expect((await call(open, token)).status).toBe(200);
        expect((await call(open, token)).status).toBe(200);
        expect(reported.map((error) => error.description)).toEqual(Array(2).fill('The rate limit could not be counted; the request was let through (failOpen)'));
      } finally {
        await open.close();
      }
      const closed = await start(verifier, { points: 1, duration: 60, store: downStore(), failOpen: false });
      try {
        const refused = await call(closed, token);
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('1');
      } finally {
        await closed.close();
      }
    });

    it('needs a token: a request without one is 401, not counted', async () => {
      const running = await start(createVerifier({ issuer: issuer.issuer, audience: issuer.audience }), { points: 1, duration: 60 });
      try {
        const response = await fetch(`${running.url}/v1/files`, { signal: AbortSignal.timeout(5_000) });
        expect(response.status).toBe(401);
        expect(response.headers.get('ratelimit')).toBeNull();
      } finally {
        await running.close();
      }
    });
  });
}

describe('options', () => {
  it.each([
    [{ points: 0, duration: 60 }, /"points" must be a positive number/],
    [{ points: 10 }, /"duration" must be a positive number/],
    [{ points: 10, duration: 60, key: 'ip' }, /"key" must be 'clientId', 'subject' or a function/],
    [{ points: 10, duration: 60, store: createMemoryStore() }, /"store" must make rate limiters/],
    [{ points: 10, duration: 60, name: 'Has Spaces' }, /"name" must be a lower-case token/],
    [{ points: 10, duration: 60, failOpen: 'no' }, /"failOpen" must be a boolean/],
    [{ points: 10, duration: 60, pionts: 5 }, /Unknown option "pionts" in rateLimit\(\) options/],
  ])('%j is refused at start-up', (options, message) => {
    expect(() => ex.rateLimit(options as unknown as RateLimitOptions)).toThrow(message);
    expect(() => ko.rateLimit(options as unknown as RateLimitOptions)).toThrow(message);
    expect(() => fy.rateLimit(options as unknown as RateLimitOptions)).toThrow(message);
    expect(() => ho.rateLimit(options as unknown as RateLimitOptions)).toThrow(message);
  });
});
