import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '@tokengate/test-support';
import type { TestIssuer } from '../src/index.js';
import { createTestIssuer } from '../src/index.js';
import { getJson } from './support.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithm: 'ES256', path: '/t' });
});
afterEach(() => {
  issuer.faults.reset();
  issuer.resetCounts();
});
afterAll(() => issuer.close());

const documents = () => [issuer.jwksUri, issuer.oauthMetadataUrl, issuer.openidConfigurationUrl];

describe('down', () => {
  it('resets the connection of every request and still counts it', async () => {
    issuer.faults.down = true;
    for (const url of [...documents(), `${issuer.issuer}/unknown`]) {
      const error = await rejectionOf(fetch(url));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('fetch failed');
    }
    expect(issuer.fetchCounts).toEqual({ jwks: 1, discovery: 2, oauthMetadata: 1, openidConfiguration: 1, introspection: 0 });
  });

  it('makes a remote JWKS fail, and recovers when switched off', async () => {
    const token = await issuer.mintUserToken();
    issuer.faults.down = true;
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)))).rejects.toThrow();
    issuer.faults.down = false;
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)))).resolves.toBeTruthy();
  });
});

describe('slowMs', () => {
  it('delays every response', async () => {
    issuer.faults.slowMs = 300;
    const started = Date.now();
    const response = await getJson(issuer.jwksUri);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(response.status).toBe(200);
    const unknown = Date.now();
    expect((await getJson(`${issuer.issuer}/unknown`)).status).toBe(404);
    expect(Date.now() - unknown).toBeGreaterThanOrEqual(280);
  });

  it('lets a client time out', async () => {
    issuer.faults.slowMs = 2000;
    const error = await rejectionOf(fetch(issuer.jwksUri, { signal: AbortSignal.timeout(100) }));
    expect(error.name).toBe('TimeoutError');
    expect(issuer.fetchCounts.jwks).toBe(1);
  });
});

describe('status', () => {
  it('answers every JWKS and metadata request with the status', async () => {
    issuer.faults.status = 503;
    for (const url of documents()) {
      expect(await getJson(url)).toEqual({ status: 503, contentType: 'application/json', body: { error: 'injected_fault', status: 503 } });
    }
    expect((await getJson(`${issuer.issuer}/unknown`)).status).toBe(404);
    expect(issuer.fetchCounts.discovery).toBe(2);
  });

  it('supports client errors and bodiless statuses', async () => {
    issuer.faults.status = 401;
    expect((await getJson(issuer.jwksUri)).status).toBe(401);
    issuer.faults.status = 304;
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });
});

describe('garbage', () => {
  it('answers with 200 and a body that is not JSON', async () => {
    issuer.faults.garbage = true;
    for (const url of documents()) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      const text = await response.text();
      expect(text.length).toBeGreaterThan(0);
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
    }
  });
});

describe('jwksBody', () => {
  it('answers the JWKS with exactly the given body and leaves metadata alone', async () => {
    const body = JSON.stringify({ keys: [{ kty: 'XYZ', kid: 'weird' }] });
    issuer.faults.jwksBody = body;
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(body);
    expect((await getJson(issuer.oauthMetadataUrl)).body).toMatchObject({ issuer: issuer.issuer });
  });

  it('serves huge bodies', async () => {
    issuer.faults.jwksBody = `{"keys":[${'{"kty":"RSA"},'.repeat(100_000)}{}]}`;
    const response = await fetch(issuer.jwksUri);
    expect((await response.text()).length).toBe(issuer.faults.jwksBody.length);
  });
});

describe('redirectLoop', () => {
  it('answers with 302 to the same URL', async () => {
    issuer.faults.redirectLoop = true;
    for (const url of documents()) {
      const response = await fetch(`${url}?attempt=1`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`${url}?attempt=1`);
    }
  });

  it('makes a following client give up, counting every hop', async () => {
    issuer.faults.redirectLoop = true;
    const error = await rejectionOf(fetch(issuer.jwksUri));
    expect(error).toBeInstanceOf(TypeError);
    expect(issuer.fetchCounts.jwks).toBe(21);
  });

  it('takes precedence over status and garbage', async () => {
    Object.assign(issuer.faults, { redirectLoop: true, status: 500, garbage: true });
    expect((await fetch(issuer.jwksUri, { redirect: 'manual' })).status).toBe(302);
    issuer.faults.redirectLoop = false;
    expect((await fetch(issuer.jwksUri)).status).toBe(500);
  });
});

describe('statusBody and retryAfter', () => {
  it('shape the answer of status', async () => {
    Object.assign(issuer.faults, { status: 429, statusBody: '{"error":"slow_down"}', retryAfter: '7' });
    const response = await fetch(issuer.jwksUri);
    expect([response.status, response.headers.get('retry-after'), await response.text()]).toEqual([429, '7', '{"error":"slow_down"}']);
  });
});

describe('reset', () => {
  it('turns every switch off', async () => {
    Object.assign(issuer.faults, { down: true, slowMs: 50, status: 500, statusBody: '{}', retryAfter: '9', garbage: true, jwksBody: '{}', introspectionBody: '{}', redirectLoop: true });
    issuer.faults.reset();
    const { reset: _reset, ...switches } = issuer.faults;
    expect(switches).toEqual({
      down: false,
      slowMs: 0,
      status: null,
      statusBody: null,
      retryAfter: null,
      garbage: false,
      jwksBody: null,
      introspectionBody: null,
      redirectLoop: false,
    });
    expect((await getJson(issuer.jwksUri)).body).toEqual(issuer.jwks());
  });
});
