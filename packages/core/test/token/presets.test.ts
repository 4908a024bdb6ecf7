/**
 * Identity-provider presets, table-driven: token shapes from each provider's public documentation
 * (claims as documented; signed by a local test issuer), and what tokengate reads from them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type AccessToken, type VerifierOptions } from '@tokengate/core';
import { google } from '../../src/token/presets/google.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
const SP = 'a1b2c3d4-0000-4000-8000-000000000001';

/** A case: a token's claims (from the provider's docs), the options, and what tokengate must read. */
interface Shape {
  readonly name: string;
  readonly options: Partial<VerifierOptions>;
  readonly claims: Record<string, unknown>;
  readonly audience?: string | string[] | null;
  readonly expect: Partial<Pick<AccessToken, 'type' | 'clientId' | 'subject'>> & { readonly scopes?: readonly string[] } | { readonly refused: RegExp };
}

const SHAPES: readonly Shape[] = [
  // Microsoft Entra ID: "Access token claims reference", v2.0 and v1.0.
  { name: 'entra v2 delegated: scp only, the user\'s app roles are not scopes', options: { preset: 'entra' }, claims: { ver: '2.0', tid: TENANT, azp: CLIENT, oid: 'u-oid', sub: 'pairwise-sub', scp: 'Files.Read User.Read', roles: ['Admin'], preferred_username: 'alice@contoso.com' }, expect: { type: 'user', scopes: ['Files.Read', 'User.Read'], clientId: CLIENT } },
  { name: 'entra v2 app-only with idtyp: roles are the permissions', options: { preset: 'entra' }, claims: { ver: '2.0', tid: TENANT, azp: CLIENT, oid: SP, sub: SP, roles: ['Files.Read.All'], idtyp: 'app' }, expect: { type: 'client', scopes: ['Files.Read.All'], clientId: CLIENT } },
  { name: 'entra v2 app-only without idtyp: no scp and sub = oid', options: { preset: 'entra' }, claims: { ver: '2.0', tid: TENANT, azp: CLIENT, oid: SP, sub: SP, roles: ['Files.Read.All'] }, expect: { type: 'client', scopes: ['Files.Read.All'] } },
  { name: 'entra v1 app-only: appid is the client', options: { preset: 'entra' }, claims: { ver: '1.0', tid: TENANT, appid: CLIENT, oid: SP, sub: SP, roles: ['Files.Read.All'] }, expect: { type: 'client', clientId: CLIENT, scopes: ['Files.Read.All'] } },
  { name: 'entra v1 delegated', options: { preset: 'entra' }, claims: { ver: '1.0', tid: TENANT, appid: CLIENT, oid: 'u-oid', sub: 'pairwise-sub', scp: 'user_impersonation', upn: 'alice@contoso.com' }, expect: { type: 'user', clientId: CLIENT, scopes: ['user_impersonation'] } },
  { name: 'entra idtyp user wins over sub = oid', options: { preset: 'entra' }, claims: { ver: '2.0', azp: CLIENT, oid: 'same', sub: 'same', idtyp: 'user' }, expect: { type: 'user', scopes: [] } },
  { name: 'without the preset, an Entra app-only token reads as a user without scopes', options: {}, claims: { ver: '2.0', azp: CLIENT, oid: SP, sub: SP, roles: ['Files.Read.All'] }, expect: { type: 'user', scopes: [] } },
  // Keycloak: service accounts, Keycloak 25 sub-less user tokens, roles.
  { name: 'keycloak service account (client_id, clientHost)', options: { preset: 'keycloak' }, claims: { sub: '7f0c-uuid', azp: 'reporting-service', client_id: 'reporting-service', preferred_username: 'service-account-reporting-service', clientHost: '10.0.0.7', clientAddress: '10.0.0.7', scope: 'profile email' }, expect: { type: 'client', clientId: 'reporting-service', scopes: ['profile', 'email'] } },
  { name: 'keycloak service account, older clientId spelling, mixed case', options: { preset: 'keycloak' }, claims: { sub: '7f0c-uuid', clientId: 'Reporting-Service', preferred_username: 'service-account-reporting-service', scope: 'profile' }, expect: { type: 'client', clientId: 'Reporting-Service' } },
  { name: 'keycloak 25 user token without sub stays a user', options: { preset: 'keycloak' }, claims: { azp: 'web-app', preferred_username: 'alice', sid: 's-1', scope: 'openid email' }, expect: { type: 'user', clientId: 'web-app' } },
  { name: 'without the preset, a Keycloak service account reads as a user', options: {}, claims: { sub: '7f0c-uuid', azp: 'reporting-service', preferred_username: 'service-account-reporting-service' }, expect: { type: 'user' } },
  { name: 'keycloak roles as scopes when asked', options: { preset: { name: 'keycloak', rolesAsScopes: true } }, claims: { sub: 'u', azp: 'web-app', preferred_username: 'alice', scope: 'openid', realm_access: { roles: ['offline_access', 'editor'] }, resource_access: { 'web-app': { roles: ['fonts:write'] }, other: { roles: ['nope'] } } }, expect: { type: 'user', scopes: ['openid', 'offline_access', 'editor', 'fonts:write'] } },
  { name: 'keycloak roles are not scopes by default', options: { preset: 'keycloak' }, claims: { sub: 'u', azp: 'web-app', scope: 'openid', realm_access: { roles: ['editor'] } }, expect: { scopes: ['openid'] } },
  { name: "keycloak's default account audience is never accepted implicitly", options: { preset: 'keycloak' }, audience: 'account', claims: { sub: 'u', azp: 'web-app' }, expect: { refused: /meant for another audience/ } },
  // Amazon Cognito: no aud, client_id is the app client, token_use access.
  { name: 'cognito user access token (no aud)', options: { preset: 'cognito', audience: 'appclient1' }, audience: null, claims: { sub: 'c0ffee-uuid', token_use: 'access', client_id: 'appclient1', username: 'alice', scope: 'aws.cognito.signin.user.admin https://api.example.com/fonts.read' }, expect: { type: 'user', clientId: 'appclient1', scopes: ['aws.cognito.signin.user.admin', 'https://api.example.com/fonts.read'] } },
  { name: 'cognito M2M token: sub = client_id, prefix stripped', options: { preset: { name: 'cognito', scopePrefix: 'https://api.example.com/' }, audience: 'appclient2' }, audience: null, claims: { sub: 'appclient2', token_use: 'access', client_id: 'appclient2', scope: 'https://api.example.com/fonts.read' }, expect: { type: 'client', scopes: ['fonts.read'] } },
  { name: 'cognito ID token refused', options: { preset: 'cognito', audience: 'appclient1' }, audience: 'appclient1', claims: { sub: 'u', token_use: 'id', client_id: 'appclient1' }, expect: { refused: /ID token, not an access token/ } },
  { name: 'cognito token of another app client refused', options: { preset: 'cognito', audience: 'appclient1' }, audience: null, claims: { sub: 'u', token_use: 'access', client_id: 'other' }, expect: { refused: /another app client/ } },
  { name: 'without the preset, every Cognito access token is refused (no aud)', options: { audience: 'appclient1' }, audience: null, claims: { sub: 'u', token_use: 'access', client_id: 'appclient1' }, expect: { refused: /no "aud" claim/ } },
  // Auth0, Okta, Ory Hydra: the generic rules, named.
  { name: 'auth0 client credentials (gty, @clients, permissions)', options: { preset: 'auth0' }, audience: ['https://api.example.com', 'https://tenant.auth0.com/userinfo'], claims: { sub: 'abc123@clients', azp: 'abc123', gty: 'client-credentials', scope: 'read:fonts', permissions: ['read:fonts'] }, expect: { type: 'client', clientId: 'abc123', scopes: ['read:fonts'] } },
  { name: 'okta user (cid, uid, scp array, no typ)', options: { preset: 'okta' }, claims: { sub: 'alice@example.com', uid: '00u1', cid: '0oa1', scp: ['openid', 'fonts.read'] }, expect: { type: 'user', clientId: '0oa1', subject: 'alice@example.com', scopes: ['openid', 'fonts.read'] } },
  { name: 'hydra client credentials (scp array, aud array, ext)', options: { preset: 'hydra' }, audience: ['https://api.example.com'], claims: { sub: 'my-client', client_id: 'my-client', scp: ['fonts.read'], ext: { tenant: 'acme' } }, expect: { type: 'client', scopes: ['fonts.read'] } },
];

describe.each(SHAPES)('$name', (shape) => {
  it('reads the token as documented', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: 'https://api.example.com', ...shape.options } as VerifierOptions);
    const audience = shape.audience === undefined ? 'https://api.example.com' : shape.audience;
    const token = await issuer.mintToken({ audience, claims: shape.claims });
    if ('refused' in shape.expect) {
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'invalid_token', description: expect.stringMatching(shape.expect.refused) });
      return;
    }
    const accessToken = await verifier.verify(token);
    expect(accessToken).toMatchObject(shape.expect);
    // The claims stay as issued.
    expect(accessToken.claims).toMatchObject(shape.claims);
  });
});

describe('google service accounts', () => {
  const email = 'reporter@project-1234.iam.gserviceaccount.com';

  it('take an e-mail issuer (only with the preset) and read the account as a client', async () => {
    expect(() => createVerifier({ issuer: email, audience: 'https://api.example.com' })).toThrow(/"issuer" option must be an absolute URL/);
    const verifier = createVerifier({ issuer: email, audience: 'https://api.example.com', preset: 'google', jwksUri: issuer.jwksUri });
    const token = await issuer.mintToken({ issuer: email, audience: 'https://api.example.com', claims: { sub: email, email } });
    expect(await verifier.verify(token)).toMatchObject({ type: 'client', clientId: email, subject: email, scopes: [] });
  });

  it('derive the key set URL of each service account, and keep URL issuers to the https rule', () => {
    expect(google.jwksUri?.(email)).toBe('https://www.googleapis.com/service_accounts/v1/jwk/reporter%40project-1234.iam.gserviceaccount.com');
    expect(google.jwksUri?.('https://accounts.google.com')).toBeUndefined();
    expect(() => createVerifier({ issuer: 'http://accounts.example.com', audience: 'a', preset: 'google' })).toThrow(/must use https:/);
  });
});

describe('the preset option', () => {
  it('refuses unknown presets and members, naming them', () => {
    expect(() => createVerifier({ issuer: issuer.issuer, audience: 'a', preset: 'azure' as never })).toThrow(/"preset" option must be one of "auth0", "entra", "keycloak", "okta", "cognito", "google", "hydra" \(got "azure"\)/);
    expect(() => createVerifier({ issuer: issuer.issuer, audience: 'a', preset: { name: 'cognito', prefix: 'x' } as never })).toThrow(/"cognito" takes "scopePrefix" \(got "prefix"\)/);
    expect(() => createVerifier({ issuer: issuer.issuer, audience: 'a', preset: { name: 'entra', rolesAsScopes: true } as never })).toThrow(/"entra" takes no options/);
  });

  it('lets an explicit classify win over the preset', async () => {
    const verifier = createVerifier({ issuer: issuer.issuer, audience: 'https://api.example.com', preset: 'entra', classify: () => 'user' });
    const token = await issuer.mintToken({ audience: 'https://api.example.com', claims: { azp: CLIENT, oid: SP, sub: SP, idtyp: 'app' } });
    expect((await verifier.verify(token)).type).toBe('user');
  });
});
