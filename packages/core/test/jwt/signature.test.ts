import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, nodeSignatureVerifier, type SignatureVerifier } from '@tokengate/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { nowSeconds, rejection, SIGNATURE_INVALID } from '@tokengate/test-support';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const open: TestIssuer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((issuer) => issuer.close()));
});

describe('every default algorithm verifies through node:crypto', () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: accepts a good signature and refuses a tampered one`, async () => {
      const issuer = await createTestIssuer({ algorithm });
      open.push(issuer);
      const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
      const token = await issuer.mintUserToken({ scopes: ['a'] });
      await expect(verifier.verify(token)).resolves.toMatchObject({ header: { alg: algorithm } });
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      expect((await rejection(verifier.verify(`${header}.${payload}.${flipped}`))).description).toBe(SIGNATURE_INVALID);
      const tamperedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'admin' })).toString('base64url');
      expect((await rejection(verifier.verify(`${header}.${tamperedPayload}.${signature}`))).description).toBe(SIGNATURE_INVALID);
    });
  }
});

describe('keys', () => {
  it('refuses RSA keys shorter than 2048 bits (RFC 7518 §3.3)', async () => {
    const issuer = await createTestIssuer();
    open.push(issuer);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'short', alg: 'RS256', use: 'sig' };
    issuer.faults.jwksBody = JSON.stringify({ keys: [jwk] });
    const now = nowSeconds();
    // jose refuses to sign with a short key, so sign with node:crypto directly.
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signingInput = `${encode({ alg: 'RS256', kid: 'short' })}.${encode({ iss: issuer.issuer, aud: issuer.audience, sub: 'u', exp: now + 60 })}`;
    const token = `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
    const error = await rejection(verifier.verify(token));
    expect(error.code).toBe('invalid_token');
    expect(error.description).toBe('The issuer key does not fit the token algorithm');
  });

  it('refuses a key whose curve does not fit the algorithm', async () => {
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    open.push(issuer);
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
    issuer.faults.jwksBody = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'p384' }] });
    const now = nowSeconds();
    // The header claims ES256 but the only key is P-384: jose's selection finds no usable key.
    const token = await new SignJWT({ iss: issuer.issuer, aud: issuer.audience, sub: 'u', exp: now + 60 })
      .setProtectedHeader({ alg: 'ES384', kid: 'p384' })
      .sign(privateKey);
    const forged = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'p384' })).toString('base64url')}.${token.split('.')[1]}.${token.split('.')[2]}`;
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
    expect((await rejection(verifier.verify(forged))).code).toBe('invalid_token');
  });
});

describe('the signature step can be swapped', () => {
  it('calls the configured SignatureVerifier with the prepared key', async () => {
    const issuer = await createTestIssuer();
    open.push(issuer);
    const seen: string[] = [];
    const recording: SignatureVerifier = (key, data, signature) => {
      seen.push(key.alg);
      return nodeSignatureVerifier(key, data, signature);
    };
    const verifier = createVerifier({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri, signatureVerifier: recording });
    await verifier.verify(await issuer.mintUserToken());
    expect(seen).toEqual(['RS256']);
  });

  it('a SignatureVerifier that throws counts as a bad signature, not a crash', async () => {
    const issuer = await createTestIssuer();
    open.push(issuer);
    const verifier = createVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      signatureVerifier: () => {
        throw new Error('hsm offline');
      },
    });
    expect((await rejection(verifier.verify(await issuer.mintUserToken()))).description).toBe(SIGNATURE_INVALID);
  });
});
