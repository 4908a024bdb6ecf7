import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, TokenGateError, type AccessToken } from '@tokengate/core';
import { afterEach, describe, expect, it } from 'vitest';
import { UNKNOWN_KID } from '@tokengate/test-support';

// A hostile or failing issuer: every fault has one defined outcome (stale keys keep serving,
// or 503 with Retry-After, or a start-up error), and the number of fetches stays bounded
// however many requests arrive.
const open: TestIssuer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((issuer) => issuer.close()));
});

type Fault = (issuer: TestIssuer) => void;
const WITHDRAWN_KEYS = 'serving only keys of an unsupported kty';
const FAULTS: [string, Fault][] = [
  ['down', (issuer) => (issuer.faults.down = true)],
  ['slow beyond the timeout', (issuer) => (issuer.faults.slowMs = 1_000)],
  ['answering 500', (issuer) => (issuer.faults.status = 500)],
  ['answering garbage JSON', (issuer) => (issuer.faults.garbage = true)],
  ['serving a 5 MB JWKS', (issuer) => (issuer.faults.jwksBody = JSON.stringify({ keys: [{ kty: 'RSA', n: 'A'.repeat(5 << 20), e: 'AQAB' }] }))],
  [WITHDRAWN_KEYS, (issuer) => (issuer.faults.jwksBody = JSON.stringify({ keys: [{ kty: 'XYZ', kid: 'x' }] }))],
  ['redirecting in a loop', (issuer) => (issuer.faults.redirectLoop = true)],
];
const REQUESTS = 200;

async function settle(promise: Promise<AccessToken>): Promise<AccessToken | TokenGateError> {
  return promise.catch((error: unknown) => {
    expect(error).toBeInstanceOf(TokenGateError);
    return error as TokenGateError;
  });
}

async function start(): Promise<TestIssuer> {
  const issuer = await createTestIssuer();
  open.push(issuer);
  return issuer;
}

describe.each(FAULTS)('an issuer %s', (name, fault) => {
  it(`from cold: ${REQUESTS} requests get a defined answer (never a 500) and cause a bounded number of fetches`, async () => {
    const issuer = await start();
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwks: { timeoutMs: 300 } });
    const token = await issuer.mintUserToken();
    fault(issuer);
    const results = await Promise.all(Array.from({ length: REQUESTS }, () => settle(verifier.verify(token))));
    for (const result of results) {
      expect(result).toBeInstanceOf(TokenGateError);
      const error = result as TokenGateError;
      // An unsupported-kty key set is a valid set with no usable key: the token's kid is unknown.
      expect(['temporarily_unavailable', 'invalid_token']).toContain(error.code);
      if (error.code === 'temporarily_unavailable') expect(error.headers()['Retry-After']).toMatch(/^\d+$/);
    }
    const counts = issuer.fetchCounts;
    expect(counts.discovery + counts.jwks).toBeLessThanOrEqual(4);
  });

  it(`after warm-up: ${REQUESTS} requests keep verifying on the last good keys, with bounded fetches`, async () => {
    const issuer = await start();
    const verifier = createVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwks: { timeoutMs: 300, cacheMaxAgeMs: 0 },
      cache: false,
    });
    const token = await issuer.mintUserToken();
    await verifier.verify(token);
    issuer.resetCounts();
    fault(issuer);
    for (let i = 0; i < REQUESTS; i += 1) {
      const result = await settle(verifier.verify(token));
      if (name === WITHDRAWN_KEYS) {
        // Not a failure: the issuer answered with a valid key set that no longer has our key,
        // so the key counts as withdrawn (and cacheMaxAge 0 asks for a refresh every time).
        expect((result as TokenGateError).description).toBe(UNKNOWN_KID);
      } else {
        expect(result).not.toBeInstanceOf(TokenGateError);
      }
    }
    if (name !== WITHDRAWN_KEYS) expect(issuer.fetchCounts.jwks).toBeLessThanOrEqual(2);
  });
});

describe('discovery naming another issuer', () => {
  it('never trusts its keys: 503 for every request, metadata fetched a bounded number of times', async () => {
    const issuer = await createTestIssuer({ issuerInMetadata: 'https://evil.example' });
    open.push(issuer);
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
    const token = await issuer.mintUserToken();
    const results = await Promise.all(Array.from({ length: 50 }, () => settle(verifier.verify(token))));
    expect(results.every((result) => result instanceof TokenGateError && result.code === 'temporarily_unavailable')).toBe(true);
    expect(issuer.fetchCounts.jwks).toBe(0);
    expect(issuer.fetchCounts.discovery).toBeLessThanOrEqual(2);
  });
});
