/**
 * Opaque access tokens from oidc-provider (the `https://opaque-api.example.test` resource),
 * verified through the provider's RFC 7662 introspection endpoint, which tokengate discovers
 * from the issuer metadata; revocation (RFC 7009) takes effect at the next introspection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, TokenGateError, type Verifier, type VerifierOptions } from '@tokengate/core';
import { API_AUDIENCE, OPAQUE_AUDIENCE, startProvider, type ProviderHarness } from './provider.js';
import { authorizationCode, callApi, clientCredentials, introspect, revoke, type AuthorizationResult, type TokenResponse } from './flows.js';
import { ADAPTERS, startVerifierApi, type RunningApi } from './apis.js';

let provider: ProviderHarness;
let client: TokenResponse;
let user: AuthorizationResult;

/** A verifier for the opaque API; `cacheMaxAge: 0` re-asks the provider for every request. */
function opaqueVerifier(introspection: Partial<NonNullable<VerifierOptions['introspection']>> = { cache: { maxAge: 0 } }): Verifier {
  const { id, secret } = provider.clients.resourceServer;
  return createVerifier({ issuer: provider.issuer, audience: OPAQUE_AUDIENCE, introspection: { clientId: id, clientSecret: secret, ...introspection } });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  provider = await startProvider();
  client = await clientCredentials(provider, 'read:font:data', OPAQUE_AUDIENCE);
  user = await authorizationCode(provider, { login: 'bob', scope: 'openid read:font:data', resource: OPAQUE_AUDIENCE });
});

afterAll(async () => {
  await provider?.close();
});

describe('opaque access tokens through oidc-provider introspection', () => {
  it('issues opaque tokens for the second resource and introspects them', async () => {
    expect(client.access_token.split('.')).toHaveLength(1);
    const answer = await introspect(provider, client.access_token);
    expect(answer).toMatchObject({ status: 200, body: { active: true, client_id: 'm2m', aud: OPAQUE_AUDIENCE, iss: provider.issuer, scope: 'read:font:data' } });
    expect(answer.body).not.toHaveProperty('sub');
    expect((await introspect(provider, user.tokens.access_token)).body).toMatchObject({ active: true, sub: 'bob', client_id: 'web' });
  });

  it('verifies a client_credentials token as format opaque, type client', async () => {
    const token = await opaqueVerifier().verify(client.access_token);
    expect(token).toMatchObject({ format: 'opaque', type: 'client', clientId: 'm2m', issuer: provider.issuer, scopes: ['read:font:data'] });
    expect(token.subject).toBeUndefined();
  });

  it('verifies an authorization_code token as format opaque, type user', async () => {
    const token = await opaqueVerifier().verify(user.tokens.access_token);
    expect(token).toMatchObject({ format: 'opaque', type: 'user', subject: 'bob', clientId: 'web' });
    expect([...token.scopes].sort()).toEqual(['openid', 'read:font:data']);
  });

  it('refuses a refresh token presented as an access token, by default', async () => {
    const offline = await authorizationCode(provider, { login: 'bob', scope: 'openid offline_access read:font:data', resource: OPAQUE_AUDIENCE });
    const refreshToken = offline.tokens.refresh_token ?? '';
    expect(refreshToken).not.toBe('');
    // The provider vouches for it without aud or token_type, even when asked with token_type_hint=access_token.
    const answer = (await introspect(provider, refreshToken)).body;
    expect(answer).toMatchObject({ active: true, sub: 'bob' });
    expect(answer).not.toHaveProperty('aud');
    expect(answer).not.toHaveProperty('token_type');
    // Its access tokens do show what they are.
    expect((await introspect(provider, offline.tokens.access_token)).body).toMatchObject({ active: true, token_type: 'Bearer' });
    const verifier = opaqueVerifier({ cache: { maxAge: 0 } });
    await expect(verifier.verify(offline.tokens.access_token)).resolves.toMatchObject({ type: 'user', subject: 'bob' });
    const error = await failure(verifier.verify(refreshToken));
    expect(error).toBeInstanceOf(TokenGateError);
    expect((error as TokenGateError).description).toMatch(/^The introspection answer does not show an access token for this API/);
    // requireAudience refuses it too, for its own reason.
    const strict = opaqueVerifier({ requireAudience: true, cache: { maxAge: 0 } });
    expect(((await failure(strict.verify(refreshToken))) as TokenGateError).description).toBe('The token names no audience; this API requires one');
  });

  it('refuses an opaque token for another resource, and the JWT API refuses opaque tokens', async () => {
    const other = await clientCredentials(provider, 'read:font:data', API_AUDIENCE);
    // A JWT: verified locally (`auto` mode), never sent to the introspection endpoint; wrong audience.
    expect(await failure(opaqueVerifier().verify(other.access_token))).toMatchObject({ status: 401, code: 'invalid_token' });
    const jwtOnly = createVerifier({ issuer: provider.issuer, audience: API_AUDIENCE });
    expect(await failure(jwtOnly.verify(client.access_token))).toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('refuses a revoked token with 401 invalid_token (no introspection cache)', async () => {
    const token = await clientCredentials(provider, 'read:font:data', OPAQUE_AUDIENCE);
    const verifier = opaqueVerifier();
    await expect(verifier.verify(token.access_token)).resolves.toMatchObject({ type: 'client' });
    expect(await revoke(provider, provider.clients.m2m, token.access_token)).toMatchObject({ status: 200 });
    const error = await failure(verifier.authenticate({ headers: { authorization: `Bearer ${token.access_token}` } }));
    expect(error).toBeInstanceOf(TokenGateError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_token' });
    expect((error as TokenGateError).headers()['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('keeps accepting a revoked token while its active answer is cached (default cacheMaxAge)', async () => {
    const token = await clientCredentials(provider, 'read:font:data', OPAQUE_AUDIENCE);
    const verifier = opaqueVerifier({});
    await expect(verifier.verify(token.access_token)).resolves.toMatchObject({ type: 'client' });
    await revoke(provider, provider.clients.m2m, token.access_token);
    await expect(verifier.verify(token.access_token)).resolves.toMatchObject({ type: 'client' });
    expect(await failure(opaqueVerifier().verify(token.access_token))).toMatchObject({ status: 401 });
  });

  it('reported no server errors', () => {
    expect(provider.serverErrors).toEqual([]);
  });
});

describe.each(ADAPTERS)('%s with opaque tokens', (adapter) => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startVerifierApi(adapter, opaqueVerifier());
  });

  afterAll(async () => {
    await api?.close();
  });

  it('accepts opaque client and user tokens and tells them apart', async () => {
    expect(await callApi(api.url, 'GET', '/v1/me', client.access_token)).toMatchObject({
      status: 200,
      body: { format: 'opaque', type: 'client', clientId: 'm2m', scopes: ['read:font:data'] },
    });
    expect(await callApi(api.url, 'GET', '/v1/me', user.tokens.access_token)).toMatchObject({ status: 200, body: { type: 'user', subject: 'bob' } });
    expect(await callApi(api.url, 'GET', '/v1/file/templates', user.tokens.access_token)).toMatchObject({ status: 200, body: { owner: 'bob' } });
    expect(await callApi(api.url, 'GET', '/v1/file/templates', client.access_token)).toMatchObject({ status: 403, body: { error: 'invalid_token_type' } });
  });

  it('answers 401 invalid_token to a revoked opaque token', async () => {
    const token = await clientCredentials(provider, 'read:font:data', OPAQUE_AUDIENCE);
    expect((await callApi(api.url, 'GET', '/v1/me', token.access_token)).status).toBe(200);
    await revoke(provider, provider.clients.m2m, token.access_token);
    const refused = await callApi(api.url, 'GET', '/v1/me', token.access_token);
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(refused.challenge).toContain('error="invalid_token"');
  });
});
