import { createVerifier, type Store, type VerifierOptions } from '@tokengate/core';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NOT_ACTIVE } from '@tokengate/test-support';
import { answerScope, createAnswerCache, tokenDigest, type OpaqueOutcome } from '../../src/opaque/answer-cache.js';
import { createMemoryStore } from '../../src/store/memory-store.js';

const base = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com' };
const client = { clientId: 'api', clientSecret: 'secret' };

function build(options: unknown): () => unknown {
  return () => createVerifier(options as VerifierOptions);
}

describe('bad introspection options fail at construction, naming the option', () => {
  const cases: [string, unknown, RegExp][] = [
    ['introspection not an object', { ...base, introspection: 'yes' }, /"introspection" option must be an object/],
    ['introspection null', { ...base, introspection: null }, /"introspection" option must be an object/],
    ['missing clientId', { ...base, introspection: { clientSecret: 's' } }, /^"introspection.clientId" option is required$/],
    ['empty clientId', { ...base, introspection: { ...client, clientId: '' } }, /"introspection.clientId" option must be a non-empty string/],
    ['missing clientSecret', { ...base, introspection: { clientId: 'api' } }, /^"introspection.clientSecret" option is required$/],
    ['numeric clientSecret', { ...base, introspection: { ...client, clientSecret: 42 } }, /"introspection.clientSecret" option must be a non-empty string/],
    ['unknown authMethod', { ...base, introspection: { ...client, authMethod: 'private_key_jwt' } }, /"introspection.authMethod" option must be "client_secret_basic" or "client_secret_post"/],
    ['relative endpoint', { ...base, introspection: { ...client, endpoint: '/introspect' } }, /"introspection.endpoint" option must be an absolute URL/],
    ['empty endpoint', { ...base, introspection: { ...client, endpoint: '' } }, /"introspection.endpoint" option must be a non-empty string/],
    ['http endpoint', { ...base, introspection: { ...client, endpoint: 'http://auth.example.com/introspect' } }, /"introspection.endpoint" option must use https:/],
    ['several issuers without endpoint', { ...base, issuer: [base.issuer, 'https://b.example/'], introspection: client }, /"introspection.endpoint" option is required with several issuers/],
    ['negative timeout', { ...base, introspection: { ...client, timeoutMs: -1 } }, /"introspection.timeoutMs" option must be a non-negative number/],
    ['negative response cap', { ...base, introspection: { ...client, maxResponseBytes: -1 } }, /"introspection.maxResponseBytes" option must be a non-negative number/],
    ['NaN cache.maxAge', { ...base, introspection: { ...client, cache: { maxAge: Number.NaN } } }, /"introspection.cache.maxAge" option must be a non-negative number/],
    ['string cache.inactiveMaxAge', { ...base, introspection: { ...client, cache: { inactiveMaxAge: '5' } } }, /"introspection.cache.inactiveMaxAge" option must be a non-negative number/],
    ['negative cache.maxEntries', { ...base, introspection: { ...client, cache: { maxEntries: -1 } } }, /"introspection.cache.maxEntries" option must be a non-negative number/],
    ['cache not an object', { ...base, introspection: { ...client, cache: 60 } }, /"introspection.cache" option must be an object/],
    ['store without setIfAbsent', { ...base, introspection: { ...client, store: { get() {}, set() {}, increment() {}, delete() {} } } }, /"introspection.store" option must be a Store \(missing "setIfAbsent"\)/],
    ['old timeoutDuration', { ...base, introspection: { ...client, timeoutDuration: 100 } }, /Unknown option "timeoutDuration" in the "introspection" options; this option was renamed to "timeoutMs"/],
    ['old cacheMaxAge', { ...base, introspection: { ...client, cacheMaxAge: 60 } }, /Unknown option "cacheMaxAge" in the "introspection" options; this option was renamed to "cache.maxAge" \(seconds, as before\)/],
    ['old inactiveCacheAge', { ...base, introspection: { ...client, inactiveCacheAge: 5 } }, /renamed to "cache.inactiveMaxAge"/],
    ['old maxEntries', { ...base, introspection: { ...client, maxEntries: 5 } }, /renamed to "cache.maxEntries"/],
    ['string requireAudience', { ...base, introspection: { ...client, requireAudience: 'yes' } }, /"introspection.requireAudience" option must be a boolean/],
    ['unknown mode', { ...base, mode: 'opaque' }, /"mode" option must be "jwt", "introspect" or "auto"/],
    ['introspect mode without a source', { ...base, mode: 'introspect' }, /"mode" option "introspect" needs the "introspection" or "resolveToken" option/],
    ['auto mode without a source', { ...base, mode: 'auto' }, /"mode" option "auto" needs the "introspection" or "resolveToken" option/],
    ['resolveToken not a function', { ...base, resolveToken: {} }, /"resolveToken" option must be a function/],
    ['resolveToken and introspection', { ...base, introspection: client, resolveToken: async () => null }, /"resolveToken" option cannot be combined with "introspection"/],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      expect(build(options)).toThrow(TypeError);
      expect(build(options)).toThrow(message);
    });
  }

  it('accepts http: endpoints on loopback and with the opt-in, and several issuers with an endpoint', () => {
    expect(build({ ...base, introspection: { ...client, endpoint: 'http://127.0.0.1:9000/introspect' } })).not.toThrow();
    expect(build({ ...base, dangerouslyAllowHttpIssuer: true, introspection: { ...client, endpoint: 'http://auth.internal/introspect' } })).not.toThrow();
    expect(build({ ...base, issuer: [base.issuer, 'https://b.example/'], introspection: { ...client, endpoint: 'https://auth.example.com/introspect' } })).not.toThrow();
  });

  it('applies the defaults and freezes them', () => {
    const { options } = createVerifier({ ...base, introspection: client });
    expect(options.mode).toBe('auto');
    expect(options.resolveToken).toBeUndefined();
    expect(options.introspection).toEqual({
      endpoint: undefined,
      clientId: 'api',
      authMethod: 'client_secret_basic',
      timeoutMs: 5000,
      maxResponseBytes: 1_048_576,
      maxConcurrentRequests: 64,
      requireAudience: false,
      dangerouslyAcceptUntypedAnswers: false,
    });
    expect(Object.isFrozen(options.introspection)).toBe(true);
    // The client secret is never shown (`verifier.options` may be logged).
    expect(JSON.stringify(options)).not.toContain('clientSecret');
    expect(Object.values(options.introspection ?? {})).not.toContain('secret');
    expect(createVerifier(base).options.introspection).toBeUndefined();
    expect(createVerifier({ ...base, introspection: client, mode: 'jwt' }).options.mode).toBe('jwt');
  });
});

describe('the answer cache', () => {
  const token = 'dba896fe-8f14-46bd-89ac-4270091e9db1';
  const accepted: OpaqueOutcome = { claims: { active: true, sub: 'alice', exp: 1_000 + 3_600 } };
  const refused: OpaqueOutcome = { refused: NOT_ACTIVE };

  function cache(overrides: Partial<Parameters<typeof createAnswerCache>[0]> = {}) {
    let now = 1_000_000;
    const clock = (): number => now;
    const accepting = createMemoryStore({ maxEntries: 10, clock });
    const refusing = createMemoryStore({ maxEntries: 1, clock });
    const instance = createAnswerCache({ accepted: accepting, refused: refusing, maxAge: 60, inactiveMaxAge: 5, scope: 'api', clock, ...overrides });
    return { instance, accepting, refusing, advance: (seconds: number) => (now += seconds * 1000) };
  }

  /** A store that records every key written to it. */
  function recordingStore(): Store & { keys: string[]; values: string[] } {
    const inner = createMemoryStore();
    const keys: string[] = [];
    const values: string[] = [];
    return {
      keys,
      values,
      get: (key) => inner.get(key),
      set: async (key, value, ttl) => {
        keys.push(key);
        values.push(value);
        await inner.set(key, value, ttl);
      },
      setIfAbsent: (key, value, ttl) => inner.setIfAbsent(key, value, ttl),
      increment: (key, ttl) => inner.increment(key, ttl),
      delete: (key) => inner.delete(key),
    };
  }

  it('keys entries by the SHA-256 (base64url) of the token under the API scope, never the token itself', async () => {
    const store = recordingStore();
    const instance = createAnswerCache({ accepted: store, refused: store, maxAge: 60, inactiveMaxAge: 5, scope: 'scope-1', clock: () => 1_000_000 });
    const digest = createHash('sha256').update(token).digest('base64url');
    expect(tokenDigest(token)).toBe(digest);
    await instance.set(tokenDigest(token), accepted);
    expect(store.keys).toEqual([`tokengate:introspection:scope-1:a:${digest}`]);
    expect(store.keys.join() + store.values.join()).not.toContain(token);
    expect(await instance.get(digest)).toEqual(accepted);
  });

  it('keeps two APIs sharing a store apart (their rules differ, so do their keys)', async () => {
    const store = createMemoryStore();
    const first = createAnswerCache({ accepted: store, refused: store, maxAge: 60, inactiveMaxAge: 5, scope: answerScope(['https://a/'], ['api-1']), clock: Date.now });
    const second = createAnswerCache({ accepted: store, refused: store, maxAge: 60, inactiveMaxAge: 5, scope: answerScope(['https://a/'], ['api-2']), clock: Date.now });
    await first.set('d', { claims: { active: true } });
    expect(await second.get('d')).toBeUndefined();
  });

  it('keeps accepted outcomes for maxAge, refused ones for inactiveMaxAge', async () => {
    const { instance, advance } = cache();
    await instance.set('a', accepted);
    await instance.set('r', refused);
    advance(4);
    expect(await instance.get('r')).toEqual(refused);
    advance(2);
    expect(await instance.get('r')).toBeUndefined();
    advance(53);
    expect(await instance.get('a')).toEqual(accepted);
    advance(2);
    expect(await instance.get('a')).toBeUndefined();
  });

  it("never keeps an accepted outcome past the token's expiry", async () => {
    const { instance, advance } = cache();
    await instance.set('soon', { claims: { exp: 1_000 + 10 } });
    await instance.set('gone', { claims: { exp: 1_000 - 1 } });
    expect(await instance.get('gone')).toBeUndefined();
    advance(9);
    expect(await instance.get('soon')).toBeDefined();
    advance(1);
    expect(await instance.get('soon')).toBeUndefined();
  });

  it('is off when its ages are 0', async () => {
    const { instance, accepting, refusing } = cache({ maxAge: 0, inactiveMaxAge: 0 });
    await instance.set('a', accepted);
    await instance.set('r', refused);
    expect(accepting.size + refusing.size).toBe(0);
  });

  it('keeps refusals apart: a flood of junk never evicts an accepted answer', async () => {
    const { instance, accepting } = cache();
    await instance.set('good', accepted);
    for (let i = 0; i < 1_000; i += 1) await instance.set(`junk-${i}`, refused);
    expect(await instance.get('good')).toEqual(accepted);
    expect(accepting.size).toBe(1);
    expect(await instance.get('junk-999')).toEqual(refused);
  });

  it('treats a failing or garbled store as a miss, never as a failure of the request', async () => {
    const broken: Store = {
      get: async () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
      setIfAbsent: async () => false,
      increment: async () => 1,
      delete: async () => undefined,
    };
    const instance = createAnswerCache({ accepted: broken, refused: broken, maxAge: 60, inactiveMaxAge: 5, scope: 'api', clock: Date.now });
    await expect(instance.set('a', accepted)).resolves.toBeUndefined();
    await expect(instance.get('a')).resolves.toBeUndefined();
    const garbled = createMemoryStore();
    await garbled.set('tokengate:introspection:api:a:x', '{"claims":', 60);
    const reading = createAnswerCache({ accepted: garbled, refused: garbled, maxAge: 60, inactiveMaxAge: 5, scope: 'api', clock: Date.now });
    expect(await reading.get('x')).toBeUndefined();
  });
});
