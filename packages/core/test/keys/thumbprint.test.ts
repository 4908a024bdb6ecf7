import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/keys/thumbprint.js';
import { keyObjectThumbprint } from '../../src/platform/node/keys.js';

describe('key identity (RFC 7638 thumbprint)', () => {
  for (const alg of ['RS256', 'ES256', 'ES384', 'EdDSA'] as const) {
    it(`${alg}: the JWK and the KeyObject give jose's thumbprint`, async () => {
      const { publicKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      const expected = await calculateJwkThumbprint(jwk, 'sha256');
      expect(jwkThumbprint({ ...jwk, kid: 'any-name', use: 'sig' })).toBe(expected);
      expect(keyObjectThumbprint(createPublicKey({ key: jwk as never, format: 'jwk' }))).toBe(expected);
    });
  }

  it('the RFC 7638 section 3.1 example', () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('is undefined for key types and shapes it does not cover', () => {
    expect(jwkThumbprint({ kty: 'oct', k: 'c2VjcmV0' })).toBeUndefined();
    expect(jwkThumbprint({ kty: 'RSA', n: 'AQAB' })).toBeUndefined();
    expect(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 1, y: 'y' })).toBeUndefined();
    expect(jwkThumbprint({})).toBeUndefined();
  });
});
