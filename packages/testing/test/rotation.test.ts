import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '@tokengate/test-support';
import { createTestIssuer } from '../src/index.js';
import { getJson, verifyWithIssuer } from './support.js';

async function servedKids(jwksUri: string): Promise<unknown[]> {
  const { body } = await getJson(jwksUri);
  return (body as { keys: { kid: unknown }[] }).keys.map((key) => key.kid);
}

describe('rotateKeys', () => {
  it('re-keys under the same kid: the old key is withdrawn, tokens it signed no longer verify', async () => {
    const issuer = await createTestIssuer();
    try {
      const kid = issuer.currentKid;
      const oldJwk = issuer.currentPublicJwk();
      const oldToken = await issuer.mintUserToken();
      await issuer.rotateKeys({ kid });
      expect(issuer.currentKid).toBe(kid);
      expect(issuer.publishedKids()).toEqual([kid]);
      expect(issuer.currentPublicJwk().n).not.toBe(oldJwk.n);
      const newToken = await issuer.mintUserToken();
      expect(decodeProtectedHeader(newToken).kid).toBe(kid);
      expect((await verifyWithIssuer(issuer, newToken)).protectedHeader.kid).toBe(kid);
      await rejectionOf(verifyWithIssuer(issuer, oldToken));
    } finally {
      await issuer.close();
    }
  });

  it('keeps the previous key published by default', async () => {
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    try {
      const oldKid = issuer.currentKid;
      const oldToken = await issuer.mintUserToken();
      await issuer.rotateKeys();
      const newKid = issuer.currentKid;
      expect(newKid).not.toBe(oldKid);
      expect(issuer.publishedKids()).toEqual([newKid, oldKid]);
      expect(await servedKids(issuer.jwksUri)).toEqual([newKid, oldKid]);

      const newToken = await issuer.mintUserToken();
      expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
      expect((await verifyWithIssuer(issuer, newToken)).protectedHeader.kid).toBe(newKid);
      expect((await verifyWithIssuer(issuer, oldToken)).protectedHeader.kid).toBe(oldKid);
    } finally {
      await issuer.close();
    }
  });

  it('accumulates previous keys across rotations, newest first', async () => {
    const issuer = await createTestIssuer({ algorithm: 'EdDSA' });
    try {
      const first = issuer.currentKid;
      await issuer.rotateKeys({ keepPrevious: true });
      const second = issuer.currentKid;
      await issuer.rotateKeys();
      expect(issuer.publishedKids()).toEqual([issuer.currentKid, second, first]);
      expect(new Set(issuer.publishedKids()).size).toBe(3);
    } finally {
      await issuer.close();
    }
  });

  it('drops old keys with keepPrevious: false', async () => {
    const issuer = await createTestIssuer({ algorithm: 'ES256' });
    try {
      const oldToken = await issuer.mintUserToken();
      await issuer.rotateKeys();
      await issuer.rotateKeys({ keepPrevious: false });
      expect(issuer.publishedKids()).toEqual([issuer.currentKid]);
      expect(await servedKids(issuer.jwksUri)).toEqual([issuer.currentKid]);
      expect((await rejectionOf(verifyWithIssuer(issuer, oldToken))).code).toBe('ERR_JWKS_NO_MATCHING_KEY');
      await expect(verifyWithIssuer(issuer, await issuer.mintUserToken())).resolves.toBeTruthy();
    } finally {
      await issuer.close();
    }
  });

  it('keeps the algorithm when rotating', async () => {
    const issuer = await createTestIssuer({ algorithm: 'PS256' });
    try {
      await issuer.rotateKeys();
      expect(issuer.currentPublicJwk()).toMatchObject({ kty: 'RSA', alg: 'PS256', kid: issuer.currentKid });
    } finally {
      await issuer.close();
    }
  });
});
