// The two platforms side by side: the same digests, encodings and signature answers for the same
// input, and the same keys refused. The Web platform's answers are checked against Node's (and
// against jose, which signs), so neither can drift alone.
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import fc from 'fast-check';
import { generateKeyPairSync, createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PreparedKey } from '../../src/jwt/signature.js';
import { platform as node } from '../../src/platform/node/index.js';
import type { Platform } from '../../src/platform/platform.js';
import { platform as web } from '../../src/platform/web/index.js';

const PLATFORMS: readonly Platform[] = [node, web];

describe('digests and encodings agree', () => {
  it('SHA-256 of text and of bytes (property, 300 inputs)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), (text, bytes) => {
        expect(web.sha256(text)).toBe(node.sha256(text));
        expect(web.sha256(bytes)).toBe(node.sha256(bytes));
      }),
      { numRuns: 300 },
    );
    expect(web.sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('HMAC-SHA-256 (property, 200 inputs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.string({ maxLength: 100 }), (secret, text) => {
        expect(web.hmacSha256(secret, text)).toEqual(new Uint8Array(node.hmacSha256(secret, text)));
      }),
      { numRuns: 200 },
    );
  });

  it('base64url both ways, padding or not (property, 300 inputs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 50 }), (bytes, text) => {
        const encoded = node.toBase64url(bytes);
        expect(web.toBase64url(bytes)).toBe(encoded);
        expect(web.base64urlBytes(encoded)).toEqual(new Uint8Array(bytes));
        const textEncoded = node.toBase64url(node.utf8(text));
        expect(web.base64urlText(textEncoded)).toBe(text);
        expect(web.utf8(text)).toEqual(new Uint8Array(node.utf8(text)));
      }),
      { numRuns: 300 },
    );
  });

  it('constant-time equality answers like Node, lengths included', () => {
    const a = new Uint8Array([1, 2, 3]);
    for (const p of PLATFORMS) {
      expect(p.equalBytes(a, new Uint8Array([1, 2, 3]))).toBe(true);
      expect(p.equalBytes(a, new Uint8Array([1, 2, 4]))).toBe(false);
      expect(p.equalBytes(a, new Uint8Array([1, 2]))).toBe(false);
      expect(p.equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    }
  });
});

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

async function signed(alg: string, privateKey: CryptoKey | Uint8Array): Promise<{ input: Uint8Array; signature: Uint8Array }> {
  const token = await new SignJWT({ sub: 'parity' }).setProtectedHeader({ alg }).sign(privateKey);
  const cut = token.lastIndexOf('.');
  return { input: node.utf8(token.slice(0, cut)), signature: node.base64urlBytes(token.slice(cut + 1)) };
}

function flipped(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 1;
  return copy;
}

describe('signatures: the same answers on both platforms', () => {
  for (const alg of ASYMMETRIC) {
    it(`${alg}: a good signature passes, a changed signature or signed text fails, the thumbprints agree`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      const { input, signature } = await signed(alg, privateKey);
      const prepared: PreparedKey[] = [];
      for (const p of PLATFORMS) {
        const fromJwk = await p.importPublicJwk(jwk, alg);
        const fromKey = await p.prepareKey(alg, 'k1', publicKey);
        expect(fromJwk.thumbprint).toBe(fromKey.thumbprint);
        for (const key of [fromJwk, fromKey]) {
          expect(await p.verifySignature(key, input, signature)).toBe(true);
          expect(await p.verifySignature(key, input, flipped(signature))).toBe(false);
          expect(await p.verifySignature(key, flipped(input), signature)).toBe(false);
          expect(await p.verifySignature(key, input, signature.subarray(1))).toBe(false);
        }
        prepared.push(fromKey);
      }
      expect(prepared[1]?.thumbprint).toBe(prepared[0]?.thumbprint);
    });
  }

  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    it(`${alg}: the shared secret verifies, anything else does not`, async () => {
      const secret = new TextEncoder().encode('a shared secret of at least sixty-four bytes, for the HS512 case!!');
      const { input, signature } = await signed(alg, secret);
      for (const p of PLATFORMS) {
        const key = await p.prepareKey(alg, undefined, secret);
        expect(await p.verifySignature(key, input, signature)).toBe(true);
        expect(await p.verifySignature(key, input, flipped(signature))).toBe(false);
        expect(await p.verifySignature(key, flipped(input), signature)).toBe(false);
      }
    });
  }
});

describe('keys that do not fit are refused on both platforms', () => {
  it('an RSA key under 2048 bits, an ECDSA key of another curve, a public key for HMAC, a secret for RS256', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }) as JWK;
    const p384 = await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey);
    const ed = await exportJWK((await generateKeyPair('EdDSA', { extractable: true })).publicKey);
    const rsa = (await generateKeyPair('RS256', { extractable: true })).publicKey;
    for (const p of PLATFORMS) {
      await expect(Promise.resolve().then(() => p.importPublicJwk(small, 'RS256'))).rejects.toThrow(/at least 2048 bits/);
      await expect(Promise.resolve().then(() => p.importPublicJwk(p384, 'ES256'))).rejects.toThrow();
      await expect(Promise.resolve().then(() => p.importPublicJwk(ed, 'ES256'))).rejects.toThrow();
      await expect(Promise.resolve().then(() => p.prepareKey('HS256', undefined, rsa))).rejects.toThrow(/HMAC needs a shared secret/);
      await expect(Promise.resolve().then(() => p.prepareKey('RS256', undefined, new Uint8Array(32)))).rejects.toThrow(/public key is required/);
      await expect(Promise.resolve().then(() => p.prepareKey('none', undefined, rsa))).rejects.toThrow(/Unsupported algorithm/);
    }
  });

  it('a key imported for one ECDSA curve is refused for another algorithm', async () => {
    const es256 = (await generateKeyPair('ES256', { extractable: true })).publicKey;
    for (const p of PLATFORMS) {
      await expect(Promise.resolve().then(() => p.prepareKey('ES384', undefined, es256))).rejects.toThrow(/does not fit ES384/);
      await expect(Promise.resolve().then(() => p.prepareKey('EdDSA', undefined, es256))).rejects.toThrow(/does not fit EdDSA/);
    }
  });

  it('a WebCrypto key is bound to one hash: on the Web platform it is refused for an algorithm of another', async () => {
    const rs384 = (await generateKeyPair('RS384', { extractable: true })).publicKey;
    const ps512 = (await generateKeyPair('PS512', { extractable: true })).publicKey;
    await expect(web.prepareKey('RS256', undefined, rs384)).rejects.toThrow(/does not fit RS256/);
    await expect(web.prepareKey('PS256', undefined, ps512)).rejects.toThrow(/does not fit PS256/);
    await expect(web.prepareKey('RS384', undefined, rs384)).resolves.toMatchObject({ alg: 'RS384' });
  });

  it('a private JWK member is never imported as the key (only public members are read)', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const full = await exportJWK(privateKey);
    for (const p of PLATFORMS) {
      const key = await p.importPublicJwk(full, 'ES256');
      expect(key.thumbprint).toBe(await Promise.resolve(p.importPublicJwk({ ...full, d: undefined }, 'ES256')).then((k) => k.thumbprint));
    }
    expect(createSecretKey(new Uint8Array(32)).type).toBe('secret');
    await importJWK(full, 'ES256');
  });
});
