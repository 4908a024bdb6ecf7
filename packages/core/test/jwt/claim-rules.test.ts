import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type TokenGateError, type Verifier, type VerifierOptions } from '@tokengate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidToken, nowSeconds } from '@tokengate/test-support';

let issuer: TestIssuer;
let verifier: Verifier;
const NOW = nowSeconds();

function make(extra: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({ issuer: issuer.issuer, audience: issuer.audience, clock: () => NOW * 1000, ...extra });
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  verifier = make();
});
afterAll(() => issuer.close());

/** The 401 invalid_token verifying `token` ends in. */
async function failure(token: Promise<string>, using: Verifier = verifier): Promise<TokenGateError> {
  return invalidToken(using.verify(await token));
}

describe('iss', () => {
  it('refuses another issuer', async () => {
    expect((await failure(issuer.mintUserToken({ issuer: 'https://evil.example' }))).description).toMatch(/issuer/);
  });
  it('refuses a missing iss', async () => {
    expect((await failure(issuer.mintUserToken({ issuer: null }))).description).toMatch(/"iss"/);
  });
  it('matches exactly (no trailing-slash folding)', async () => {
    expect((await failure(issuer.mintUserToken({ issuer: `${issuer.issuer}/` }))).description).toMatch(/issuer/);
  });
  it('accepts any issuer of a configured list', async () => {
    const many = make({ issuer: ['https://other.example', issuer.issuer] });
    await expect(many.verify(await issuer.mintUserToken())).resolves.toMatchObject({ issuer: issuer.issuer });
  });
});

describe('aud', () => {
  it('refuses another audience', async () => {
    expect((await failure(issuer.mintUserToken({ audience: 'https://other.api' }))).description).toMatch(/audience/);
  });
  it('refuses a missing aud', async () => {
    expect((await failure(issuer.mintUserToken({ audience: null }))).description).toMatch(/"aud"/);
  });
  it('accepts an aud array that contains ours', async () => {
    await expect(verifier.verify(await issuer.mintUserToken({ audience: ['https://other.api', issuer.audience] }))).resolves.toBeTruthy();
  });
  it('refuses an aud array without ours', async () => {
    expect((await failure(issuer.mintUserToken({ audience: ['https://a.api', 'https://b.api'] }))).description).toMatch(/audience/);
  });
  it('refuses an aud of the wrong type', async () => {
    expect((await failure(issuer.mintUserToken({ claims: { aud: 5 } }))).description).toMatch(/"aud"/);
  });
  it('accepts any of several configured audiences', async () => {
    const many = make({ audience: ['https://x.api', issuer.audience] });
    await expect(many.verify(await issuer.mintUserToken())).resolves.toBeTruthy();
  });
});

describe('exp', () => {
  it('is required', async () => {
    expect((await failure(issuer.mintUserToken({ expiresIn: null }))).description).toMatch(/"exp"/);
  });
  it('must be a number', async () => {
    expect((await failure(issuer.mintUserToken({ claims: { exp: String(NOW + 600) } }))).description).toMatch(/"exp" claim must be a number/);
  });
  it('refuses an expired token and says when it expired', async () => {
    const error = await failure(issuer.mintUserToken({ claims: { exp: NOW - 60 } }));
    expect(error.description).toBe(`The token expired at ${new Date((NOW - 60) * 1000).toISOString()}`);
  });
  it('honours clockTolerance (default 5 s)', async () => {
    await expect(verifier.verify(await issuer.mintUserToken({ claims: { exp: NOW - 4 } }))).resolves.toBeTruthy();
    await failure(issuer.mintUserToken({ claims: { exp: NOW - 5 } }));
    const lenient = make({ clockTolerance: 60 });
    await expect(lenient.verify(await issuer.mintUserToken({ claims: { exp: NOW - 30 } }))).resolves.toBeTruthy();
  });
  it('exposes expiresAt', async () => {
    const token = await verifier.verify(await issuer.mintUserToken({ claims: { exp: NOW + 100 } }));
    expect(token.expiresAt?.getTime()).toBe((NOW + 100) * 1000);
  });
});

describe('nbf', () => {
  it('refuses a token not yet valid', async () => {
    expect((await failure(issuer.mintUserToken({ claims: { nbf: NOW + 60 } }))).description).toMatch(/not valid before/);
  });
  it('honours clockTolerance', async () => {
    await expect(verifier.verify(await issuer.mintUserToken({ claims: { nbf: NOW + 4 } }))).resolves.toBeTruthy();
  });
  it('must be a number', async () => {
    expect((await failure(issuer.mintUserToken({ claims: { nbf: 'soon' } }))).description).toMatch(/"nbf"/);
  });
});

describe('iat', () => {
  it('refuses a token issued in the future beyond tolerance', async () => {
    expect((await failure(issuer.mintUserToken({ issuedAt: NOW + 60 }))).description).toMatch(/issued in the future/);
  });
  it('accepts iat within tolerance', async () => {
    await expect(verifier.verify(await issuer.mintUserToken({ issuedAt: NOW + 3 }))).resolves.toBeTruthy();
  });
  it('maxTokenAge refuses older tokens and requires iat', async () => {
    const young = make({ maxTokenAge: 300 });
    await expect(young.verify(await issuer.mintUserToken({ issuedAt: NOW - 100 }))).resolves.toBeTruthy();
    expect((await failure(issuer.mintUserToken({ issuedAt: NOW - 400 }), young)).description).toMatch(/older than 300/);
    expect((await failure(issuer.mintUserToken({ issuedAt: null }), young)).description).toMatch(/"iat"/);
  });
});

describe('claim types', () => {
  for (const [claim, value] of [
    ['sub', 5],
    ['client_id', ['a']],
    ['scope', 5],
    ['permissions', 'read:all'],
    ['azp', 7],
    ['azp', ['app']],
    ['azp', { id: 'app' }],
    ['azp', null],
    ['jti', 42],
    ['jti', ['j1']],
    ['jti', { id: 'j1' }],
  ] as const) {
    it(`refuses ${claim} of the wrong type (${JSON.stringify(value)})`, async () => {
      expect((await failure(issuer.mintUserToken({ claims: { [claim]: value } }))).description).toContain(`"${claim}"`);
    });
  }
});

describe('AccessToken', () => {
  it('describes a user token', async () => {
    const raw = await issuer.mintUserToken({ sub: 'u-7', clientId: 'app-1', scopes: ['read:font:data', 'create:webfonts:kit'] });
    const token = await verifier.verify(raw);
    expect(token).toMatchObject({ token: raw, format: 'jwt', issuer: issuer.issuer, subject: 'u-7', clientId: 'app-1', type: 'user' });
    expect(token.scopes).toEqual(['read:font:data', 'create:webfonts:kit']);
    expect(token.header.alg).toBe('RS256');
    expect(token.claims.sub).toBe('u-7');
    expect(Object.isFrozen(token)).toBe(true);
  });
  it('describes a client token', async () => {
    const token = await verifier.verify(await issuer.mintClientToken({ clientId: 'svc', scopes: ['webhook'] }));
    expect(token).toMatchObject({ type: 'client', clientId: 'svc', scopes: ['webhook'] });
  });
  it('unions scope, scp and permissions', async () => {
    const token = await verifier.verify(
      await issuer.mintUserToken({ claims: { scope: 'a b', scp: ['b', 'c'], permissions: ['d'] } }),
    );
    expect(token.scopes).toEqual(['a', 'b', 'c', 'd']);
  });
  it('uses a custom classify', async () => {
    const custom = make({ classify: () => 'client' });
    expect((await custom.verify(await issuer.mintUserToken())).type).toBe('client');
  });
});
