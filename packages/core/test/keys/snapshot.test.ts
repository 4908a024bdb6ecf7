// Key sets carried to the next process (jwks.snapshot and verifier.jwksSnapshot()): a verifier
// seeded with a fresh snapshot fetches nothing before verifying; a stale one or one of another
// URL is fetched again; a seeded key set serves while the issuer is down; a bad snapshot is a
// TypeError at start-up.
import { createVerifier, type JwksSnapshot, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unavailable } from '@tokengate/test-support';

let issuer: TestIssuer;
let options: VerifierOptions;

beforeAll(async () => {
  issuer = await createTestIssuer();
  options = { issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, cache: false };
});
afterAll(() => issuer.close());
beforeEach(() => {
  issuer.faults.reset();
  issuer.resetCounts();
});

/** The snapshot of a verifier that verified one token, through JSON as storage would keep it. */
async function storedSnapshot(): Promise<JwksSnapshot> {
  const first = createVerifier(options);
  await first.verify(await issuer.mintUserToken());
  return JSON.parse(JSON.stringify(first.jwksSnapshot())) as JwksSnapshot;
}

describe('jwksSnapshot()', () => {
  it('is empty before any key set is fetched, and holds each fetched key set with its time after', async () => {
    const verifier = createVerifier(options);
    expect(verifier.jwksSnapshot()).toEqual({ version: 1, keySets: [] });
    const before = Date.now();
    await verifier.verify(await issuer.mintUserToken());
    const { keySets } = verifier.jwksSnapshot();
    expect(keySets).toHaveLength(1);
    expect(keySets[0]).toMatchObject({ jwksUri: issuer.jwksUri, jwks: issuer.jwks() });
    expect(keySets[0]?.fetchedAt).toBeGreaterThanOrEqual(before);
    expect(keySets[0]?.fetchedAt).toBeLessThanOrEqual(Date.now());
    expect(JSON.stringify(keySets)).not.toMatch(/"d":/);
  });

  it('is a copy: changing it changes nothing in the verifier', async () => {
    const verifier = createVerifier(options);
    await verifier.verify(await issuer.mintUserToken());
    const snapshot = verifier.jwksSnapshot() as unknown as { keySets: { jwks: { keys: unknown[] } }[] };
    snapshot.keySets[0]?.jwks.keys.splice(0);
    expect(verifier.jwksSnapshot().keySets[0]?.jwks.keys.length).toBeGreaterThan(0);
  });
});

describe('jwks.snapshot', () => {
  it('a fresh snapshot: the next verifier verifies without fetching the key set', async () => {
    const snapshot = await storedSnapshot();
    issuer.resetCounts();
    const next = createVerifier({ ...options, jwks: { snapshot } });
    await expect(next.verify(await issuer.mintUserToken({ sub: 'alice' }))).resolves.toMatchObject({ subject: 'alice' });
    expect(issuer.fetchCounts.jwks).toBe(0);
    expect(next.jwksSnapshot().keySets).toEqual(snapshot.keySets);
  });

  it('a snapshot older than cacheMaxAgeMs is fetched again, and the new key set replaces it', async () => {
    const snapshot = await storedSnapshot();
    const old: JwksSnapshot = { version: 1, keySets: snapshot.keySets.map((entry) => ({ ...entry, fetchedAt: entry.fetchedAt - 700_000 })) };
    issuer.resetCounts();
    const next = createVerifier({ ...options, jwks: { snapshot: old } });
    await next.verify(await issuer.mintUserToken());
    expect(issuer.fetchCounts.jwks).toBe(1);
    expect(next.jwksSnapshot().keySets[0]?.fetchedAt).toBeGreaterThan(Date.now() - 5_000);
  });

  it('a snapshot of another JWKS URL is not used', async () => {
    const snapshot = await storedSnapshot();
    const elsewhere: JwksSnapshot = { version: 1, keySets: snapshot.keySets.map((entry) => ({ ...entry, jwksUri: 'https://other.example.com/jwks' })) };
    issuer.resetCounts();
    await createVerifier({ ...options, jwks: { snapshot: elsewhere } }).verify(await issuer.mintUserToken());
    expect(issuer.fetchCounts.jwks).toBe(1);
  });

  it('while the issuer is down: a stale seeded key set serves up to maxStaleAgeMs, then 503', async () => {
    const snapshot = await storedSnapshot();
    const aged = (ms: number): JwksSnapshot => ({ version: 1, keySets: snapshot.keySets.map((entry) => ({ ...entry, fetchedAt: entry.fetchedAt - ms })) });
    issuer.faults.down = true;
    const token = await issuer.mintUserToken({ sub: 'bob' });
    await expect(createVerifier({ ...options, jwks: { snapshot: aged(700_000) } }).verify(token)).resolves.toMatchObject({ subject: 'bob' });
    await unavailable(createVerifier({ ...options, jwks: { snapshot: aged(90_000_000) } }).verify(token));
  });

  it('keys the issuer rotated in since the snapshot are fetched when a token names them (after the cooldown)', async () => {
    const rotating = await createTestIssuer();
    try {
      const seeded: VerifierOptions = { issuer: rotating.issuer, audience: rotating.audience, jwksUri: rotating.jwksUri, cache: false, jwks: { cooldownMs: 0 } };
      const first = createVerifier(seeded);
      await first.verify(await rotating.mintUserToken());
      const own = JSON.parse(JSON.stringify(first.jwksSnapshot())) as JwksSnapshot;
      await rotating.rotateKeys();
      rotating.resetCounts();
      const next = createVerifier({ ...seeded, jwks: { cooldownMs: 0, snapshot: own } });
      await expect(next.verify(await rotating.mintUserToken({ sub: 'carol' }))).resolves.toMatchObject({ subject: 'carol' });
      expect(rotating.fetchCounts.jwks).toBe(1);
    } finally {
      await rotating.close();
    }
  });

  it.each([
    ['not an object', 'keys', /"jwks.snapshot" option must be what verifier.jwksSnapshot\(\) returned/],
    ['another version', { version: 2, keySets: [] }, /must be what verifier.jwksSnapshot\(\) returned/],
    ['no keySets', { version: 1 }, /must be what verifier.jwksSnapshot\(\) returned/],
    ['a relative jwksUri', { version: 1, keySets: [{ jwksUri: '/jwks', jwks: { keys: [] }, fetchedAt: 1 }] }, /has an entry without an absolute jwksUri/],
    ['no key set', { version: 1, keySets: [{ jwksUri: 'https://a.example/jwks', jwks: {}, fetchedAt: 1 }] }, /has no key set .* for https:\/\/a.example\/jwks/],
    ['a key that is not an object', { version: 1, keySets: [{ jwksUri: 'https://a.example/jwks', jwks: { keys: ['k'] }, fetchedAt: 1 }] }, /has no key set/],
    ['no fetchedAt', { version: 1, keySets: [{ jwksUri: 'https://a.example/jwks', jwks: { keys: [] } }] }, /has no fetchedAt/],
    ['a fetchedAt in the future', { version: 1, keySets: [{ jwksUri: 'https://a.example/jwks', jwks: { keys: [] }, fetchedAt: Date.now() + 3_600_000 }] }, /not in the future/],
    ['a null entry', { version: 1, keySets: [null] }, /has an entry without an absolute jwksUri/],
  ])('%s is a TypeError at start-up', (_name, snapshot, message) => {
    expect(() => createVerifier({ ...options, jwks: { snapshot: snapshot as never } })).toThrow(TypeError);
    expect(() => createVerifier({ ...options, jwks: { snapshot: snapshot as never } })).toThrow(message);
  });

  it('is not shown in verifier.options (data, not a setting)', async () => {
    const verifier = createVerifier({ ...options, jwks: { snapshot: await storedSnapshot() } });
    expect(verifier.options).not.toHaveProperty('jwksSnapshot');
    expect(JSON.stringify(verifier.options)).not.toContain('"keys"');
  });
});
