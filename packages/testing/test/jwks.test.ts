import { calculateJwkThumbprint } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningAlgorithm, TestIssuer } from '../src/index.js';
import { createTestIssuer } from '../src/index.js';
import { getJson } from './support.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('JWKS', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  it('publishes exactly the current public key', async () => {
    const { status, contentType, body } = await getJson(issuer.jwksUri);
    expect(status).toBe(200);
    expect(contentType).toBe('application/json');
    const { keys } = body as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({
      kty: 'RSA',
      n: expect.stringMatching(/^[A-Za-z0-9_-]{342}$/),
      e: 'AQAB',
      kid: issuer.currentKid,
      alg: 'RS256',
      use: 'sig',
    });
  });

  it('uses the RFC 7638 thumbprint as kid', async () => {
    const jwk = issuer.currentPublicJwk();
    expect(await calculateJwkThumbprint(jwk, 'sha256')).toBe(issuer.currentKid);
    expect(issuer.publishedKids()).toEqual([issuer.currentKid]);
  });

  it('returns copies from currentPublicJwk() and jwks()', async () => {
    const jwk = issuer.currentPublicJwk();
    jwk.kid = 'changed';
    expect(issuer.currentPublicJwk().kid).toBe(issuer.currentKid);
    const served = (await getJson(issuer.jwksUri)).body;
    expect(issuer.jwks()).toEqual(served);
    issuer.jwks().keys.pop();
    expect(issuer.jwks().keys).toHaveLength(1);
  });
});

describe.each([
  ['RS256', { kty: 'RSA' }],
  ['PS384', { kty: 'RSA' }],
  ['ES256', { kty: 'EC', crv: 'P-256' }],
  ['ES384', { kty: 'EC', crv: 'P-384' }],
  ['ES512', { kty: 'EC', crv: 'P-521' }],
  ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }],
] as const)('JWKS for %s', (algorithm: SigningAlgorithm, shape) => {
  it('has the right key type, alg and no private members', async () => {
    const issuer = await createTestIssuer({ algorithm });
    try {
      const { keys } = (await getJson(issuer.jwksUri)).body as { keys: Record<string, unknown>[] };
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ ...shape, alg: algorithm, use: 'sig', kid: issuer.currentKid });
      for (const member of PRIVATE_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
    } finally {
      await issuer.close();
    }
  });
});
