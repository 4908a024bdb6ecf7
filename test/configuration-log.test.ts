/**
 * A permanent misconfiguration (here a jwksUri that answers 404) is a 503 for clients, and the
 * operator hears of it once through the adapter's logger even without an `onError`; with an
 * `onError` of their own, the application decides. Through every adapter.
 */
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import type { VerifierOptions } from '@tokengate/core';
import * as ex from '@tokengate/express';
import * as fy from '@tokengate/fastify';
import * as ko from '@tokengate/koa';
import { listen, type Running } from './support/servers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => issuer.close());

async function startWith(adapter: string, options: VerifierOptions): Promise<Running> {
  if (adapter === 'express') {
    const app = express();
    app.get('/me', ex.auth(options), (_req, res) => void res.json({}));
    return listen(createServer(app));
  }
  if (adapter === 'koa') {
    const app = new Koa();
    app.use(ko.auth(options));
    return listen(createServer(app.callback()));
  }
  const app = Fastify();
  app.get('/me', { onRequest: fy.auth(options) }, async () => ({}));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, close: () => app.close() };
}

describe.each(['express', 'koa', 'fastify'])('%s', (adapter) => {
  it('logs a jwksUri answering 404 once, with its URL, while clients get 503', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const jwksUri = `${issuer.issuer}/wrong-jwks-path`;
    const app = await startWith(adapter, { issuer: issuer.issuer, audience: issuer.audience, jwksUri, jwks: { failureBackoffMs: 0 } });
    try {
      for (let i = 0; i < 3; i += 1) {
        const response = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${await issuer.mintUserToken()}` } });
        expect(response.status).toBe(503);
        expect(await response.text()).not.toContain('wrong-jwks-path');
      }
      const lines = logged.mock.calls.map((call) => String(call[0]));
      expect(lines).toEqual([`[tokengate] The JWKS endpoint ${jwksUri} answered HTTP 404: check jwksUri or the issuer's jwks_uri`]);
    } finally {
      await app.close();
    }
  });

  it("leaves it to the application's own onError", async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    const app = await startWith(adapter, {
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: `${issuer.issuer}/wrong-jwks-path`,
      onError: (error) => seen.push(error.code),
    });
    try {
      await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${await issuer.mintUserToken()}` } });
      expect([seen, logged.mock.calls.length]).toEqual([['temporarily_unavailable'], 0]);
    } finally {
      await app.close();
    }
  });
});
