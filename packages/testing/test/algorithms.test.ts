import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { SigningAlgorithm } from '../src/index.js';
import { SIGNING_ALGORITHMS, createTestIssuer } from '../src/index.js';
import { getJson, verifyWithIssuer } from './support.js';

describe('signing algorithms', () => {
  it('lists every supported algorithm', () => {
    expect(SIGNING_ALGORITHMS).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);
  });

  it.each(SIGNING_ALGORITHMS.map((algorithm) => [algorithm]))('%s tokens verify against the served JWKS', async (algorithm: SigningAlgorithm) => {
    const issuer = await createTestIssuer({ algorithm });
    try {
      expect(issuer.algorithm).toBe(algorithm);
      const { body } = await getJson(issuer.jwksUri);
      expect(body).toMatchObject({ keys: [{ alg: algorithm, kid: issuer.currentKid }] });
      const metadata = await getJson(issuer.openidConfigurationUrl);
      expect(metadata.body).toMatchObject({ id_token_signing_alg_values_supported: [algorithm] });

      const userToken = await issuer.mintUserToken({ scopes: ['read'] });
      expect(decodeProtectedHeader(userToken)).toEqual({ alg: algorithm, kid: issuer.currentKid, typ: 'at+jwt' });
      const user = await verifyWithIssuer(issuer, userToken, { algorithms: [algorithm], typ: 'at+jwt' });
      expect(user.payload).toMatchObject({ sub: 'user-123', scope: 'read' });

      const client = await verifyWithIssuer(issuer, await issuer.mintClientToken(), { algorithms: [algorithm] });
      expect(client.payload).toMatchObject({ sub: 'test-client', client_id: 'test-client' });
    } finally {
      await issuer.close();
    }
  });
});
