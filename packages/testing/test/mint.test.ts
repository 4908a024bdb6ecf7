import { Buffer } from 'node:buffer';
import type { JsonWebKey } from 'node:crypto';
import { createPublicKey, verify } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, rejectionOf } from '@tokengate/test-support';
import type { TestIssuer } from '../src/index.js';
import { createTestIssuer } from '../src/index.js';
import { verifyWithIssuer } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('mintUserToken', () => {
  it('has the default header and claims and verifies against the served JWKS', async () => {
    const token = await issuer.mintUserToken();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: issuer.currentKid, typ: 'at+jwt' });
    const { payload, protectedHeader } = await verifyWithIssuer(issuer, token, { typ: 'at+jwt' });
    expect(protectedHeader.kid).toBe(issuer.currentKid);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'sub']);
    expect(payload).toMatchObject({ iss: issuer.issuer, aud: 'https://api.example.test', sub: 'user-123', client_id: 'test-client' });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(Math.abs(payload.iat! - nowSeconds())).toBeLessThanOrEqual(2);
    expect(payload.jti).toMatch(UUID);
  });

  it('uses a new jti for every token', async () => {
    const first = decodeJwt(await issuer.mintUserToken());
    const second = decodeJwt(await issuer.mintUserToken());
    expect(first.jti).not.toBe(second.jti);
  });

  it('sets sub, client_id and scopes', async () => {
    const payload = decodeJwt(await issuer.mintUserToken({ sub: 'alice', clientId: 'web', scopes: ['read', 'write'] }));
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'web', scope: 'read write' });
    expect(payload).not.toHaveProperty('grant_type');
  });

  it.each(['scp', 'permissions'] as const)('puts scopes in %s as an array', async (scopeClaim) => {
    const payload = decodeJwt(await issuer.mintUserToken({ scopes: ['a', 'b'], scopeClaim }));
    expect(payload[scopeClaim]).toEqual(['a', 'b']);
    expect(payload).not.toHaveProperty('scope');
  });

  it('writes an empty scope string for an empty scope list', async () => {
    expect(decodeJwt(await issuer.mintUserToken({ scopes: [] })).scope).toBe('');
  });
});

describe('mintClientToken', () => {
  it('uses the client id as both sub and client_id', async () => {
    const token = await issuer.mintClientToken({ clientId: 'billing', scopes: ['invoices:read'] });
    const { payload } = await verifyWithIssuer(issuer, token);
    expect(payload).toMatchObject({ sub: 'billing', client_id: 'billing', scope: 'invoices:read' });
  });

  it('defaults the client id to test-client', async () => {
    expect(decodeJwt(await issuer.mintClientToken())).toMatchObject({ sub: 'test-client', client_id: 'test-client' });
  });
});

describe('mintToken', () => {
  it('defaults only iss, aud, iat, exp and jti', async () => {
    const payload = decodeJwt(await issuer.mintToken());
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti']);
  });

  it('takes claims wholesale and any header', async () => {
    const token = await issuer.mintToken({ claims: { sub: 'svc', roles: ['admin'], nested: { a: 1 } }, header: { typ: 'JWT', x5t: 'abc' } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: issuer.currentKid, typ: 'JWT', x5t: 'abc' });
    const { payload } = await verifyWithIssuer(issuer, token);
    expect(payload).toMatchObject({ sub: 'svc', roles: ['admin'], nested: { a: 1 } });
  });
});

describe('claim options', () => {
  it('accepts an audience array and omits aud for null', async () => {
    expect(decodeJwt(await issuer.mintUserToken({ audience: ['a', 'b'] })).aud).toEqual(['a', 'b']);
    expect(decodeJwt(await issuer.mintUserToken({ audience: null }))).not.toHaveProperty('aud');
  });

  it('overrides or omits iss', async () => {
    const token = await issuer.mintUserToken({ issuer: 'https://other.example' });
    expect(decodeJwt(token).iss).toBe('https://other.example');
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(decodeJwt(await issuer.mintUserToken({ issuer: null }))).not.toHaveProperty('iss');
  });

  it('mints expired tokens with a negative expiresIn and omits exp for null', async () => {
    const token = await issuer.mintUserToken({ expiresIn: -60 });
    expect(decodeJwt(token).exp).toBeLessThanOrEqual(nowSeconds() - 59);
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JWT_EXPIRED');
    expect(decodeJwt(await issuer.mintUserToken({ expiresIn: null }))).not.toHaveProperty('exp');
  });

  it('sets nbf relative to now', async () => {
    const token = await issuer.mintUserToken({ notBefore: 120 });
    expect(Math.abs(decodeJwt(token).nbf! - (nowSeconds() + 120))).toBeLessThanOrEqual(2);
    const error = await rejectionOf(verifyWithIssuer(issuer, token));
    expect(error.code).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(error.message).toMatch(/nbf/);
  });

  it('sets iat absolutely and omits it for null', async () => {
    expect(decodeJwt(await issuer.mintUserToken({ issuedAt: 1000 })).iat).toBe(1000);
    expect(decodeJwt(await issuer.mintUserToken({ issuedAt: null }))).not.toHaveProperty('iat');
  });

  it('applies claims last and removes claims set to undefined', async () => {
    const payload = decodeJwt(await issuer.mintUserToken({ sub: 'a', claims: { sub: 'b', client_id: undefined, grant_type: 'client_credentials' } }));
    expect(payload.sub).toBe('b');
    expect(payload.grant_type).toBe('client_credentials');
    expect(payload).not.toHaveProperty('client_id');
  });

  it('sets or omits jti', async () => {
    expect(decodeJwt(await issuer.mintUserToken({ jti: 'fixed' })).jti).toBe('fixed');
    expect(decodeJwt(await issuer.mintUserToken({ jti: null }))).not.toHaveProperty('jti');
  });

  it('honours the issuer audience and tokenLifetime options', async () => {
    const custom = await createTestIssuer({ audience: 'urn:my-api', tokenLifetime: 60, algorithm: 'ES256' });
    try {
      const { payload } = await verifyWithIssuer(custom, await custom.mintUserToken());
      expect(payload.aud).toBe('urn:my-api');
      expect(payload.exp! - payload.iat!).toBe(60);
    } finally {
      await custom.close();
    }
  });
});

describe('header options', () => {
  it('omits typ and kid for null', async () => {
    expect(decodeProtectedHeader(await issuer.mintUserToken({ typ: null, kid: null }))).toEqual({ alg: 'RS256' });
  });

  it('sets typ', async () => {
    const token = await issuer.mintUserToken({ typ: 'dpop+jwt' });
    expect(decodeProtectedHeader(token).typ).toBe('dpop+jwt');
    expect((await rejectionOf(verifyWithIssuer(issuer, token, { typ: 'at+jwt' }))).code).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('signs with an unknown kid on request', async () => {
    const token = await issuer.mintUserToken({ kid: 'nope' });
    expect(decodeProtectedHeader(token).kid).toBe('nope');
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });

  it('signs arbitrary header members, including crit, with a valid signature', async () => {
    const token = await issuer.mintUserToken({ header: { crit: ['x'], x: 1, jku: 'http://127.0.0.1:1/jwks' } });
    expect(decodeProtectedHeader(token)).toMatchObject({ crit: ['x'], x: 1, jku: 'http://127.0.0.1:1/jwks' });
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JOSE_NOT_SUPPORTED');
    await expect(verifyWithIssuer(issuer, token, { crit: { x: true } })).resolves.toBeTruthy();
  });

  it('produces malformed headers unchanged', async () => {
    for (const crit of [[], 'x', [1]]) {
      expect(decodeProtectedHeader(await issuer.mintUserToken({ header: { crit } })).crit).toEqual(crit);
    }
    expect(decodeProtectedHeader(await issuer.mintUserToken({ header: { kid: 42, typ: undefined } }))).toEqual({ alg: 'RS256', kid: 42 });
  });

  it('keeps signing with the real algorithm when the header alg is overridden', async () => {
    const token = await issuer.mintUserToken({ header: { alg: 'RS512' } });
    expect(decodeProtectedHeader(token).alg).toBe('RS512');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const publicKey = createPublicKey({ key: issuer.currentPublicJwk() as JsonWebKey, format: 'jwk' });
    const input = Buffer.from(`${header}.${payload}`);
    expect(verify('sha256', input, publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(verify('sha512', input, publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });
});

describe('signPayloadText', () => {
  it('signs the text exactly as written with the published key', async () => {
    const text = `{"iss":"${issuer.issuer}","aud":"x","aud":"${issuer.audience}","exp":${nowSeconds() + 60}}`;
    const token = await issuer.signPayloadText(text, { typ: 'JWT' });
    expect(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).toBe(text);
    expect(decodeProtectedHeader(token)).toEqual({ alg: issuer.algorithm, kid: issuer.currentKid, typ: 'JWT' });
    expect((await verifyWithIssuer(issuer, token)).payload.aud).toBe(issuer.audience);
  });
});
