/**
 * Several issuers, each with its own settings, and issuer templates with tenants (Entra ID
 * multi-tenant applications).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { createVerifier, type VerifierOptions } from '@tokengate/core';

let first: TestIssuer;
let second: TestIssuer;
let tenant: TestIssuer;
beforeAll(async () => {
  [first, second, tenant] = await Promise.all([createTestIssuer(), createTestIssuer(), createTestIssuer({ path: '/tenant-a' })]);
});
afterAll(async () => {
  await Promise.all([first.close(), second.close(), tenant.close()]);
});

const SERVICE_ACCOUNT = { sub: 'uuid-1', azp: 'svc', client_id: 'svc', preferred_username: 'service-account-svc' };

describe('issuers: each with its own settings', () => {
  it('checks each issuer\'s tokens against its own audience and reads them with its own preset', async () => {
    const verifier = createVerifier({
      issuers: [
        { issuer: first.issuer, audience: 'https://api-a.example.com' },
        { issuer: second.issuer, audience: 'https://api-b.example.com', preset: 'keycloak', jwksUri: second.jwksUri },
      ],
    });
    await expect(verifier.verify(await first.mintToken({ audience: 'https://api-a.example.com', claims: SERVICE_ACCOUNT }))).resolves.toMatchObject({ issuer: first.issuer, type: 'user' });
    await expect(verifier.verify(await second.mintToken({ audience: 'https://api-b.example.com', claims: SERVICE_ACCOUNT }))).resolves.toMatchObject({ issuer: second.issuer, type: 'client' });
    // One issuer's audience is not another's.
    await expect(verifier.verify(await first.mintToken({ audience: 'https://api-b.example.com', claims: SERVICE_ACCOUNT }))).rejects.toMatchObject({ description: 'The token is meant for another audience' });
    expect(second.fetchCounts.discovery ?? 0).toBe(0);
  });

  it('inherits the top-level audience and preset, and refuses an issuer not listed', async () => {
    const verifier = createVerifier({ audience: 'https://api.example.com', preset: 'keycloak', issuers: [{ issuer: first.issuer }] });
    await expect(verifier.verify(await first.mintToken({ audience: 'https://api.example.com', claims: SERVICE_ACCOUNT }))).resolves.toMatchObject({ type: 'client' });
    await expect(verifier.verify(await second.mintToken({ audience: 'https://api.example.com' }))).rejects.toMatchObject({ description: 'The token was issued by an issuer this API does not accept' });
  });
});

describe('issuer templates and tenants', () => {
  const template = (): string => tenant.issuer.replace('/tenant-a', '/{tenantid}');

  it('accept a token whose iss and tid name an allowed tenant, with keys from that tenant\'s discovery', async () => {
    const verifier = createVerifier({ audience: 'api', issuers: [{ issuer: template(), tenants: ['tenant-a'], preset: 'entra' }] });
    const token = await tenant.mintToken({ audience: 'api', claims: { tid: 'tenant-a', azp: 'app', sub: 'u', oid: 'o', scp: 'Files.Read' } });
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: tenant.issuer, type: 'user', scopes: ['Files.Read'] });
  });

  it.each([
    ['a tid naming another tenant', ['tenant-a'], { tid: 'tenant-b' }],
    ['no tid', ['tenant-a'], {}],
    ['a tenant not allowed', ['tenant-x'], { tid: 'tenant-a' }],
  ])('refuse %s', async (_name, tenants, claims) => {
    const verifier = createVerifier({ audience: 'api', issuers: [{ issuer: template(), tenants }] });
    await expect(verifier.verify(await tenant.mintToken({ audience: 'api', claims }))).rejects.toMatchObject({ description: 'The token was issued by an issuer this API does not accept' });
  });

  it('refuse a "tenant" spanning path segments, which would let a template stand for other issuers', async () => {
    const verifier = createVerifier({ audience: 'api', issuers: [{ issuer: template(), tenants: ['tenant-a/x'] }] });
    const token = await tenant.mintToken({ issuer: `${tenant.issuer}/x`, audience: 'api', claims: { tid: 'tenant-a/x' } });
    await expect(verifier.verify(token)).rejects.toMatchObject({ description: 'The token was issued by an issuer this API does not accept' });
  });

  it('accept any tenant only when told so loudly', async () => {
    const verifier = createVerifier({ audience: 'api', issuers: [{ issuer: template(), dangerouslyAcceptAnyTenant: true }] });
    await expect(verifier.verify(await tenant.mintToken({ audience: 'api', claims: { tid: 'tenant-a' } }))).resolves.toMatchObject({ issuer: tenant.issuer });
  });
});

describe('issuers: bad options fail at construction, naming the entry', () => {
  const cases: [string, unknown, RegExp][] = [
    ['issuer and issuers', { issuer: 'https://a.example.com', issuers: [{ issuer: 'https://b.example.com' }], audience: 'api' }, /"issuers" option cannot be combined with "issuer"/],
    ['an empty list', { issuers: [], audience: 'api' }, /"issuers" option must be a non-empty array/],
    ['an unknown member', { issuers: [{ issuer: 'https://a.example.com', audiance: 'api' }] }, /in the issuers\[0\] options; did you mean "audience"/],
    ['no audience anywhere', { issuers: [{ issuer: 'https://a.example.com' }] }, /"issuers\[0\].audience" option is required/],
    ['an http issuer', { audience: 'api', issuers: [{ issuer: 'http://a.example.com' }] }, /"issuers\[0\].issuer" option must use https:/],
    ['a template without tenants', { audience: 'api', issuers: [{ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' }] }, /"issuers\[0\].tenants" option is required for an issuer template/],
    ['tenants without a template', { audience: 'api', issuers: [{ issuer: 'https://a.example.com', tenants: ['t'] }] }, /needs an issuer template with "\{tenantid\}"/],
    ['a template twice', { audience: 'api', issuers: [{ issuer: 'https://x/{tenantid}/{tenantid}', tenants: ['t'] }] }, /may hold "\{tenantid\}" once/],
    ['a top-level jwksUri', { audience: 'api', jwksUri: 'https://a.example.com/jwks', issuers: [{ issuer: 'https://a.example.com' }] }, /"jwksUri" option goes into each entry of "issuers"/],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      expect(() => createVerifier(options as VerifierOptions)).toThrow(TypeError);
      expect(() => createVerifier(options as VerifierOptions)).toThrow(message);
    });
  }
});
