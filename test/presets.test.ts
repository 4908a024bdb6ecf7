/**
 * Presets through every adapter: provider token shapes that the generic rules misread, sent to
 * `requireUserToken`, `requireClientToken` and `requireScopes` routes of the conformance app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import type { VerifierOptions } from '@tokengate/core';
import { SERVERS, type Running } from './support/servers.js';

const SP = 'a1b2c3d4-0000-4000-8000-000000000001';

/** Client tokens of three providers, with the scope the `/v1/fonts` route requires. */
const PROVIDERS: readonly { name: string; options: Partial<VerifierOptions>; audience: string | null; claims: Record<string, unknown> }[] = [
  { name: 'entra app-only', options: { preset: 'entra' }, audience: 'https://api.example.test', claims: { ver: '2.0', azp: 'app-1', oid: SP, sub: SP, roles: ['read:font:data'] } },
  { name: 'keycloak service account', options: { preset: 'keycloak' }, audience: 'https://api.example.test', claims: { sub: 'uuid-1', azp: 'svc', client_id: 'svc', preferred_username: 'service-account-svc', scope: 'read:font:data' } },
  { name: 'cognito M2M', options: { preset: { name: 'cognito', scopePrefix: 'https://api.example.test/' }, audience: 'app-2' }, audience: null, claims: { sub: 'app-2', client_id: 'app-2', token_use: 'access', scope: 'https://api.example.test/read:font:data' } },
];

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

describe.each(PROVIDERS)('$name', (provider) => {
  describe.each(SERVERS)('through $name', (server) => {
    let app: Running;
    beforeAll(async () => {
      app = await server.start({ issuer: issuer.issuer, audience: issuer.audience, ...provider.options } as VerifierOptions);
    });
    afterAll(async () => {
      await app.close();
    });

    it('is a client token with its scopes: client-only 200, fonts 200, user-only 403 invalid_token_type', async () => {
      const token = await issuer.mintToken({ audience: provider.audience, claims: provider.claims });
      const status = async (path: string) => (await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
      expect([await status('/v1/client-only'), await status('/v1/fonts'), await status('/v1/user-only')]).toEqual([200, 200, 403]);
    });
  });
});
