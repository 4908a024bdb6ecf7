import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestIssuer } from '../src/index.js';
import { createTestIssuer } from '../src/index.js';
import { getJson } from './support.js';

function expectedMetadata(issuer: TestIssuer, issuerMember = issuer.issuer) {
  return {
    issuer: issuerMember,
    authorization_endpoint: `${issuer.issuer}/authorize`,
    token_endpoint: `${issuer.issuer}/token`,
    introspection_endpoint: `${issuer.issuer}/introspect`,
    jwks_uri: `${issuer.issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: [issuer.algorithm],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  };
}

describe('issuer at the root', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  it('listens on 127.0.0.1 with an ephemeral port and exposes its URLs', () => {
    expect(issuer.issuer).toBe(`http://127.0.0.1:${issuer.port}`);
    expect(issuer.port).toBeGreaterThan(0);
    expect(issuer.jwksUri).toBe(`${issuer.issuer}/jwks`);
    expect(issuer.oauthMetadataUrl).toBe(`${issuer.issuer}/.well-known/oauth-authorization-server`);
    expect(issuer.openidConfigurationUrl).toBe(`${issuer.issuer}/.well-known/openid-configuration`);
    expect(issuer.audience).toBe('https://api.example.test');
    expect(issuer.algorithm).toBe('RS256');
  });

  it('serves the RFC 8414 metadata document', async () => {
    const response = await getJson(`${issuer.issuer}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/json');
    expect(response.body).toEqual(expectedMetadata(issuer));
  });

  it('serves the OpenID Connect discovery document', async () => {
    const response = await getJson(`${issuer.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expectedMetadata(issuer));
  });

  it('answers unknown paths and the token endpoint with 404 JSON', async () => {
    for (const path of ['/nope', '/token', '/introspect/extra', '/jwks/extra']) {
      const response = await getJson(`${issuer.issuer}${path}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', path });
    }
  });

  it('ignores the query string when matching paths', async () => {
    expect((await getJson(`${issuer.jwksUri}?x=1`)).status).toBe(200);
  });

  it('answers other methods with 405 and an Allow header', async () => {
    const response = await fetch(issuer.jwksUri, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await response.json()).toEqual({ error: 'method_not_allowed' });
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(issuer.oauthMetadataUrl, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100);
    expect(await response.text()).toBe('');
  });
});

describe('issuer with a path', () => {
  let issuer: TestIssuer;
  let origin: string;
  beforeAll(async () => {
    issuer = await createTestIssuer({ path: '/tenant-a', algorithm: 'ES256' });
    origin = `http://127.0.0.1:${issuer.port}`;
  });
  afterAll(() => issuer.close());

  it('includes the path in the issuer and keeps the JWKS under it', () => {
    expect(issuer.issuer).toBe(`${origin}/tenant-a`);
    expect(issuer.jwksUri).toBe(`${origin}/tenant-a/jwks`);
    expect(issuer.oauthMetadataUrl).toBe(`${origin}/.well-known/oauth-authorization-server/tenant-a`);
    expect(issuer.openidConfigurationUrl).toBe(`${origin}/tenant-a/.well-known/openid-configuration`);
  });

  it('serves RFC 8414 metadata with the well-known segment before the path', async () => {
    const response = await getJson(`${origin}/.well-known/oauth-authorization-server/tenant-a`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expectedMetadata(issuer));
    expect((await getJson(`${origin}/tenant-a/.well-known/oauth-authorization-server`)).status).toBe(404);
    expect((await getJson(`${origin}/.well-known/oauth-authorization-server`)).status).toBe(404);
  });

  it('serves OIDC discovery appended to the issuer', async () => {
    const response = await getJson(`${origin}/tenant-a/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ issuer: `${origin}/tenant-a`, jwks_uri: `${origin}/tenant-a/jwks` });
    expect((await getJson(`${origin}/.well-known/openid-configuration`)).status).toBe(404);
    expect((await getJson(`${origin}/.well-known/openid-configuration/tenant-a`)).status).toBe(404);
  });

  it('serves the JWKS only under the path', async () => {
    expect((await getJson(`${origin}/tenant-a/jwks`)).status).toBe(200);
    expect((await getJson(`${origin}/jwks`)).status).toBe(404);
  });
});

describe('options', () => {
  it('normalizes the path', async () => {
    const issuer = await createTestIssuer({ path: 'tenant-b/', algorithm: 'EdDSA' });
    try {
      expect(issuer.issuer).toBe(`http://127.0.0.1:${issuer.port}/tenant-b`);
    } finally {
      await issuer.close();
    }
  });

  it('rejects an unsupported algorithm, discovery mode, path or lifetime', async () => {
    await expect(createTestIssuer({ algorithm: 'HS256' as never })).rejects.toThrow(TypeError);
    await expect(createTestIssuer({ discovery: 'all' as never })).rejects.toThrow(/discovery/);
    await expect(createTestIssuer({ path: '/a?b' })).rejects.toThrow(/path/);
    await expect(createTestIssuer({ tokenLifetime: Number.NaN })).rejects.toThrow(/tokenLifetime/);
  });

  it.each([
    ['both', 200, 200],
    ['oauth', 200, 404],
    ['oidc', 404, 200],
    ['none', 404, 404],
  ] as const)('discovery %s serves oauth=%i oidc=%i', async (discovery, oauthStatus, oidcStatus) => {
    const issuer = await createTestIssuer({ discovery, algorithm: 'ES256' });
    try {
      expect((await getJson(issuer.oauthMetadataUrl)).status).toBe(oauthStatus);
      expect((await getJson(issuer.openidConfigurationUrl)).status).toBe(oidcStatus);
      expect((await getJson(issuer.jwksUri)).status).toBe(200);
    } finally {
      await issuer.close();
    }
  });

  it('writes issuerInMetadata into both documents but keeps real endpoints', async () => {
    const issuer = await createTestIssuer({ issuerInMetadata: 'https://evil.example', algorithm: 'ES256' });
    try {
      for (const url of [issuer.oauthMetadataUrl, issuer.openidConfigurationUrl]) {
        const { body } = await getJson(url);
        expect(body).toEqual(expectedMetadata(issuer, 'https://evil.example'));
      }
    } finally {
      await issuer.close();
    }
  });
});
