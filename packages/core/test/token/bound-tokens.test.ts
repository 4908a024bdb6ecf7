// Sender-constrained tokens (`cnf`, RFC 7800) are never accepted as bearer tokens: whoever holds a
// copy could replay it without the key (RFC 9449 §7.2, RFC 8705 §3). JWTs and introspected tokens alike.
import { createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '@tokengate/test-support';
import { introspectingVerifier } from '../opaque/introspect-support.js';

const BOUND = 'The access token is bound to a key (cnf) and must be presented with its proof of possession, not as a bearer token';
const CONFIRMATIONS = [
  ['DPoP (jkt)', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }],
  ['mTLS (x5t#S256)', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }],
  ['an unknown method', { kid: 'k1' }],
  ['an empty object', {}],
  ['a value that is not an object', 'bound'],
] as const;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

const jwtVerifier = (extra = {}) => createVerifier({ issuer: issuer.issuer, audience: issuer.audience, ...extra });

describe('a JWT with cnf', () => {
  for (const [name, cnf] of CONFIRMATIONS) {
    it(`bound by ${name} is refused with 401 invalid_token, the second time too (never cached)`, async () => {
      const verifier = jwtVerifier();
      const token = await issuer.mintUserToken({ claims: { cnf } });
      expect(await refusal(verifier.verify(token))).toBe(BOUND);
      expect(await refusal(verifier.verify(token))).toBe(BOUND);
      expect(await refusal(verifier.authenticate({ headers: { authorization: `Bearer ${token}` } }))).toBe(BOUND);
      expect(verifier.stats().cachedTokens).toBe(0);
    });
  }

  it('is accepted with dangerouslyAcceptBoundTokensAsBearer (a gateway verified the binding)', async () => {
    const token = await issuer.mintUserToken({ claims: { cnf: { jkt: 'x' } } });
    const accepted = await jwtVerifier({ dangerouslyAcceptBoundTokensAsBearer: true }).verify(token);
    expect(accepted.claims.cnf).toEqual({ jkt: 'x' });
  });

  it('a token without cnf is unaffected', async () => {
    expect((await jwtVerifier().verify(await issuer.mintUserToken())).type).toBe('user');
  });

  it('the opt-out must be a boolean', () => {
    expect(() => jwtVerifier({ dangerouslyAcceptBoundTokensAsBearer: 'yes' })).toThrow(TypeError);
    expect(() => jwtVerifier({ dangerouslyAcceptBoundTokensAsBearer: 'yes' })).toThrow(/dangerouslyAcceptBoundTokensAsBearer/);
  });
});

describe('an introspected token whose answer has cnf', () => {
  it('is refused, on every use (the answer is cached, the rule is not skipped)', async () => {
    const verifier = introspectingVerifier(issuer, { mode: 'introspect' });
    const token = await issuer.mintOpaqueToken({ claims: { token_type: 'DPoP', cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } } });
    expect(await refusal(verifier.verify(token))).toBe(BOUND);
    expect(await refusal(verifier.verify(token))).toBe(BOUND);
  });

  it('is accepted with dangerouslyAcceptBoundTokensAsBearer', async () => {
    const verifier = introspectingVerifier(issuer, { mode: 'introspect', dangerouslyAcceptBoundTokensAsBearer: true });
    const token = await issuer.mintOpaqueToken({ claims: { token_type: 'Bearer', cnf: { 'x5t#S256': 'x' } } });
    expect((await verifier.verify(token)).format).toBe('opaque');
  });
});
