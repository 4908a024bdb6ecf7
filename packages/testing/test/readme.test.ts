// The README's main example, run as written: an Express API protected by @tokengate/express,
// tested against @tokengate/testing's issuer. (The README shows this file's code.)
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auth, requireScopes } from '@tokengate/express';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';

// --- src/app.ts: the API under test
function createApp(config: { issuer: string; audience: string }) {
  const app = express();
  app.get('/me', auth(config), requireScopes('profile:read'), (req, res) => {
    res.json({ sub: req.auth?.subject });
  });
  return app;
}

// --- test/me.test.ts
let issuer: TestIssuer;
let api: { url: string; close(): Promise<void> };

/** Starts a fresh API instance (with its own, empty key cache) configured for the test issuer. */
async function startApi() {
  const server = createApp({ issuer: issuer.issuer, audience: issuer.audience }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const call = (token: string, base = api.url) => fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://api.my-company.test' });
  api = await startApi();
});

afterEach(() => {
  issuer.faults.reset();
  issuer.resetCounts();
});

afterAll(async () => {
  await api.close();
  await issuer.close();
});

describe('GET /me', () => {
  it('answers a user token with the right scope', async () => {
    const response = await call(await issuer.mintUserToken({ sub: 'alice', scopes: ['profile:read'] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'alice' });
  });

  it('refuses a token without the scope: 403 insufficient_scope', async () => {
    const response = await call(await issuer.mintUserToken({ scopes: ['other'] }));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('refuses an expired token, another audience, a foreign key and alg "none": 401', async () => {
    for (const token of [
      await issuer.mintUserToken({ expiresIn: -60, scopes: ['profile:read'] }),
      await issuer.mintUserToken({ audience: 'https://elsewhere.test', scopes: ['profile:read'] }),
      await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory' }),
      issuer.mintUnsignedToken({ iss: issuer.issuer, aud: issuer.audience, sub: 'x' }),
    ]) {
      expect((await call(token)).status).toBe(401);
    }
  });

  it('caches the key set', async () => {
    const token = await issuer.mintUserToken({ scopes: ['profile:read'] });
    for (let i = 0; i < 5; i++) expect((await call(token)).status).toBe(200);
    expect(issuer.fetchCounts.jwks).toBeLessThanOrEqual(1);
  });

  it('answers 503 with Retry-After, not 401, when the issuer cannot be reached', async () => {
    const fresh = await startApi();
    try {
      issuer.faults.down = true;
      const response = await call(await issuer.mintUserToken({ scopes: ['profile:read'] }), fresh.url);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await fresh.close();
    }
  });
});
