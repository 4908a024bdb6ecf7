/**
 * Interop with a real authorization server: oidc-provider issues RFC 9068 JWT access tokens
 * (resource indicators) through client_credentials, authorization_code + PKCE and refresh_token
 * grants; the Express, Koa and Fastify example APIs verify them with the issuer alone (metadata
 * discovery, then the provider's JWKS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyToken, createVerifier, TokenGateError } from '@tokengate/core';
import { BARE_CHALLENGE, bearerChallenge, USER_REQUIRED } from '@tokengate/test-support';
import { API_AUDIENCE, startProvider, type ProviderHarness } from './provider.js';
import { authorizationCode, callApi, clientCredentials, decodeJwt, refreshTokenGrant, type AuthorizationResult, type TokenResponse, type TokenResult } from './flows.js';
import { ADAPTERS, startApi, type RunningApi } from './apis.js';

const RFC9068_CLAIMS = ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub'];

let provider: ProviderHarness;
let client: TokenResponse;
let user: AuthorizationResult;
let narrowUser: AuthorizationResult;
let refreshed: TokenResult;
let replayed: TokenResult;
let afterReplay: TokenResult;

beforeAll(async () => {
  provider = await startProvider();
  client = await clientCredentials(provider, 'read:font:data');
  user = await authorizationCode(provider, { login: 'alice', scope: 'openid offline_access read:font:data create:webfonts:kit' });
  narrowUser = await authorizationCode(provider, { login: 'bob', scope: 'openid read:font:data' });
  refreshed = await refreshTokenGrant(provider, user.tokens.refresh_token ?? '');
  // Rotation: the refresh token just used is spent; presenting it again is refused.
  replayed = await refreshTokenGrant(provider, user.tokens.refresh_token ?? '');
  afterReplay = await refreshTokenGrant(provider, String(refreshed.body.refresh_token));
});

afterAll(async () => {
  await provider?.close();
});

const refreshedAccessToken = () => String(refreshed.body.access_token);

describe('oidc-provider tokens', () => {
  it('client_credentials gives an RFC 9068 JWT whose sub is the client id (a client token)', () => {
    const { header, payload } = decodeJwt(client.access_token);
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(Object.keys(payload).sort()).toEqual(RFC9068_CLAIMS);
    expect(payload).toMatchObject({ iss: provider.issuer, aud: API_AUDIENCE, sub: 'm2m', client_id: 'm2m', scope: 'read:font:data' });
    expect(classifyToken(payload)).toBe('client');
  });

  it('authorization_code + PKCE (S256) gives a JWT whose sub is the account id (a user token)', () => {
    expect(user.iss).toBe(provider.issuer); // RFC 9207 authorization response issuer
    expect(user.tokens.refresh_token).toEqual(expect.any(String));
    const { header, payload } = decodeJwt(user.tokens.access_token);
    expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(Object.keys(payload).sort()).toEqual(RFC9068_CLAIMS);
    expect(payload).toMatchObject({ iss: provider.issuer, aud: API_AUDIENCE, sub: 'alice', client_id: 'web' });
    expect(String(payload.scope).split(' ').sort()).toEqual(['create:webfonts:kit', 'openid', 'read:font:data']);
    expect(classifyToken(payload)).toBe('user');
  });

  it('refresh_token rotates: a new user token and refresh token; the old refresh token is invalid_grant', () => {
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(user.tokens.refresh_token);
    const { payload } = decodeJwt(refreshedAccessToken());
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'web', aud: API_AUDIENCE });
    expect(payload.jti).not.toBe(decodeJwt(user.tokens.access_token).payload.jti);
    expect(classifyToken(payload)).toBe('user');
    expect(replayed).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // oidc-provider treats the replay as theft and revokes the grant: the rotated token dies too.
    expect(afterReplay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('publishes RFC 8414 metadata (besides OpenID Connect Discovery); tokengate discovers it, then the JWKS', async () => {
    const oauth = await fetch(`${provider.issuer}/.well-known/oauth-authorization-server`, { signal: AbortSignal.timeout(5_000) });
    expect(oauth.status).toBe(200);
    const metadata = (await oauth.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({ issuer: provider.issuer, jwks_uri: provider.metadata.jwks_uri });
    expect(metadata.introspection_endpoint).toBe(provider.metadata.introspection_endpoint);
    const fetched: string[] = [];
    const verifier = createVerifier({
      issuer: provider.issuer,
      audience: API_AUDIENCE,
      fetch: (input, init) => {
        fetched.push(String(input));
        return fetch(input, init);
      },
    });
    await expect(verifier.verify(client.access_token)).resolves.toMatchObject({ type: 'client', clientId: 'm2m' });
    expect(fetched).toEqual([
      `${provider.issuer}/.well-known/oauth-authorization-server`,
      provider.metadata.jwks_uri,
    ]);
  });

  it('passes strict mode (RFC 9068 profile: typ at+jwt, iss exp aud sub client_id iat jti)', async () => {
    const verifier = createVerifier({ issuer: provider.issuer, audience: API_AUDIENCE, strict: true });
    await expect(verifier.verify(client.access_token)).resolves.toMatchObject({ format: 'jwt', type: 'client', subject: 'm2m', clientId: 'm2m' });
    await expect(verifier.verify(user.tokens.access_token)).resolves.toMatchObject({ type: 'user', subject: 'alice', clientId: 'web' });
    await expect(verifier.verify(refreshedAccessToken())).resolves.toMatchObject({ type: 'user', subject: 'alice' });
  });

  it('refuses the ID token as an access token (aud is the client, no at+jwt typ)', async () => {
    const verifier = createVerifier({ issuer: provider.issuer, audience: API_AUDIENCE });
    const error = await verifier.verify(user.tokens.id_token ?? '').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenGateError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('reported no server errors', () => {
    expect(provider.serverErrors).toEqual([]);
  });
});

describe.each(ADAPTERS)('%s example API with oidc-provider', (adapter) => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi(adapter, { issuer: provider.issuer, audience: API_AUDIENCE });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('accepts the client_credentials token where any token type is allowed', async () => {
    const me = await callApi(api.url, 'GET', '/v1/me', client.access_token);
    expect(me).toMatchObject({ status: 200, body: { type: 'client', subject: 'm2m', clientId: 'm2m', scopes: ['read:font:data'] } });
    expect((await callApi(api.url, 'GET', '/v1/publisher/jobs', client.access_token)).status).toBe(200);
    expect(await callApi(api.url, 'POST', '/v1/publisher/jobs', client.access_token)).toMatchObject({ status: 202, body: { submittedBy: 'm2m' } });
    expect((await callApi(api.url, 'GET', '/v1/fonts/f-1', client.access_token)).status).toBe(200);
  });

  it('refuses the client_credentials token on user-only routes with 403 invalid_token_type', async () => {
    const templates = await callApi(api.url, 'GET', '/v1/file/templates', client.access_token);
    expect(templates.status).toBe(403);
    expect(templates.body).toMatchObject({
      error: 'invalid_token_type',
      error_description: USER_REQUIRED,
      detail: USER_REQUIRED,
      required_token_type: 'user',
      token_type: 'client',
    });
    expect(templates.challenge).toBe(bearerChallenge('invalid_token_type', USER_REQUIRED));
    expect(await callApi(api.url, 'POST', '/v1/kits', client.access_token)).toMatchObject({ status: 403, body: { error: 'invalid_token_type' } });
  });

  it('accepts the authorization_code user token on user routes', async () => {
    const me = await callApi(api.url, 'GET', '/v1/me', user.tokens.access_token);
    expect(me).toMatchObject({ status: 200, body: { type: 'user', subject: 'alice', clientId: 'web' } });
    expect([...(me.body.scopes as string[])].sort()).toEqual(['create:webfonts:kit', 'openid', 'read:font:data']);
    expect(await callApi(api.url, 'GET', '/v1/file/templates', user.tokens.access_token)).toMatchObject({ status: 200, body: { owner: 'alice' } });
    expect(await callApi(api.url, 'POST', '/v1/kits', user.tokens.access_token)).toMatchObject({ status: 201, body: { owner: 'alice' } });
    expect((await callApi(api.url, 'GET', '/v1/fonts/f-1', user.tokens.access_token)).status).toBe(200);
  });

  it('refuses POST /v1/kits to a user token without create:webfonts:kit (403 insufficient_scope)', async () => {
    expect(await callApi(api.url, 'GET', '/v1/me', narrowUser.tokens.access_token)).toMatchObject({ status: 200, body: { type: 'user', subject: 'bob' } });
    const kits = await callApi(api.url, 'POST', '/v1/kits', narrowUser.tokens.access_token);
    expect(kits).toMatchObject({ status: 403, body: { error: 'insufficient_scope', missing_scopes: ['create:webfonts:kit'] } });
    expect(kits.challenge).toContain('scope="create:webfonts:kit"');
  });

  it('accepts the access token from the refresh_token grant as a user token', async () => {
    expect(await callApi(api.url, 'GET', '/v1/me', refreshedAccessToken())).toMatchObject({ status: 200, body: { type: 'user', subject: 'alice', clientId: 'web' } });
    expect((await callApi(api.url, 'GET', '/v1/file/templates', refreshedAccessToken())).status).toBe(200);
  });

  it('answers 401 to no token, an ID token and a tampered token', async () => {
    const none = await callApi(api.url, 'GET', '/v1/me');
    expect(none.status).toBe(401);
    expect(none.challenge).toBe(BARE_CHALLENGE);
    const idToken = await callApi(api.url, 'GET', '/v1/me', user.tokens.id_token);
    expect(idToken).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    const [header, payload, signature = ''] = client.access_token.split('.');
    const flipped = `${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const tampered = await callApi(api.url, 'GET', '/v1/me', `${header}.${payload}.${flipped}`);
    expect(tampered).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });
});
