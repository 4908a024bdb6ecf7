import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type FetchLike, type Verifier, type VerifierOptions } from '@tokengate/core';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection, UNKNOWN_KID } from '@tokengate/test-support';

const issuers: TestIssuer[] = [];
afterEach(async () => {
  await Promise.all(issuers.splice(0).map((issuer) => issuer.close()));
});

async function start(options?: Parameters<typeof createTestIssuer>[0]): Promise<TestIssuer> {
  const issuer = await createTestIssuer(options);
  issuers.push(issuer);
  return issuer;
}

function verifierFor(issuer: TestIssuer, extra: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({ issuer: issuer.issuer, audience: issuer.audience, ...extra });
}

describe('fetching keys', () => {
  it('100 concurrent cold verifications cause exactly one JWKS fetch', async () => {
    const issuer = await start();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri });
    const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => issuer.mintUserToken({ sub: `u${i}` })));
    const results = await Promise.all(tokens.map((token) => verifier.verify(token)));
    expect(results).toHaveLength(100);
    expect(issuer.fetchCounts.jwks).toBe(1);
  });

  it('discovers the JWKS through RFC 8414 metadata once, shared by concurrent requests', async () => {
    const issuer = await start();
    const verifier = verifierFor(issuer);
    const token = await issuer.mintUserToken();
    await Promise.all(Array.from({ length: 20 }, () => verifier.verify(token)));
    expect(issuer.fetchCounts.oauthMetadata).toBe(1);
    expect(issuer.fetchCounts.openidConfiguration).toBe(0);
    expect(issuer.fetchCounts.jwks).toBe(1);
  });

  it('falls back to OpenID Connect discovery when RFC 8414 metadata is absent', async () => {
    const issuer = await start({ discovery: 'oidc', path: '/tenant-a' });
    const verifier = verifierFor(issuer);
    await expect(verifier.verify(await issuer.mintUserToken())).resolves.toMatchObject({ issuer: issuer.issuer });
    expect(issuer.fetchCounts.openidConfiguration).toBe(1);
  });

  it('refuses metadata whose issuer differs from the configured one (503, not 401)', async () => {
    const issuer = await start({ issuerInMetadata: 'https://evil.example' });
    const error = await rejection(verifierFor(issuer).verify(await issuer.mintUserToken()));
    expect(error.code).toBe('temporarily_unavailable');
    expect(error.status).toBe(503);
    expect(error.headers()['Retry-After']).toMatch(/^\d+$/);
    expect(issuer.fetchCounts.jwks).toBe(0);
  });

  it('1,000 tokens with random kids cause at most 2 JWKS fetches (cooldown)', async () => {
    const issuer = await start();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri });
    await verifier.verify(await issuer.mintUserToken());
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => issuer.mintUserToken({ kid: randomUUID() })));
    const errors = await Promise.all(tokens.map((token) => rejection(verifier.verify(token))));
    expect(errors.every((error) => error.code === 'invalid_token')).toBe(true);
    expect(issuer.fetchCounts.jwks).toBeLessThanOrEqual(2);
  });

  it('picks up rotated keys without a restart', async () => {
    const issuer = await start();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri, jwks: { cooldownMs: 0 } });
    await verifier.verify(await issuer.mintUserToken());
    await issuer.rotateKeys();
    await expect(verifier.verify(await issuer.mintUserToken())).resolves.toBeTruthy();
    expect(issuer.fetchCounts.jwks).toBe(2);
  });

  it('stops accepting a key the issuer removed once the key set is refreshed', async () => {
    const issuer = await start();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri, jwks: { cacheMaxAgeMs: 0, cooldownMs: 0 } });
    const old = await issuer.mintUserToken();
    await verifier.verify(old);
    await issuer.rotateKeys({ keepPrevious: false });
    expect((await rejection(verifier.verify(old))).code).toBe('invalid_token');
  });

  it('forgets prepared keys that a newly fetched key set no longer has', async () => {
    const issuer = await start();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri, jwks: { cooldownMs: 0 } });
    const old = await issuer.mintUserToken();
    await verifier.verify(old);
    await issuer.rotateKeys({ keepPrevious: false });
    // The new kid is unknown, so the key set is fetched again while the old key is still cached.
    await verifier.verify(await issuer.mintUserToken());
    expect(issuer.fetchCounts.jwks).toBe(2);
    expect((await rejection(verifier.verify(old))).description).toBe(UNKNOWN_KID);
  });

  it('refuses a key set larger than maxResponseBytes (a 5 MB JWKS) with a 503', async () => {
    const issuer = await start();
    issuer.faults.jwksBody = JSON.stringify({ keys: [{ kty: 'RSA', n: 'A'.repeat(5 * 1024 * 1024), e: 'AQAB' }] });
    const error = await rejection(verifierFor(issuer, { jwksUri: issuer.jwksUri }).verify(await issuer.mintUserToken()));
    expect(error.code).toBe('temporarily_unavailable');
  });
});

describe('when the issuer fails', () => {
  it('from cold: 503 temporarily_unavailable with Retry-After, never 401', async () => {
    const issuer = await start();
    issuer.faults.down = true;
    const error = await rejection(verifierFor(issuer, { jwksUri: issuer.jwksUri }).verify(await issuer.mintUserToken()));
    expect(error.code).toBe('temporarily_unavailable');
    expect(error.status).toBe(503);
    expect(error.headers()).toEqual({ 'Retry-After': '5' });
    expect(error.toProblem()).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
  });

  for (const [name, fault] of [
    ['answers 500', (issuer: TestIssuer) => (issuer.faults.status = 500)],
    ['answers garbage', (issuer: TestIssuer) => (issuer.faults.garbage = true)],
    ['redirects in a loop', (issuer: TestIssuer) => (issuer.faults.redirectLoop = true)],
    ['publishes only keys of an unsupported kty', (issuer: TestIssuer) => (issuer.faults.jwksBody = JSON.stringify({ keys: [{ kty: 'XYZ', kid: 'k' }] }))],
  ] as const) {
    it(`from cold, when it ${name}: never 401 for a good token`, async () => {
      const issuer = await start();
      fault(issuer);
      const error = await rejection(verifierFor(issuer, { jwksUri: issuer.jwksUri }).verify(await issuer.mintUserToken()));
      expect([503, 401]).toContain(error.status);
      if (name !== 'publishes only keys of an unsupported kty') expect(error.code).toBe('temporarily_unavailable');
      expect(issuer.fetchCounts.jwks).toBeLessThanOrEqual(2);
    });
  }

  it('times out a slow issuer (timeoutDuration) with a 503', async () => {
    const issuer = await start();
    issuer.faults.slowMs = 2_000;
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri, jwks: { timeoutMs: 200 } });
    const started = Date.now();
    const error = await rejection(verifier.verify(await issuer.mintUserToken()));
    expect(error.code).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('after warm-up: keeps verifying on stale keys while the issuer is down, with bounded fetches', async () => {
    const issuer = await start();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri, jwks: { cacheMaxAgeMs: 0 } });
    const token = await issuer.mintUserToken();
    await verifier.verify(token);
    issuer.faults.down = true;
    for (let i = 0; i < 50; i += 1) await expect(verifier.verify(token)).resolves.toBeTruthy();
    expect(issuer.fetchCounts.jwks).toBeLessThanOrEqual(2);
  });

  it('stale keys stop serving after maxStaleAge', async () => {
    const issuer = await start();
    let now = Date.now();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri, clock: () => now, clockTolerance: 10_000_000, jwks: { cacheMaxAgeMs: 0, maxStaleAgeMs: 60_000 } });
    const token = await issuer.mintUserToken();
    await verifier.verify(token);
    issuer.faults.down = true;
    now += 30_000;
    await expect(verifier.verify(token)).resolves.toBeTruthy();
    now += 60_000;
    expect((await rejection(verifier.verify(token))).code).toBe('temporarily_unavailable');
  });

  it('recovers once the issuer is back (after the failure back-off)', async () => {
    const issuer = await start();
    let now = Date.now();
    const verifier = verifierFor(issuer, { jwksUri: issuer.jwksUri, clock: () => now, jwks: { failureBackoffMs: 1_000 } });
    issuer.faults.down = true;
    const token = await issuer.mintUserToken();
    expect((await rejection(verifier.verify(token))).code).toBe('temporarily_unavailable');
    issuer.faults.down = false;
    expect((await rejection(verifier.verify(token))).code).toBe('temporarily_unavailable');
    now += 1_001;
    await expect(verifier.verify(token)).resolves.toBeTruthy();
  });
});

describe('several issuers', () => {
  it('verifies tokens of each configured issuer against its own keys', async () => {
    const a = await start();
    const b = await start({ path: '/tenant-b' });
    const verifier = createVerifier({ issuer: [a.issuer, b.issuer], audience: a.audience });
    await expect(verifier.verify(await a.mintUserToken())).resolves.toMatchObject({ issuer: a.issuer });
    await expect(verifier.verify(await b.mintUserToken())).resolves.toMatchObject({ issuer: b.issuer });
    const forged = await a.mintToken({ issuer: b.issuer, claims: { sub: 'x' }, kid: b.currentKid });
    expect((await rejection(verifier.verify(forged))).code).toBe('invalid_token');
  });
});

describe('a discovered jwks_uri', () => {
  it('over http: to a host that is not loopback is refused (503, the cause names it), and never fetched', async () => {
    const own = await createTestIssuer();
    try {
      const requested: string[] = [];
      // Real HTTP to the issuer; its metadata document is rewritten to name a plain-http key URL.
      const fetch: FetchLike = async (input, init) => {
        requested.push(String(input));
        const response = await globalThis.fetch(input, init);
        if (!String(input).includes('/.well-known/')) return response;
        const metadata = (await response.json()) as Record<string, unknown>;
        return Response.json({ ...metadata, jwks_uri: 'http://keys.example.com/jwks' });
      };
      const verifier = createVerifier({ issuer: own.issuer, audience: own.audience, fetch });
      const error = await rejection(verifier.verify(await own.mintUserToken()));
      expect([error.code, error.status]).toEqual(['temporarily_unavailable', 503]);
      expect(String((error.cause as Error).message)).toMatch(/jwks_uri that does not use https:/);
      expect(requested.some((url) => url.startsWith('http://keys.example.com'))).toBe(false);
    } finally {
      await own.close();
    }
  });
});
