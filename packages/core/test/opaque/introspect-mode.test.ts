import { NOT_ACTIVE, nowSeconds, refusal, rejection, unavailable, WRONG_AUDIENCE } from '@tokengate/test-support';
import { looksLikeJws } from '../../src/opaque/shape.js';
import { createVerifier, TokenGateError, type Claims, type TokenResolver, type VerifierOptions } from '@tokengate/core';
import { describe, expect, it } from 'vitest';
import { issuer, useIssuer, introspectingVerifier as make, manualClock } from './introspect-support.js';

useIssuer();

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('looksLikeJws', () => {
  it('accepts three base64url segments whose header is a JSON object with alg', async () => {
    expect(looksLikeJws(await issuer.mintUserToken())).toBe(true);
    expect(looksLikeJws(`${b64({ alg: 'RS256' })}.${b64({})}.c2ln`)).toBe(true);
    // Unsigned JWS are still JWS: the JWT path refuses them with a clear message.
    expect(looksLikeJws(issuer.mintUnsignedToken({ sub: 'x' }))).toBe(true);
  });

  it('refuses everything else', () => {
    const cases: unknown[] = [
      'dba896fe-8f14-46bd-89ac-4270091e9db1',
      '',
      'a.b.c',
      `${b64({ typ: 'JWT' })}.${b64({})}.c2ln`,
      `${b64({ alg: 7 })}.${b64({})}.c2ln`,
      `${b64(['alg'])}.${b64({})}.c2ln`,
      `${b64('null')}.${b64({})}.c2ln`,
      `${b64({ alg: 'RS256' })}.${b64({})}`,
      `${b64({ alg: 'RS256' })}..c2ln`,
      `.${b64({})}.c2ln`,
      `${b64({ alg: 'RS256' })}.${b64({})}.c2ln.x.y`,
      `${b64({ alg: 'RS256' })}.${b64({})}.c2l+`,
      `${b64({ alg: 'RS256' })}.pay load.c2ln`,
      'ya29.a0AfH6SMBx.c2ln',
      undefined,
      42,
    ];
    for (const token of cases) expect(looksLikeJws(token), String(token)).toBe(false);
  });
});

describe('mode', () => {
  it("defaults to 'auto' with introspection or resolveToken, else 'jwt'", () => {
    const base = { issuer: issuer.issuer, audience: issuer.audience };
    expect(createVerifier(base).options.mode).toBe('jwt');
    expect(make(issuer).options.mode).toBe('auto');
    expect(createVerifier({ ...base, resolveToken: async () => null }).options.mode).toBe('auto');
  });

  it('auto verifies JWTs locally and sends opaque tokens to introspection', async () => {
    const verifier = make(issuer, { jwksUri: issuer.jwksUri });
    const jwt = await verifier.verify(await issuer.mintUserToken({ scopes: ['read'] }));
    expect(jwt.format).toBe('jwt');
    expect(issuer.fetchCounts).toMatchObject({ jwks: 1, introspection: 0 });
    const opaque = await verifier.verify(await issuer.mintOpaqueToken({ scopes: ['read'] }));
    expect(opaque.format).toBe('opaque');
    expect(issuer.fetchCounts).toMatchObject({ jwks: 1, introspection: 1 });
  });

  it('auto refuses a bad JWT locally instead of introspecting it', async () => {
    const verifier = make(issuer, { jwksUri: issuer.jwksUri });
    const token = await issuer.mintUserToken({ audience: 'https://other.api' });
    expect(await refusal(verifier.verify(token))).toBe(WRONG_AUDIENCE);
    expect(await refusal(verifier.verify(issuer.mintUnsignedToken({ iss: issuer.issuer })))).toMatch(/unsigned|alg "none"/i);
    expect(issuer.fetchCounts.introspection).toBe(0);
  });

  it('auto sends dotted tokens that are not JWS to introspection', async () => {
    await refusal(make(issuer).verify('ya29.a0AfH6SMBx.c2ln'));
    expect(issuer.fetchCounts).toMatchObject({ jwks: 0, introspection: 1 });
  });

  it('introspect sends every token, JWTs too', async () => {
    const verifier = make(issuer, { mode: 'introspect' });
    const jwt = await issuer.mintUserToken({ sub: 'alice', scopes: ['read'] });
    const accessToken = await verifier.verify(jwt);
    expect(accessToken).toMatchObject({ format: 'opaque', subject: 'alice', scopes: ['read'], token: jwt, header: {} });
    expect(issuer.fetchCounts).toMatchObject({ jwks: 0, discovery: 0, introspection: 1 });
    // A revoked JWT still verifies locally but no longer introspects.
    const revoked = await issuer.mintUserToken();
    issuer.revoke(revoked);
    expect(await refusal(verifier.verify(revoked))).toBe(NOT_ACTIVE);
    await expect(make(issuer, { jwksUri: issuer.jwksUri }).verify(revoked)).resolves.toMatchObject({ format: 'jwt' });
  });

  it('jwt verifies locally even with introspection configured', async () => {
    const verifier = make(issuer, { mode: 'jwt' });
    expect(await refusal(verifier.verify(await issuer.mintOpaqueToken()))).toBe('The token is not a JWT (expected three segments)');
    expect(issuer.fetchCounts.introspection).toBe(0);
    expect(verifier.stats()).not.toHaveProperty('introspectedTokens');
  });
});

describe('resolveToken', () => {
  const base = (): Pick<VerifierOptions, 'issuer' | 'audience'> => ({ issuer: issuer.issuer, audience: issuer.audience });

  function resolving(resolve: TokenResolver, extra: Partial<VerifierOptions> = {}) {
    return createVerifier({ ...base(), resolveToken: resolve, ...extra });
  }

  const sessions = new Map<string, Claims>([
    ['sess_user', { sub: 'alice', client_id: 'web', scope: 'read write', exp: nowSeconds() + 600 }],
    ['sess_client', { client_id: 'cron', grant_type: 'client_credentials', permissions: ['jobs:run'] }],
  ]);
  const lookup: TokenResolver = async (token) => sessions.get(token) ?? null;

  it('maps the claims it supplies like an introspection answer', async () => {
    const verifier = resolving(lookup);
    const user = await verifier.verify('sess_user');
    expect(user).toMatchObject({
      token: 'sess_user',
      format: 'opaque',
      header: {},
      issuer: issuer.issuer,
      subject: 'alice',
      clientId: 'web',
      scopes: ['read', 'write'],
      type: 'user',
    });
    expect(await verifier.verify('sess_client')).toMatchObject({ type: 'client', clientId: 'cron', scopes: ['jobs:run'] });
  });

  it('null means not valid: 401', async () => {
    expect(await refusal(resolving(lookup).verify('sess_unknown'))).toBe(NOT_ACTIVE);
  });

  it('active: false in the claims also means not valid', async () => {
    expect(await refusal(resolving(async () => ({ active: false, sub: 'x' })).verify('t'))).toBe(NOT_ACTIVE);
  });

  it('applies the claim checks: iss, aud, exp', async () => {
    expect(await refusal(resolving(async () => ({ iss: 'https://evil.example' })).verify('t'))).toMatch(/issuer this API does not accept/);
    expect(await refusal(resolving(async () => ({ aud: 'https://other.api' })).verify('t'))).toBe(WRONG_AUDIENCE);
    expect(await refusal(resolving(async () => ({ exp: nowSeconds() - 60 })).verify('t'))).toMatch(/expired/);
  });

  it('a throw is a 503, never a 401; a TokenGateError thrown on purpose is kept', async () => {
    const error = await unavailable(
      resolving(async () => {
        throw new Error('session store down');
      }).verify('t'),
    );
    expect((error.cause as Error).message).toBe('session store down');
    const chosen = await rejection(
      resolving(async () => {
        throw new TokenGateError('invalid_token', 'Session was logged out');
      }).verify('t'),
    );
    expect(chosen.description).toBe('Session was logged out');
  });

  it('a result that is neither claims nor null is a 503', async () => {
    for (const result of [undefined, 'claims', 42, ['sub']]) {
      const error = await unavailable(resolving((async () => result) as unknown as TokenResolver).verify('t'));
      expect((error.cause as Error).message).toBe('"resolveToken" must resolve a claims object or null');
    }
  });

  it('caches answers (bounded by exp) and shares concurrent lookups', async () => {
    let calls = 0;
    const time = manualClock();
    const shortExp = Math.floor(time.now / 1000) + 10;
    const counting: TokenResolver = async (token) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return token === 'short' ? { sub: 'bob', exp: shortExp } : lookup(token);
    };
    const verifier = resolving(counting, { clock: time.clock, clockTolerance: 0 });
    await Promise.all(Array.from({ length: 20 }, () => verifier.verify('sess_user')));
    await verifier.verify('sess_user');
    expect(calls).toBe(1);
    await refusal(verifier.verify('sess_unknown'));
    await refusal(verifier.verify('sess_unknown'));
    expect(calls).toBe(2);
    await verifier.verify('short');
    time.advance(9);
    await verifier.verify('short');
    expect(calls).toBe(3);
    time.advance(2);
    await refusal(verifier.verify('short'));
    expect(calls).toBe(4);
  });

  it('does not keep a reference to the claims object it was given', async () => {
    const claims: Record<string, string> = { sub: 'alice' };
    const verifier = resolving(async () => claims);
    await verifier.verify('t');
    claims.sub = 'mallory';
    const cached = await verifier.verify('t');
    expect(cached.subject).toBe('alice');
    expect(cached.claims.sub).toBe('alice');
  });

  it('auto sends JWTs to local verification and everything else to resolveToken', async () => {
    const seen: string[] = [];
    const verifier = resolving(
      async (token) => {
        seen.push(token);
        return lookup(token);
      },
      { jwksUri: issuer.jwksUri },
    );
    expect((await verifier.verify(await issuer.mintUserToken())).format).toBe('jwt');
    expect((await verifier.verify('sess_user')).format).toBe('opaque');
    expect(seen).toEqual(['sess_user']);
  });

  it('introspect mode hands JWTs to resolveToken too', async () => {
    const seen: string[] = [];
    const jwt = await issuer.mintUserToken();
    const verifier = resolving(
      async (token) => {
        seen.push(token);
        return { sub: 'from-resolver' };
      },
      { mode: 'introspect' },
    );
    expect((await verifier.verify(jwt)).subject).toBe('from-resolver');
    expect(seen).toEqual([jwt]);
    expect(issuer.fetchCounts.jwks).toBe(0);
  });
});
