// Server nonces (RFC 9449 §8–9): stateless HMAC nonces over a time window, required when
// configured (use_dpop_nonce), issued in DPoP-Nonce on every 401, shared by instances with the secret.
import { createVerifier, type Verifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { rejection } from '@tokengate/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNonces } from '../../src/binding/nonce.js';
import { makeProof, ORIGIN, proofKeys, URL_PATH, type ProofKeys } from './proofs.js';

const SECRET = 'a-nonce-secret-of-at-least-thirty-two-bytes';
const OLD_SECRET = 'the-previous-nonce-secret-also-32-bytes-long';

let issuer: TestIssuer;
let keys: ProofKeys;
let token: string;
beforeAll(async () => {
  issuer = await createTestIssuer();
  keys = proofKeys();
  token = await issuer.mintUserToken({ claims: { cnf: { jkt: keys.thumbprint } } });
});
afterAll(() => issuer.close());

function clock(start = Date.now()) {
  const state = { now: start };
  return { state, clock: () => state.now };
}

function verifierWith(secret: string | string[], now: () => number = Date.now): Verifier {
  return createVerifier({ issuer: issuer.issuer, audience: issuer.audience, publicOrigin: ORIGIN, dpop: { nonce: { secret, lifetime: 60 } }, clock: now });
}

function request(nonce?: string) {
  const proof = makeProof(keys, { token, claims: nonce === undefined ? {} : { nonce } });
  return { method: 'GET', target: URL_PATH, headers: { authorization: `DPoP ${token}`, dpop: proof } };
}

describe('nonces', () => {
  it('a proof without one gets 401 use_dpop_nonce with a fresh nonce; the retry with it passes', async () => {
    const verifier = verifierWith(SECRET);
    const failure = await rejection(verifier.authenticate(request()));
    expect(failure.code).toBe('use_dpop_nonce');
    expect(failure.status).toBe(401);
    expect(failure.headers['WWW-Authenticate']).toMatch(/^DPoP realm="api", error="use_dpop_nonce", error_description="[^"]+", algs="[^"]+", Bearer realm="api"$/);
    const nonce = failure.headers['DPoP-Nonce'] as string;
    expect(nonce).toMatch(/^[\x21\x23-\x5b\x5d-\x7e]+$/);
    await expect(verifier.authenticate(request(nonce))).resolves.toMatchObject({ confirmation: { jkt: keys.thumbprint } });
  });

  it('every 401 carries one, so a client learns it before its first proof', async () => {
    const failure = await rejection(verifierWith(SECRET).authenticate({ headers: {} }));
    expect(failure.code).toBe('missing_token');
    expect(failure.headers['DPoP-Nonce']).toBeDefined();
    const forbidden = verifierWith(SECRET).fail(new (await import('@tokengate/core')).TokenGateError('insufficient_scope', 'x'));
    expect(forbidden.headers['DPoP-Nonce']).toBeUndefined();
  });

  it('another instance with the same secret accepts it; one with another secret does not', async () => {
    const nonce = (await rejection(verifierWith(SECRET).authenticate(request()))).headers['DPoP-Nonce'] as string;
    await expect(verifierWith(SECRET).authenticate(request(nonce))).resolves.toBeDefined();
    expect((await rejection(verifierWith('another-secret-of-thirty-two-bytes-or-more').authenticate(request(nonce)))).code).toBe('use_dpop_nonce');
  });

  it('is accepted in its window and the next, refused after', async () => {
    const time = clock(1_800_000_000_000);
    const nonces = createNonces({ secrets: [new TextEncoder().encode(SECRET)], lifetime: 60 }, time.clock);
    const nonce = nonces.issue();
    expect(nonces.accepts(nonce)).toBe(true);
    time.state.now += 60_000;
    expect(nonces.accepts(nonce)).toBe(true);
    expect(nonces.issue()).not.toBe(nonce);
    time.state.now += 60_000;
    expect(nonces.accepts(nonce)).toBe(false);
  });

  it('a nonce from the future, a forged one and junk are refused', () => {
    const time = clock(1_800_000_000_000);
    const nonces = createNonces({ secrets: [new TextEncoder().encode(SECRET)], lifetime: 60 }, time.clock);
    time.state.now += 60_000;
    const ahead = nonces.issue();
    time.state.now -= 60_000;
    expect(nonces.accepts(ahead)).toBe(false);
    const [window] = nonces.issue().split('.');
    expect(nonces.accepts(`${window}.${'A'.repeat(22)}`)).toBe(false);
    for (const junk of [undefined, 1, '', 'x.y', `${window}.`, `${window}.${'A'.repeat(23)}`]) expect(nonces.accepts(junk)).toBe(false);
  });

  it('secrets rotate: the first signs, every listed one verifies', async () => {
    const time = clock();
    const old = (await rejection(verifierWith(OLD_SECRET, time.clock).authenticate(request()))).headers['DPoP-Nonce'] as string;
    const rotated = verifierWith([SECRET, OLD_SECRET], time.clock);
    await expect(rotated.authenticate(request(old))).resolves.toBeDefined();
    const fresh = (await rejection(rotated.authenticate(request()))).headers['DPoP-Nonce'] as string;
    await expect(verifierWith(SECRET, time.clock).authenticate(request(fresh))).resolves.toBeDefined();
  });

  it('a stale nonce through the verifier is use_dpop_nonce again, with a new one', async () => {
    const time = clock();
    const verifier = verifierWith(SECRET, time.clock);
    const nonce = (await rejection(verifier.authenticate(request()))).headers['DPoP-Nonce'] as string;
    time.state.now += 121_000;
    const failure = await rejection(verifier.authenticate(request(nonce)));
    expect(failure.code).toBe('use_dpop_nonce');
    expect(failure.headers['DPoP-Nonce']).not.toBe(nonce);
  });

  it('the secrets never show in verifier.options', () => {
    const shown = JSON.stringify(verifierWith(SECRET).options, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString() : value));
    expect(shown).not.toContain(SECRET);
    expect(verifierWith(SECRET).options.dpop?.nonce).toEqual({ lifetime: 60 });
  });
});
