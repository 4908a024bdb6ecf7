// Encrypted access tokens (JWE, RFC 7516): refused in `auto` mode without contacting anyone,
// introspected like any other token in `introspect` mode.
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '@tokengate/test-support';
import { looksLikeJwe } from '../../src/jwt/jwe.js';
import { introspectingVerifier } from '../opaque/introspect-support.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const JWE = `${b64({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'k' })}.ZW5jcnlwdGVkLWtleQ.aXY.Y2lwaGVydGV4dA.dGFn`;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterEach(() => issuer.resetCounts());
afterAll(() => issuer.close());

describe('looksLikeJwe', () => {
  it('knows the compact JWE shape by five segments and a header with enc', () => {
    expect(looksLikeJwe(JWE)).toBe(true);
    expect(looksLikeJwe(`${b64({ alg: 'dir', enc: 'A128GCM' })}..aXY.Y2lwaGVy.dGFn`)).toBe(true);
  });

  const NOT_JWE = [
    ['a JWS', `${b64({ alg: 'RS256' })}.${b64({})}.c2ln`],
    ['five segments without enc', `${b64({ alg: 'RSA-OAEP' })}.a.b.c.d`],
    ['six segments', `${b64({ enc: 'A256GCM' })}.a.b.c.d.e`],
    ['a header that is not JSON', 'bm90IGpzb24.a.b.c.d'],
    ['a header that is an array', `${b64(['enc'])}.a.b.c.d`],
    ['an empty header', '.a.b.c.d'],
    ['a UUID', 'dba896fe-8f14-46bd-89ac-4270091e9db1'],
  ] as const;
  for (const [name, token] of NOT_JWE) {
    it(`does not take ${name} for one`, () => {
      expect(looksLikeJwe(token)).toBe(false);
    });
  }
});

describe('an encrypted token', () => {
  it('in auto mode is 401 invalid_token, and the introspection endpoint is not asked', async () => {
    const verifier = introspectingVerifier(issuer);
    expect(verifier.options.mode).toBe('auto');
    expect(await refusal(verifier.verify(JWE))).toBe('Encrypted access tokens (JWE) are not supported');
    expect(await refusal(verifier.authenticate({ headers: { authorization: `Bearer ${JWE}` } }))).toBe('Encrypted access tokens (JWE) are not supported');
    expect(issuer.fetchCounts.introspection).toBe(0);
  });

  it('in introspect mode goes to the introspection endpoint like any other token', async () => {
    const verifier = introspectingVerifier(issuer, { mode: 'introspect' });
    expect(await refusal(verifier.verify(JWE))).not.toMatch(/Encrypted/);
    expect(issuer.fetchCounts.introspection).toBe(1);
  });
});
