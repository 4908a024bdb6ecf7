import { Buffer } from 'node:buffer';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, rejectionOf } from '@tokengate/test-support';
import type { TestIssuer } from '../src/index.js';
import { createForeignKey, createTestIssuer, mintUnsignedToken } from '../src/index.js';
import { verifyWithIssuer } from './support.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

function claims(): Record<string, unknown> {
  return { iss: issuer.issuer, aud: issuer.audience, sub: 'mallory', exp: nowSeconds() + 600 };
}

describe('foreign keys', () => {
  it('signs with an unpublished key under the issuer kid and fails verification', async () => {
    const foreign = await createForeignKey({ algorithm: 'RS256' });
    expect(issuer.publishedKids()).not.toContain(foreign.kid);
    const token = await issuer.mintUserToken({ signingKey: foreign });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: issuer.currentKid, typ: 'at+jwt' });
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const ownJwks = createLocalJWKSet({ keys: [{ ...foreign.publicJwk, kid: issuer.currentKid }] });
    await expect(jwtVerify(token, ownJwks, { issuer: issuer.issuer })).resolves.toBeTruthy();
  });

  it('uses the foreign key algorithm in the header', async () => {
    const foreign = await createForeignKey({ algorithm: 'ES256' });
    const token = await issuer.mintClientToken({ signingKey: foreign, kid: null });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt' });
    await expect(jwtVerify(token, createLocalJWKSet({ keys: [foreign.publicJwk] }))).resolves.toBeTruthy();
  });

  it('signs exactly the given header with ForeignKey.sign', async () => {
    const foreign = await createForeignKey();
    expect(foreign.algorithm).toBe('RS256');
    const payload = claims();
    const token = await foreign.sign(payload, { kid: issuer.currentKid });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: issuer.currentKid });
    expect(decodeJwt(token)).toEqual(payload);
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('mintWithForeignKey signs exact claims under the current kid', async () => {
    const payload = claims();
    const token = await issuer.mintWithForeignKey(payload);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: issuer.currentKid, typ: 'at+jwt' });
    expect(decodeJwt(token)).toEqual(payload);
    expect((await rejectionOf(verifyWithIssuer(issuer, token))).code).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const other = await issuer.mintWithForeignKey(claims(), { typ: 'JWT' });
    expect(decodeProtectedHeader(other).typ).toBe('JWT');
  });
});

describe('unsigned tokens', () => {
  it('builds header.payload. with alg none', () => {
    const input = claims();
    const token = mintUnsignedToken(input);
    const [header, payload, signature] = token.split('.');
    expect(signature).toBe('');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'none', typ: 'at+jwt' });
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual(input);
    expect(token.endsWith('.')).toBe(true);
  });

  it('lets header members be overridden or removed', () => {
    expect(decodeProtectedHeader(mintUnsignedToken({}, { typ: undefined, kid: 'k' }))).toEqual({ alg: 'none', kid: 'k' });
    expect(decodeProtectedHeader(issuer.mintUnsignedToken({}, { alg: 'NONE' }))).toEqual({ alg: 'NONE', typ: 'at+jwt' });
  });

  it('is rejected by a verifier', async () => {
    const error = await rejectionOf(verifyWithIssuer(issuer, issuer.mintUnsignedToken(claims())));
    expect(error.code).toBe('ERR_JOSE_NOT_SUPPORTED');
  });
});

describe('currentPublicJwk', () => {
  it('exposes only public material', () => {
    const jwk = issuer.currentPublicJwk();
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });
});
