import { createMemoryStore, createVerifier, type Claims } from '@tokengate/core';
import { describe, expect, it } from 'vitest';
import { NOT_ACTIVE, nowSeconds, refusal, WRONG_AUDIENCE, WRONG_ISSUER } from '@tokengate/test-support';
import { issuer, useIssuer, introspectingVerifier as make, manualClock } from './introspect-support.js';

useIssuer();

describe('an active answer becomes an AccessToken', () => {
  it('user token: format opaque, type user, scopes, subject, client id, issuer, expiry', async () => {
    const token = await issuer.mintOpaqueToken({ sub: 'alice', clientId: 'web-app', scopes: ['openid', 'profile', 'file'] });
    const accessToken = await make(issuer).verify(token);
    expect(accessToken).toMatchObject({
      token,
      format: 'opaque',
      header: {},
      issuer: issuer.issuer,
      subject: 'alice',
      clientId: 'web-app',
      scopes: ['openid', 'profile', 'file'],
      type: 'user',
    });
    expect(accessToken.claims).toMatchObject({ active: true, grant_type: 'authorization_code', auth_type: 'user', token_type: 'Bearer' });
    expect(accessToken.expiresAt?.getTime()).toBe((accessToken.claims.exp as number) * 1000);
    expect(Object.isFrozen(accessToken)).toBe(true);
    expect(Object.isFrozen(accessToken.header)).toBe(true);
  });

  it('client token (grant_type client_credentials, no sub): type client', async () => {
    const verifier = make(issuer);
    // authType null leaves grant_type to decide, as in responses without auth_type.
    const token = await verifier.verify(await issuer.mintOpaqueToken({ grantType: 'client_credentials', authType: null, clientId: 'billing' }));
    expect(token).toMatchObject({ type: 'client', clientId: 'billing', format: 'opaque' });
    expect(token.subject).toBeUndefined();
    expect((await verifier.verify(await issuer.mintOpaqueToken({ grantType: 'client_credentials' }))).type).toBe('client');
  });

  it('refresh_token grant: type user, even with a sub equal to the client id', async () => {
    const token = await issuer.mintOpaqueToken({ grantType: 'refresh_token', authType: null, sub: 'test-client' });
    expect((await make(issuer).verify(token)).type).toBe('user');
  });

  it('auth_type decides first (seed fields), and a configured classify replaces the rules', async () => {
    const token = await issuer.mintOpaqueToken({ grantType: 'authorization_code', authType: 'client' });
    expect((await make(issuer).verify(token)).type).toBe('client');
    const classify = (claims: Claims) => (claims.sub === 'robot' ? 'client' : 'user');
    expect((await make(issuer, { classify }).verify(await issuer.mintOpaqueToken({ sub: 'robot' }))).type).toBe('client');
  });

  it('reads scopes with the configured claim names', async () => {
    const token = await issuer.mintOpaqueToken({ claims: { permissions: ['admin'], scope: 'read write' } });
    expect((await make(issuer).verify(token)).scopes).toEqual(['read', 'write', 'admin']);
    expect((await make(issuer, { scopeClaims: { scope: 'nothing' } }).verify(token)).scopes).toEqual(['admin']);
  });

  it('takes iss from the answer, or the single configured issuer when the answer has none', async () => {
    const token = await issuer.mintOpaqueToken({ claims: { iss: undefined } });
    expect((await make(issuer).verify(token)).issuer).toBe(issuer.issuer);
  });

  it('accepts an answer without aud or exp', async () => {
    const token = await issuer.mintOpaqueToken({ audience: null, expiresIn: null });
    const accessToken = await make(issuer).verify(token);
    expect(accessToken.expiresAt).toBeUndefined();
    expect(accessToken.type).toBe('user');
  });

  it('authenticate() extracts the bearer token first', async () => {
    const token = await issuer.mintOpaqueToken();
    await expect(make(issuer).authenticate({ headers: { authorization: `Bearer ${token}` } })).resolves.toMatchObject({ token, format: 'opaque' });
  });
});

describe('refusals are 401 invalid_token', () => {
  it('an inactive answer', async () => {
    expect(await refusal(make(issuer).verify('dba896fe-8f14-46bd-89ac-4270091e9db1'))).toBe(NOT_ACTIVE);
    expect(issuer.fetchCounts.introspection).toBe(1);
  });

  it('a revoked token, at once without caching', async () => {
    const verifier = make(issuer, {}, { cache: { maxAge: 0, inactiveMaxAge: 0 } });
    const token = await issuer.mintOpaqueToken();
    await expect(verifier.verify(token)).resolves.toMatchObject({ format: 'opaque' });
    issuer.revoke(token);
    expect(await refusal(verifier.verify(token))).toBe(NOT_ACTIVE);
  });

  it('a revoked token, once the cached answer expires', async () => {
    const time = manualClock();
    const verifier = make(issuer, { clock: time.clock }, { cache: { maxAge: 30 } });
    const token = await issuer.mintOpaqueToken();
    await verifier.verify(token);
    issuer.revoke(token);
    time.advance(29);
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
    time.advance(2);
    expect(await refusal(verifier.verify(token))).toBe(NOT_ACTIVE);
  });

  it('an answer whose exp has passed (beyond clockTolerance)', async () => {
    const token = await issuer.mintOpaqueToken({ expiresIn: 60 });
    const time = manualClock();
    time.advance(64);
    await expect(make(issuer, { clock: time.clock }).verify(token)).resolves.toMatchObject({ token });
    time.advance(10);
    expect(await refusal(make(issuer, { clock: time.clock }).verify(token))).toMatch(/^The token expired at /);
    expect(await refusal(make(issuer, { clock: () => Date.now() + 61_000, clockTolerance: 0 }).verify(token))).toMatch(/expired/);
  });

  it('an answer whose nbf is ahead', async () => {
    const token = await issuer.mintOpaqueToken({ claims: { nbf: nowSeconds() } });
    const early = make(issuer, { clock: () => Date.now() - 60_000 });
    expect(await refusal(early.verify(token))).toMatch(/^The token is not valid before /);
    await expect(make(issuer).verify(token)).resolves.toMatchObject({ token });
  });

  it.each([
    ['token_type', 'refresh_token'],
    ['token_type', 'Refresh_Token'],
    ['token_type', 'refresh'],
    ['token_use', 'refresh_token'],
    ['token_use', 'refresh'],
    ['typ', 'Refresh'],
    ['typ', 'refresh_token'],
    ['token_type', 'urn:ietf:params:oauth:token-type:refresh_token'],
    ['token_use', 'urn:ietf:params:oauth:token-type:refresh_token'],
    ['typ', 'Offline'],
  ])('an answer marking a refresh token (%s: %s)', async (claim, value) => {
    // Even with an aud naming this API: the marker decides.
    const token = await issuer.mintOpaqueToken({ claims: { [claim]: value } });
    expect(await refusal(make(issuer).verify(token))).toBe('The token is a refresh token, not an access token');
  });

  it.each([
    ['typ', 'ID'],
    ['token_use', 'id'],
    ['token_type', 'urn:ietf:params:oauth:token-type:id_token'],
  ])('an answer marking an ID token (%s: %s)', async (claim, value) => {
    const token = await issuer.mintOpaqueToken({ claims: { [claim]: value } });
    expect(await refusal(make(issuer).verify(token))).toBe('The token is an ID token, not an access token');
  });

  const UNTYPED = 'The introspection answer does not show an access token for this API (no token_type, token_use or aud); see introspection.dangerouslyAcceptUntypedAnswers';

  it('an answer with no token_type, token_use, typ or aud: refused by default, accepted with dangerouslyAcceptUntypedAnswers', async () => {
    const token = await issuer.mintOpaqueToken({ audience: null, claims: { token_type: undefined } });
    expect(await refusal(make(issuer).verify(token))).toBe(UNTYPED);
    await expect(make(issuer, {}, { dangerouslyAcceptUntypedAnswers: true }).verify(token)).resolves.toMatchObject({ format: 'opaque' });
  });

  it('an untyped answer with a refresh marker stays refused with dangerouslyAcceptUntypedAnswers', async () => {
    const token = await issuer.mintOpaqueToken({ audience: null, claims: { token_type: undefined, typ: 'Refresh' } });
    expect(await refusal(make(issuer, {}, { dangerouslyAcceptUntypedAnswers: true }).verify(token))).toBe('The token is a refresh token, not an access token');
  });

  it.each([
    [{ token_type: 'Bearer' }],
    [{ token_type: 'bearer' }],
    [{ token_type: 'N_A' }],
    [{ token_type: undefined, token_use: 'access_token' }],
    [{ token_type: undefined, typ: 'Bearer' }],
  ])('positive evidence of an access token without aud: %j', async (claims) => {
    const token = await issuer.mintOpaqueToken({ audience: null, claims });
    await expect(make(issuer).verify(token)).resolves.toMatchObject({ format: 'opaque' });
  });

  it('an aud naming this API is evidence enough; one naming another API is refused', async () => {
    await expect(make(issuer).verify(await issuer.mintOpaqueToken({ claims: { token_type: undefined } }))).resolves.toMatchObject({ format: 'opaque' });
    const other = await issuer.mintOpaqueToken({ audience: 'https://other.example.com', claims: { token_type: undefined } });
    expect(await refusal(make(issuer).verify(other))).toMatch(/aud/);
  });

  it("resolveToken answers are the application's own and need no evidence", async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, resolveToken: async () => ({ sub: 'u', client_id: 'c' }) });
    await expect(verifier.verify('opaque-1')).resolves.toMatchObject({ format: 'opaque', subject: 'u' });
  });

  it('an answer without aud when requireAudience is on', async () => {
    const token = await issuer.mintOpaqueToken({ audience: null });
    await expect(make(issuer).verify(token)).resolves.toMatchObject({ token });
    expect(await refusal(make(issuer, {}, { requireAudience: true }).verify(token))).toBe('The token names no audience; this API requires one');
    await expect(make(issuer, {}, { requireAudience: true }).verify(await issuer.mintOpaqueToken())).resolves.toMatchObject({ format: 'opaque' });
  });

  it('an answer marking an access token', async () => {
    const token = await issuer.mintOpaqueToken({ claims: { token_type: 'Bearer', token_use: 'access_token', typ: 'Bearer' } });
    await expect(make(issuer).verify(token)).resolves.toMatchObject({ token, format: 'opaque' });
  });

  it('an answer for another audience', async () => {
    expect(await refusal(make(issuer).verify(await issuer.mintOpaqueToken({ audience: 'https://other.api' })))).toBe(
      WRONG_AUDIENCE,
    );
    await expect(make(issuer).verify(await issuer.mintOpaqueToken({ audience: ['https://other.api', issuer.audience] }))).resolves.toBeTruthy();
    expect(await refusal(make(issuer).verify(await issuer.mintOpaqueToken({ claims: { aud: 42 } })))).toMatch(/"aud" claim must be/);
  });

  it('an answer from another issuer', async () => {
    expect(await refusal(make(issuer).verify(await issuer.mintOpaqueToken({ claims: { iss: 'https://evil.example' } })))).toBe(
      WRONG_ISSUER,
    );
  });

  it('an answer without iss when several issuers are accepted', async () => {
    const several = make(issuer, { issuer: [issuer.issuer, 'https://other.example'] });
    expect(await refusal(several.verify(await issuer.mintOpaqueToken({ claims: { iss: undefined } })))).toMatch(/"iss"/);
    await expect(several.verify(await issuer.mintOpaqueToken())).resolves.toMatchObject({ issuer: issuer.issuer });
  });

  it('claims of the wrong type', async () => {
    expect(await refusal(make(issuer).verify(await issuer.mintOpaqueToken({ claims: { sub: 7 } })))).toBe('The "sub" claim must be a string');
    expect(await refusal(make(issuer).verify(await issuer.mintOpaqueToken({ claims: { client_id: ['x'] } })))).toBe('The "client_id" claim must be a string');
    expect(await refusal(make(issuer).verify(await issuer.mintOpaqueToken({ claims: { scope: ['read'] } })))).toBe('The "scope" claim must be a string');
    expect(await refusal(make(issuer).verify(await issuer.mintOpaqueToken({ claims: { exp: 'soon' } })))).toBe('The "exp" claim must be a number');
  });

  it('maxTokenAge applies to opaque tokens too', async () => {
    const old = await issuer.mintOpaqueToken({ claims: { iat: nowSeconds() - 600 } });
    expect(await refusal(make(issuer, { maxTokenAge: 60 }).verify(old))).toMatch(/older than 60 seconds/);
    expect(await refusal(make(issuer, { maxTokenAge: 60 }).verify(await issuer.mintOpaqueToken({ claims: { iat: undefined } })))).toMatch(/"iat"/);
  });

  it('an empty or oversized token, before any introspection', async () => {
    const verifier = make(issuer, { maxTokenLength: 64 });
    await expect(verifier.verify('')).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await refusal(verifier.verify('x'.repeat(65)))).toBe('Access token is too large');
    expect(issuer.fetchCounts.introspection).toBe(0);
  });

  it('reports each refusal to onError once', async () => {
    const seen: string[] = [];
    const verifier = make(issuer, { onError: (error) => seen.push(error.description) });
    await refusal(verifier.verify('unknown-token'));
    expect(seen).toEqual([NOT_ACTIVE]);
  });
});

describe('caching', () => {
  it('N sequential verifications of one token cost one introspection', async () => {
    const verifier = make(issuer);
    const token = await issuer.mintOpaqueToken({ scopes: ['read'] });
    for (let i = 0; i < 20; i += 1) expect((await verifier.verify(token)).token).toBe(token);
    expect(issuer.fetchCounts.introspection).toBe(1);
    expect(verifier.stats().introspectedTokens).toBe(1);
  });

  it('50 concurrent verifications of one token share one introspection', async () => {
    const verifier = make(issuer, {}, { cache: { maxAge: 0, inactiveMaxAge: 0 } });
    const token = await issuer.mintOpaqueToken();
    issuer.faults.slowMs = 50;
    const results = await Promise.all(Array.from({ length: 50 }, () => verifier.verify(token)));
    expect(results.every((result) => result.token === token && result.type === 'user')).toBe(true);
    expect(issuer.fetchCounts.introspection).toBe(1);
    const unknown = await Promise.all(Array.from({ length: 50 }, () => refusal(verifier.verify('unknown'))));
    expect(unknown).toHaveLength(50);
    expect(issuer.fetchCounts.introspection).toBe(2);
  });

  it('different tokens are introspected separately', async () => {
    const verifier = make(issuer);
    await verifier.verify(await issuer.mintOpaqueToken({ sub: 'a' }));
    const second = await verifier.verify(await issuer.mintOpaqueToken({ sub: 'b' }));
    expect(second.subject).toBe('b');
    expect(issuer.fetchCounts.introspection).toBe(2);
    expect(verifier.stats().introspectedTokens).toBe(2);
  });

  it('keeps an active answer for at most cacheMaxAge', async () => {
    const time = manualClock();
    const verifier = make(issuer, { clock: time.clock }, { cache: { maxAge: 60 } });
    const token = await issuer.mintOpaqueToken({ expiresIn: 3600 });
    await verifier.verify(token);
    time.advance(59);
    await verifier.verify(token);
    expect(issuer.fetchCounts.introspection).toBe(1);
    time.advance(2);
    await verifier.verify(token);
    expect(issuer.fetchCounts.introspection).toBe(2);
  });

  it("keeps an active answer no longer than the token's exp", async () => {
    // Minted before the clock is read: the token's iat (whole seconds) is never ahead of it.
    const token = await issuer.mintOpaqueToken({ expiresIn: 30 });
    const time = manualClock();
    const verifier = make(issuer, { clock: time.clock, clockTolerance: 0 }, { cache: { maxAge: 600 } });
    await verifier.verify(token);
    time.advance(25);
    await verifier.verify(token);
    expect(issuer.fetchCounts.introspection).toBe(1);
    time.advance(10);
    expect(await refusal(verifier.verify(token))).toMatch(/expired/);
    expect(issuer.fetchCounts.introspection).toBe(2);
  });

  it('keeps an inactive answer for inactiveCacheAge; 0 keeps none', async () => {
    const time = manualClock();
    const verifier = make(issuer, { clock: time.clock }, { cache: { inactiveMaxAge: 5 } });
    await refusal(verifier.verify('unknown'));
    time.advance(4);
    await refusal(verifier.verify('unknown'));
    expect(issuer.fetchCounts.introspection).toBe(1);
    time.advance(2);
    await refusal(verifier.verify('unknown'));
    expect(issuer.fetchCounts.introspection).toBe(2);

    const uncached = make(issuer, {}, { cache: { inactiveMaxAge: 0 } });
    await refusal(uncached.verify('unknown'));
    await refusal(uncached.verify('unknown'));
    expect(issuer.fetchCounts.introspection).toBe(4);
  });

  it('keeps an answer refused by this API like an inactive one', async () => {
    const verifier = make(issuer);
    const token = await issuer.mintOpaqueToken({ audience: 'https://other.api' });
    expect(await refusal(verifier.verify(token))).toBe(WRONG_AUDIENCE);
    expect(await refusal(verifier.verify(token))).toBe(WRONG_AUDIENCE);
    expect(issuer.fetchCounts.introspection).toBe(1);
  });

  it('introspection.cache: false turns it off', async () => {
    const verifier = make(issuer, {}, { cache: false });
    const token = await issuer.mintOpaqueToken();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(issuer.fetchCounts.introspection).toBe(2);
    expect(verifier.stats().introspectedTokens).toBe(0);
  });

  it('is its own: the verified-token cache turned off leaves it on', async () => {
    const verifier = make(issuer, { cache: false });
    const token = await issuer.mintOpaqueToken();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(issuer.fetchCounts.introspection).toBe(1);
  });

  it('keeps answers in the configured store, shared by every verifier given it', async () => {
    const store = createMemoryStore();
    const token = await issuer.mintOpaqueToken();
    await make(issuer, {}, { store }).verify(token);
    await expect(make(issuer, {}, { store }).verify(token)).resolves.toMatchObject({ token, format: 'opaque' });
    expect(issuer.fetchCounts.introspection).toBe(1);
    expect(store.size).toBe(1);
  });

  it('does not wait for a store that does not answer: the source answers, the write goes on the side', async () => {
    const hanging = { get: () => new Promise<undefined>(() => undefined), set: () => new Promise<void>(() => undefined), setIfAbsent: () => new Promise<boolean>(() => undefined), increment: () => new Promise<number>(() => undefined), delete: () => new Promise<void>(() => undefined) };
    const started = Date.now();
    await expect(make(issuer, {}, { store: hanging }).verify(await issuer.mintOpaqueToken())).resolves.toMatchObject({ format: 'opaque' });
    expect(Date.now() - started).toBeLessThan(3_000);
  }, 10_000);

  it('keeps the answers of APIs that share a store apart: one API refusing a token never refuses it for another', async () => {
    const store = createMemoryStore();
    const token = await issuer.mintOpaqueToken();
    const otherApi = make(issuer, { audience: 'https://other.example.com' }, { store });
    await expect(otherApi.verify(token)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(make(issuer, {}, { store }).verify(token)).resolves.toMatchObject({ token });
  });

  it('keeps them apart when the audiences are set per issuer too', async () => {
    const store = createMemoryStore();
    const token = await issuer.mintOpaqueToken();
    const perIssuer = (audience: string) => make(issuer, { issuer: undefined, audience: undefined, issuers: [{ issuer: issuer.issuer, audience }] }, { store });
    await expect(perIssuer('https://other.example.com').verify(token)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(perIssuer(issuer.audience).verify(token)).resolves.toMatchObject({ token });
  });

  it('holds at most maxEntries answers', async () => {
    const verifier = make(issuer, {}, { cache: { maxEntries: 2 } });
    for (let i = 0; i < 3; i += 1) await verifier.verify(await issuer.mintOpaqueToken());
    expect(verifier.stats().introspectedTokens).toBe(2);
  });

  it('returns the presented token text on a hit', async () => {
    const verifier = make(issuer);
    const token = await issuer.mintOpaqueToken();
    const first = await verifier.verify(token);
    const second = await verifier.verify(`${token}`);
    expect(second).toEqual(first);
    expect(second.token).toBe(token);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('reports introspectedTokens only when opaque tokens are configured', () => {
    expect(createVerifier({ issuer: issuer.issuer, audience: issuer.audience }).stats()).toEqual({ cachedTokens: 0, cachedBytes: 0 });
    expect(make(issuer).stats()).toEqual({ cachedTokens: 0, cachedBytes: 0, introspectedTokens: 0 });
  });
});
