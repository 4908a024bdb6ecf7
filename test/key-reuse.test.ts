/**
 * An issuer that re-keys under the same `kid` (static key names, KMS aliases, the fix after a
 * compromise) withdraws the old key: a token signed with it must be refused, also when it was
 * cached before the change. Through `verify` and through every adapter over real HTTP.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createVerifier, TokenGateError, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVERS } from './support/servers.js';

/** jose's remote key set reads `Date.now` for freshness, so the key set's age is real time here. */
const KEY_SET_MAX_AGE = 300;

let issuer: TestIssuer;
beforeEach(async () => {
  issuer = await createTestIssuer();
});
afterEach(async () => {
  await issuer.close();
});

function options(): VerifierOptions {
  return { issuer: issuer.issuer, audience: issuer.audience, jwks: { cacheMaxAgeMs: KEY_SET_MAX_AGE, cooldownMs: 0 }, cache: { admitAfter: 1 } };
}

/** Replace the signing key under the same kid, and let the verifier's key set age past its max age. */
async function rekeyUnderSameKid(): Promise<void> {
  const kid = issuer.currentKid;
  await issuer.rotateKeys({ kid, keepPrevious: false });
  expect(issuer.publishedKids()).toEqual([kid]);
  await sleep(KEY_SET_MAX_AGE + 100);
}

describe('a key replaced under the same kid', () => {
  it('verify: a cached token signed with the old key is refused once the new key set arrives', async () => {
    const verifier = createVerifier(options());
    const old = await issuer.mintUserToken();
    await verifier.verify(old);
    expect(verifier.stats().cachedTokens).toBe(1);
    await rekeyUnderSameKid();
    // A token signed with the new key brings the new key set in.
    expect((await verifier.verify(await issuer.mintUserToken())).type).toBe('user');
    const refused = await verifier.verify(old).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(TokenGateError);
    expect((refused as TokenGateError).code).toBe('invalid_token');
  });

  for (const server of SERVERS) {
    it(`${server.name}: the old key's cached token gets 401 after the re-key`, async () => {
      const app = await server.start(options());
      try {
        const get = (token: string) => fetch(`${app.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
        const old = await issuer.mintUserToken();
        expect((await get(old)).status).toBe(200);
        expect((await get(old)).status).toBe(200);
        await rekeyUnderSameKid();
        expect((await get(await issuer.mintUserToken())).status).toBe(200);
        const response = await get(old);
        expect(response.status).toBe(401);
        expect(((await response.json()) as { error: string }).error).toBe('invalid_token');
      } finally {
        await app.close();
      }
    });
  }
});

describe('a bad signature with a known kid', () => {
  it('fetches the key set again (once per cooldown): a key replaced under the same kid verifies at once', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwks: { cooldownMs: 0 }, cache: { admitAfter: 1 } });
    const old = await issuer.mintUserToken();
    await verifier.verify(old);
    await issuer.rotateKeys({ kid: issuer.currentKid, keepPrevious: false });
    // No waiting for the key set's max age (10 min): the failed signature brings the new key in.
    expect((await verifier.verify(await issuer.mintUserToken())).type).toBe('user');
    const refused = await verifier.verify(old).then(
      () => undefined,
      (error: unknown) => error as TokenGateError,
    );
    expect(refused?.code).toBe('invalid_token');
  });

  it('forged signatures under our kid cannot make the issuer be asked more than once per cooldown', async () => {
    let now = Date.now();
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, clock: () => now, jwks: { cooldownMs: 60_000 } });
    await verifier.verify(await issuer.mintUserToken());
    issuer.resetCounts();
    const forged = await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory', exp: Math.floor(now / 1000) + 3600 });
    const twenty = async () => {
      for (let i = 0; i < 20; i += 1) await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'invalid_token' });
    };
    await twenty();
    expect(issuer.fetchCounts.jwks).toBe(0);
    now += 61_000;
    await twenty();
    expect(issuer.fetchCounts.jwks).toBe(1);
  });
});
