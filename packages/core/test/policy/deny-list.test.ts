// The deny list: tokens revoked by jti, subject or client are refused on every request, cache
// hits included, by every verifier sharing the store; a store that cannot answer refuses (503).
import { createDenyList, createMemoryStore, createVerifier, type Store, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { rejection } from '@tokengate/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectingVerifier } from '../opaque/introspect-support.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

const HOUR = () => new Date(Date.now() + 3_600_000);
const make = (store: Store, extra: Partial<VerifierOptions> = {}) => createVerifier({ issuer: issuer.issuer, audience: issuer.audience, denyList: { store }, ...extra });

describe('revocation', () => {
  for (const [name, claims, revocation] of [
    ['jti', { jti: 'token-1' }, { jti: 'token-1' }],
    ['subject', { sub: 'alice' }, { sub: 'alice' }],
    ['client', { client_id: 'app-7' }, { clientId: 'app-7' }],
  ] as const) {
    it(`by ${name} refuses the token at once, though the cache holds it`, async () => {
      const verifier = make(createMemoryStore());
      const token = await issuer.mintUserToken({ claims });
      for (let use = 0; use < 3; use += 1) await verifier.verify(token);
      expect(verifier.stats().cachedTokens).toBe(1);
      await verifier.revoke(revocation, { until: HOUR() });
      const failure = await rejection(verifier.authenticate({ headers: { authorization: `Bearer ${token}` } }));
      expect(failure.code).toBe('invalid_token');
      expect(failure.description).toMatch(/^The access token has been revoked/);
      await expect(verifier.verify(await issuer.mintUserToken({ claims: { jti: 'other', sub: 'bob', client_id: 'other-app' } }))).resolves.toBeDefined();
    });
  }

  it('from an operator script sharing the store: every verifier on it refuses', async () => {
    const store = createMemoryStore();
    const [a, b] = [make(store), make(store)];
    const token = await issuer.mintUserToken({ claims: { sub: 'mallory' } });
    await a.verify(token);
    await createDenyList({ store }).revoke({ sub: 'mallory' }, { until: Math.floor(Date.now() / 1000) + 60 });
    expect((await rejection(a.verify(token))).code).toBe('invalid_token');
    expect((await rejection(b.verify(token))).code).toBe('invalid_token');
  });

  it('holds until `until`, then ends; a revocation already over stores nothing', async () => {
    const state = { now: Date.now() };
    const clock = () => state.now;
    const store = createMemoryStore({ clock });
    const verifier = make(store, { clock });
    const token = await issuer.mintUserToken({ claims: { sub: 'carol' } });
    await verifier.revoke({ sub: 'carol' }, { until: new Date(state.now + 10_000) });
    expect((await rejection(verifier.verify(token))).code).toBe('invalid_token');
    state.now += 11_000;
    await expect(verifier.verify(token)).resolves.toBeDefined();
    await verifier.revoke({ sub: 'carol' }, { until: new Date(state.now - 1_000) });
    await expect(verifier.verify(token)).resolves.toBeDefined();
    expect(store.size).toBe(0);
  });

  it('covers introspected tokens by their answer', async () => {
    const store = createMemoryStore();
    const verifier = introspectingVerifier(issuer, { mode: 'introspect', denyList: { store } });
    const token = await issuer.mintOpaqueToken({ claims: { jti: 'opaque-1' } });
    await verifier.verify(token);
    await verifier.revoke({ jti: 'opaque-1' }, { until: HOUR() });
    expect((await rejection(verifier.verify(token))).code).toBe('invalid_token');
  });

  it('keeps its keys apart per prefix, and stores digests, not the values', async () => {
    const store = createMemoryStore();
    const keys: string[] = [];
    const recording: Store = { ...store, get: (key) => store.get(key), set: (key, value, ttl) => (keys.push(key), store.set(key, value, ttl)), setIfAbsent: (k, v, t) => store.setIfAbsent(k, v, t), increment: (k, t) => store.increment(k, t), delete: (k) => store.delete(k) };
    const token = await issuer.mintUserToken({ claims: { sub: 'dave' } });
    await createDenyList({ store: recording, prefix: 'other-api:' }).revoke({ sub: 'dave' }, { until: HOUR() });
    await expect(make(store).verify(token)).resolves.toBeDefined();
    expect(keys).toEqual([expect.stringMatching(/^other-api:sub:[A-Za-z0-9_-]{43}$/)]);
  });
});

describe('failures', () => {
  const broken = (get: Store['get']): Store => ({ ...createMemoryStore(), get, set: async () => undefined, setIfAbsent: async () => true, increment: async () => 1, delete: async () => undefined });

  it('a store that fails refuses with 503, never lets the token through', async () => {
    const failure = await rejection(make(broken(async () => Promise.reject(new Error('down')))).verify(await issuer.mintUserToken()));
    expect(failure).toMatchObject({ code: 'temporarily_unavailable', status: 503 });
  });

  it('a store that does not answer refuses within its time bound', async () => {
    const started = Date.now();
    const failure = await rejection(make(broken(() => new Promise<string | undefined>(() => undefined))).verify(await issuer.mintUserToken()));
    expect(failure.code).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(4_000);
  }, 10_000);

  it('an entry that is not a time counts as revoked', async () => {
    expect((await rejection(make(broken(async () => 'junk')).verify(await issuer.mintUserToken()))).code).toBe('invalid_token');
  });

  it('revoke() needs the option, something to revoke and an until', async () => {
    const plain = createVerifier({ issuer: issuer.issuer, audience: issuer.audience });
    await expect(plain.revoke({ sub: 'x' }, { until: HOUR() })).rejects.toThrow('revoke() needs the "denyList" option');
    const verifier = make(createMemoryStore());
    await expect(verifier.revoke({}, { until: HOUR() })).rejects.toThrow('revoke() needs { jti }, { sub } or { clientId }');
    await expect(verifier.revoke({ sub: '' }, { until: HOUR() })).rejects.toThrow('"sub" must be a non-empty string');
    await expect(verifier.revoke({ sub: 'x' }, { until: 'tomorrow' as unknown as number })).rejects.toThrow('revoke() needs { until }');
  });

  it('the option is checked at start-up', () => {
    expect(() => make({} as Store)).toThrow(/"denyList.store" option must be a Store/);
    expect(() => createVerifier({ issuer: issuer.issuer, audience: issuer.audience, denyList: { store: createMemoryStore(), prefx: 'x' } as never })).toThrow(/Unknown option "prefx" in the "denyList" options; did you mean "prefix"\?/);
  });
});
