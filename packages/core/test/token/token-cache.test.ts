import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type VerifierOptions } from '@tokengate/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingSignatureVerifier, nowSeconds, rejection, SIGNATURE_INVALID } from '@tokengate/test-support';

let issuer: TestIssuer;
const signatures = countingSignatureVerifier();

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());
beforeEach(() => {
  signatures.reset();
});

function verifierWith(extra: Partial<VerifierOptions> = {}) {
  return createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, signatureVerifier: signatures.verify, ...extra });
}

describe('verified-token cache', () => {
  it('caches a token on its second successful verification and answers every later use from it', async () => {
    const verifier = verifierWith();
    const token = await issuer.mintUserToken();
    await verifier.verify(token);
    expect(verifier.stats().cachedTokens).toBe(0);
    const second = await verifier.verify(token);
    expect(verifier.stats().cachedTokens).toBe(1);
    for (let i = 0; i < 10; i += 1) expect(await verifier.verify(token)).toBe(second);
    expect(signatures.calls()).toBe(2);
  });

  it('caches on first use with admitAfter: 1', async () => {
    const verifier = verifierWith({ cache: { admitAfter: 1 } });
    const token = await issuer.mintUserToken();
    const first = await verifier.verify(token);
    for (let i = 0; i < 10; i += 1) expect(await verifier.verify(token)).toBe(first);
    expect(signatures.calls()).toBe(1);
    expect(verifier.stats().cachedTokens).toBe(1);
  });

  it('keeps tokens used once out of the cache, so they never displace reused ones', async () => {
    const verifier = verifierWith({ cache: { maxEntries: 4 } });
    const reused = await issuer.mintUserToken({ sub: 'reused' });
    await verifier.verify(reused);
    const cached = await verifier.verify(reused);
    for (let i = 0; i < 20; i += 1) await verifier.verify(await issuer.mintUserToken({ sub: `once-${i}` }));
    expect(verifier.stats().cachedTokens).toBe(1);
    signatures.reset();
    expect(await verifier.verify(reused)).toBe(cached);
    expect(signatures.calls()).toBe(0);
  });

  it('bounds what it remembers of tokens seen once', async () => {
    // maxEntries 4 remembers at least 64 single uses; the 65th empties the memory.
    const verifier = verifierWith({ cache: { maxEntries: 4 } });
    const first = await issuer.mintUserToken({ sub: 'first' });
    await verifier.verify(first);
    for (let i = 0; i < 64; i += 1) await verifier.verify(await issuer.mintUserToken({ sub: `once-${i}` }));
    await verifier.verify(first);
    expect(verifier.stats().cachedTokens).toBe(0);
    await verifier.verify(first);
    expect(verifier.stats().cachedTokens).toBe(1);
  });

  it('never answers a different token that ends like a cached one', async () => {
    const verifier = verifierWith();
    const token = await issuer.mintUserToken({ sub: 'alice' });
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifier.stats().cachedTokens).toBe(1);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url')}.${signature}`;
    expect((await rejection(verifier.verify(altered))).description).toBe(SIGNATURE_INVALID);
    expect(verifier.stats().cachedTokens).toBe(1);
  });

  it('gives two tokens that end alike one slot: each is answered only for itself', async () => {
    // Entries are keyed by the token's tail; a verifier that accepts any signature lets two
    // different tokens share a signature, so they share the key too.
    let checks = 0;
    const verifier = verifierWith({
      signatureVerifier: () => {
        checks += 1;
        return true;
      },
    });
    const alice = await issuer.mintUserToken({ sub: 'alice' });
    const [header, payload, signature] = alice.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const bob = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'bob' })).toString('base64url')}.${signature}`;
    await verifier.verify(alice);
    expect((await verifier.verify(alice)).subject).toBe('alice');
    expect(checks).toBe(2);
    expect((await verifier.verify(bob)).subject).toBe('bob');
    expect(checks).toBe(3);
    expect((await verifier.verify(bob)).subject).toBe('bob');
    expect(verifier.stats().cachedTokens).toBe(1);
    // Bob took the slot: Alice is verified again and answered with her own claims.
    expect((await verifier.verify(alice)).subject).toBe('alice');
    expect(checks).toBe(5);
    expect((await verifier.verify(bob)).subject).toBe('bob');
    expect(checks).toBe(5);
  });

  it('answers authenticate from the cache, and still reads each request by the RFC 6750 rules', async () => {
    const verifier = verifierWith();
    const token = await issuer.mintUserToken();
    const request = { headers: { authorization: `Bearer ${token}` } };
    await verifier.authenticate(request);
    const verified = await verifier.authenticate(request);
    expect(signatures.calls()).toBe(2);
    expect(await verifier.authenticate(request)).toBe(verified);
    expect(signatures.calls()).toBe(2);
    const twice = await rejection(verifier.authenticate({ headers: { authorization: `Bearer ${token}`, Authorization: `Bearer ${token}` } }));
    expect(twice.code).toBe('invalid_request');
    expect((await rejection(verifier.authenticate({ headers: {} }))).code).toBe('missing_token');
  });

  it('still refuses a malformed token after a well-formed one of the same length was cached', async () => {
    const verifier = verifierWith({ cache: { admitAfter: 1 } });
    const token = await issuer.mintUserToken();
    await verifier.authenticate({ headers: { authorization: `Bearer ${token}` } });
    const malformed = `${token.slice(0, 10)}!${token.slice(11)}`;
    const error = await rejection(verifier.authenticate({ headers: { authorization: `Bearer ${malformed}` } }));
    expect(error.code).toBe('invalid_request');
    expect((await verifier.authenticate({ headers: { authorization: `Bearer ${token}` } })).token).toBe(token);
  });

  it('does not answer for a cached token past its exp', async () => {
    // Minted before the clock is read: the token's iat (whole seconds) is never ahead of it.
    const token = await issuer.mintUserToken({ expiresIn: 60 });
    let now = Date.now();
    const verifier = verifierWith({ clock: () => now, clockTolerance: 0, cache: { admitAfter: 1 } });
    const request = { headers: { authorization: `Bearer ${token}` } };
    await verifier.authenticate(request);
    await verifier.authenticate(request);
    expect(signatures.calls()).toBe(1);
    now += 61_000;
    expect((await rejection(verifier.authenticate(request))).code).toBe('invalid_token');
  });

  it('can be turned off', async () => {
    const verifier = verifierWith({ cache: false });
    const token = await issuer.mintUserToken();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(signatures.calls()).toBe(2);
    expect(verifier.stats()).toEqual({ cachedTokens: 0, cachedBytes: 0 });
  });

  it('never caches failures: a bad token is verified every time', async () => {
    const verifier = verifierWith();
    const forged = await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'x', exp: nowSeconds() + 60 });
    for (let i = 0; i < 3; i += 1) expect((await rejection(verifier.verify(forged))).description).toBe(SIGNATURE_INVALID);
    expect(signatures.calls()).toBe(3);
    expect(verifier.stats().cachedTokens).toBe(0);
  });

  it('re-checks exp on a hit', async () => {
    // Minted before the clock is read: the token's iat (whole seconds) is never ahead of it.
    const token = await issuer.mintUserToken({ expiresIn: 60 });
    let now = Date.now();
    const verifier = verifierWith({ clock: () => now, clockTolerance: 0, cache: { admitAfter: 1 } });
    await verifier.verify(token);
    expect(verifier.stats().cachedTokens).toBe(1);
    now += 61_000;
    expect((await rejection(verifier.verify(token))).description).toMatch(/expired/);
    expect(verifier.stats().cachedTokens).toBe(0);
  });

  it('re-checks maxTokenAge on a hit', async () => {
    // Minted before the clock is read: the token's iat (whole seconds) is never ahead of it.
    const token = await issuer.mintUserToken({ expiresIn: 3600 });
    let now = Date.now();
    const verifier = verifierWith({ clock: () => now, maxTokenAge: 30, clockTolerance: 0, cache: { admitAfter: 1 } });
    await verifier.verify(token);
    expect(verifier.stats().cachedTokens).toBe(1);
    now += 31_000;
    expect((await rejection(verifier.verify(token))).description).toMatch(/older than 30/);
  });

  it('drops tokens signed by a key the issuer withdrew, when the new key set arrives', async () => {
    const own = await createTestIssuer();
    try {
      const verifier = createVerifier({ issuer: own.issuer, audience: own.audience, jwksUri: own.jwksUri, jwks: { cooldownMs: 0 }, cache: { admitAfter: 1 } });
      const old = await own.mintUserToken();
      await verifier.verify(old);
      expect(verifier.stats().cachedTokens).toBe(1);
      await own.rotateKeys({ keepPrevious: false });
      await verifier.verify(await own.mintUserToken());
      expect(verifier.stats().cachedTokens).toBe(1);
      expect((await rejection(verifier.verify(old))).code).toBe('invalid_token');
    } finally {
      await own.close();
    }
  });

  it('keeps tokens whose key is still published after a key set change', async () => {
    const own = await createTestIssuer();
    try {
      const verifier = createVerifier({ issuer: own.issuer, audience: own.audience, jwksUri: own.jwksUri, jwks: { cooldownMs: 0 }, cache: { admitAfter: 1 } });
      const old = await own.mintUserToken();
      const first = await verifier.verify(old);
      await own.rotateKeys({ keepPrevious: true });
      await verifier.verify(await own.mintUserToken());
      expect(await verifier.verify(old)).toBe(first);
    } finally {
      await own.close();
    }
  });

  it('does not answer from the cache once the key set is older than cacheMaxAge', async () => {
    const verifier = verifierWith({ jwks: { cacheMaxAgeMs: 0 }, cache: { admitAfter: 1 } });
    const token = await issuer.mintUserToken();
    await verifier.verify(token);
    expect(verifier.stats().cachedTokens).toBe(1);
    await verifier.verify(token);
    expect(signatures.calls()).toBe(2);
  });

  it('never holds more than maxEntries tokens', async () => {
    const verifier = verifierWith({ cache: { maxEntries: 5, admitAfter: 1 } });
    for (let i = 0; i < 20; i += 1) await verifier.verify(await issuer.mintUserToken({ sub: `user-${i}` }));
    expect(verifier.stats().cachedTokens).toBe(5);
  });

  it('never holds more than maxBytes', async () => {
    const verifier = verifierWith({ cache: { maxBytes: 20_000, admitAfter: 1 } });
    for (let i = 0; i < 50; i += 1) await verifier.verify(await issuer.mintUserToken({ sub: `user-${i}` }));
    const { cachedBytes, cachedTokens } = verifier.stats();
    expect(cachedBytes).toBeLessThanOrEqual(20_000);
    expect(cachedTokens).toBeGreaterThan(0);
    expect(cachedTokens).toBeLessThan(50);
  });

  it('rejects bad cache options', () => {
    expect(() => verifierWith({ cache: { maxEntries: -1 } })).toThrow(/"cache.maxEntries" option/);
    expect(() => verifierWith({ cache: 'yes' as unknown as false })).toThrow(/"cache" option/);
    expect(() => verifierWith({ cache: { admitAfter: 3 as 2 } })).toThrow(/"cache.admitAfter" option/);
  });
});
