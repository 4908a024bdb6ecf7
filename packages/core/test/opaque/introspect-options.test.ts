import { createVerifier, type AccessToken, type VerifierOptions } from '@tokengate/core';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheKey, IntrospectionCache, LookupOverloadError, type AcceptedToken } from '../../src/opaque/answer-cache.js';

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
    ['negative timeout', { ...base, introspection: { ...client, timeoutDuration: -1 } }, /"introspection.timeoutDuration" option must be a non-negative number/],
    ['NaN cacheMaxAge', { ...base, introspection: { ...client, cacheMaxAge: Number.NaN } }, /"introspection.cacheMaxAge" option must be a non-negative number/],
    ['string inactiveCacheAge', { ...base, introspection: { ...client, inactiveCacheAge: '5' } }, /"introspection.inactiveCacheAge" option must be a non-negative number/],
    ['negative maxEntries', { ...base, introspection: { ...client, maxEntries: -1 } }, /"introspection.maxEntries" option must be a non-negative number/],
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
      clientSecret: 'secret',
      authMethod: 'client_secret_basic',
      timeoutDuration: 5000,
      cacheMaxAge: 60,
      inactiveCacheAge: 5,
      maxEntries: 10000,
      maxConcurrentRequests: 64,
      requireAudience: false,
      dangerouslyAcceptUntypedAnswers: false,
    });
    expect(Object.isFrozen(options.introspection)).toBe(true);
    expect(createVerifier(base).options.introspection).toBeUndefined();
    expect(createVerifier({ ...base, introspection: client, mode: 'jwt' }).options.mode).toBe('jwt');
  });
});

describe('the answer cache', () => {
  const token = 'dba896fe-8f14-46bd-89ac-4270091e9db1';
  const accepted: AcceptedToken = Object.freeze({
    format: 'opaque',
    claims: { active: true, sub: 'alice' },
    header: {},
    issuer: base.issuer,
    scopes: [],
    type: 'user',
  } satisfies Omit<AccessToken, 'token'>);

  function cache(overrides: Partial<ConstructorParameters<typeof IntrospectionCache>[0]> = {}) {
    let now = 1_000_000;
    const instance = new IntrospectionCache({ cacheMaxAge: 60, inactiveCacheAge: 5, maxEntries: 10, maxBytes: 1_000_000, maxInFlight: 64, clock: () => now, ...overrides });
    return { instance, advance: (seconds: number) => (now += seconds * 1000) };
  }

  it('keys entries by the SHA-256 (base64url) of the token, never the token itself', async () => {
    const { instance } = cache();
    await instance.lookup(cacheKey(token), async () => ({ outcome: { accepted }, size: 100 }));
    const digest = createHash('sha256').update(token).digest('base64url');
    expect(cacheKey(token)).toBe(digest);
    expect(instance.keys()).toEqual([digest]);
    expect(instance.keys()).not.toContain(token);
    expect(JSON.stringify(instance.get(digest))).not.toContain(token);
    expect(instance.get(token)).toBeUndefined();
  });

  it('keeps accepted outcomes for cacheMaxAge, refused ones for inactiveCacheAge', () => {
    const { instance, advance } = cache();
    instance.set('a', { accepted });
    instance.set('r', { refused: 'The access token is not active' });
    advance(4);
    expect(instance.get('r')).toEqual({ refused: 'The access token is not active' });
    advance(2);
    expect(instance.get('r')).toBeUndefined();
    advance(53);
    expect(instance.get('a')).toEqual({ accepted });
    advance(2);
    expect(instance.get('a')).toBeUndefined();
    expect(instance.size).toBe(0);
  });

  it("never keeps an accepted outcome past the token's expiry", () => {
    const { instance, advance } = cache();
    instance.set('soon', { accepted: { ...accepted, expiresAt: new Date(1_000_000 + 10_000) } });
    instance.set('gone', { accepted: { ...accepted, expiresAt: new Date(1_000_000 - 1) } });
    expect(instance.get('gone')).toBeUndefined();
    advance(9);
    expect(instance.get('soon')).toBeDefined();
    advance(1);
    expect(instance.get('soon')).toBeUndefined();
  });

  it('is bounded by entries and bytes, and off when any bound is 0', () => {
    const { instance } = cache({ maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) instance.set(key, { accepted });
    expect(instance.keys()).toEqual(['c', 'b']);
    const small = cache({ maxBytes: 2_000 }).instance;
    small.set('big', { accepted }, 5_000);
    expect(small.size).toBe(0);
    for (const settings of [{ maxEntries: 0 }, { maxBytes: 0 }, { cacheMaxAge: 0, inactiveCacheAge: 0 }]) {
      const off = cache(settings).instance;
      off.set('a', { accepted });
      expect(off.size).toBe(0);
    }
  });

  it('keeps refusals apart: a flood of junk never evicts an accepted answer', () => {
    const { instance } = cache({ maxEntries: 10 });
    instance.set('good', { accepted });
    for (let i = 0; i < 10_000; i += 1) instance.set(`junk-${i}`, { refused: 'The access token is not active' });
    expect(instance.get('good')).toEqual({ accepted });
    // Refusals are bounded on their own (a tenth of maxEntries here).
    expect(instance.size).toBe(2);
    expect(instance.get('junk-9999')).toEqual({ refused: 'The access token is not active' });
  });

  it('looks up at most maxInFlight different tokens at once; the next is refused at once', async () => {
    const { instance } = cache({ maxInFlight: 3 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let loads = 0;
    const slow = async () => {
      loads += 1;
      await gate;
      return { outcome: { accepted }, size: 0 };
    };
    const running = ['a', 'b', 'c'].map((key) => instance.lookup(key, slow));
    // The same token joins its lookup; another one is refused without loading.
    const joined = instance.lookup('a', slow);
    await expect(instance.lookup('d', slow)).rejects.toBeInstanceOf(LookupOverloadError);
    expect(loads).toBe(3);
    release();
    await Promise.all([...running, joined]);
    await expect(instance.lookup('d', async () => ({ outcome: { accepted }, size: 0 }))).resolves.toEqual({ accepted });
  });

  it('shares one load between concurrent lookups, and forgets a failed one', async () => {
    const { instance } = cache();
    let loads = 0;
    const load = async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (loads === 1) throw new Error('down');
      return { outcome: { accepted }, size: 0 };
    };
    const first = await Promise.allSettled(Array.from({ length: 10 }, () => instance.lookup('k', load)));
    expect(first.every((result) => result.status === 'rejected')).toBe(true);
    expect(loads).toBe(1);
    await Promise.all(Array.from({ length: 10 }, () => instance.lookup('k', load)));
    expect(loads).toBe(2);
    await instance.lookup('k', load);
    expect(loads).toBe(2);
  });
});
