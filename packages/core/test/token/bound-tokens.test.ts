// Sender-constrained tokens (`cnf`, RFC 7800) are never accepted as bearer tokens without their
// proof: whoever holds a copy could replay it without the key (RFC 9449 §7.2, RFC 8705 §3). JWTs
// and introspected tokens alike, on every use: the verified token is cached, the rule is not skipped.
import { createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '@tokengate/test-support';
import { introspectingVerifier } from '../opaque/introspect-support.js';

const DPOP_BOUND = 'The access token is DPoP-bound and must be sent with the DPoP scheme and a proof, not as a bearer token';
const UNKNOWN = 'The access token is bound to a key (cnf) by a method this API does not check';
const CONFIRMATIONS = [
  ['DPoP (jkt)', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }, DPOP_BOUND],
  ['mTLS (x5t#S256), with mtls not configured', { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' }, 'The access token is bound to a client certificate (cnf x5t#S256), which this API does not check'],
  ['an unknown method', { kid: 'k1' }, UNKNOWN],
  ['an empty object', {}, UNKNOWN],
  ['a value that is not an object', 'bound', UNKNOWN],
] as const;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

const jwtVerifier = (extra = {}) => createVerifier({ issuer: issuer.issuer, audience: issuer.audience, ...extra });

describe('a JWT with cnf', () => {
  for (const [name, cnf, message] of CONFIRMATIONS) {
    it(`bound by ${name} is refused with 401 invalid_token, every time (cached, never skipped)`, async () => {
      const verifier = jwtVerifier();
      const token = await issuer.mintUserToken({ claims: { cnf } });
      for (let use = 0; use < 3; use += 1) expect(await refusal(verifier.verify(token))).toBe(message);
      expect(verifier.stats().cachedTokens).toBe(1);
      expect(await refusal(verifier.authenticate({ headers: { authorization: `Bearer ${token}` } }))).toBe(message);
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
    expect(await refusal(verifier.verify(token))).toBe(DPOP_BOUND);
    expect(await refusal(verifier.verify(token))).toBe(DPOP_BOUND);
  });

  it('with token_type DPoP and no cnf is DPoP-bound too (RFC 9449 §6.2)', async () => {
    const verifier = introspectingVerifier(issuer, { mode: 'introspect' });
    expect(await refusal(verifier.verify(await issuer.mintOpaqueToken({ claims: { token_type: 'DPoP' } })))).toBe(DPOP_BOUND);
  });

  it('is accepted with dangerouslyAcceptBoundTokensAsBearer', async () => {
    const verifier = introspectingVerifier(issuer, { mode: 'introspect', dangerouslyAcceptBoundTokensAsBearer: true });
    const token = await issuer.mintOpaqueToken({ claims: { token_type: 'Bearer', cnf: { 'x5t#S256': 'x' } } });
    expect((await verifier.verify(token)).format).toBe('opaque');
  });
});
