import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nowSeconds, rejectionOf } from '@tokengate/test-support';
import type { TestIssuer } from '../src/index.js';
import { createForeignKey, createTestIssuer } from '../src/index.js';
import { getJson } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ path: '/realm' });
});
afterEach(() => {
  issuer.faults.reset();
  issuer.resetCounts();
});
afterAll(() => issuer.close());

const formEncode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

interface CallOptions {
  auth?: 'basic' | 'post' | 'none';
  clientId?: string;
  clientSecret?: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  on?: TestIssuer;
}

/** POSTs to the introspection endpoint, authenticated as the registered client unless told otherwise. */
async function post(token: string | undefined, options: CallOptions = {}) {
  const target = options.on ?? issuer;
  const { clientId, clientSecret } = { ...target.introspectionClient, ...pick(options) };
  const form = new URLSearchParams(token === undefined ? {} : { token, token_type_hint: 'access_token' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  const auth = options.auth ?? 'basic';
  if (auth === 'basic') headers.authorization = basic(clientId, clientSecret);
  if (auth === 'post') {
    form.set('client_id', clientId);
    form.set('client_secret', clientSecret);
  }
  for (const [name, value] of Object.entries(options.form ?? {})) form.set(name, value);
  const response = await fetch(target.introspectionEndpoint, { method: 'POST', headers, body: form.toString() });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body: body as Record<string, unknown> };
}

function pick(options: CallOptions): Partial<{ clientId: string; clientSecret: string }> {
  return {
    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
  };
}

describe('the issuer', () => {
  it('exposes the endpoint and a registered client, advertised in the metadata', async () => {
    expect(issuer.introspectionEndpoint).toBe(`${issuer.issuer}/introspect`);
    expect(issuer.introspectionClient.clientId).toBe('test-resource-server');
    expect(issuer.introspectionClient.clientSecret.length).toBeGreaterThanOrEqual(32);
    const metadata = (await getJson(issuer.oauthMetadataUrl)).body as Record<string, unknown>;
    expect(metadata.introspection_endpoint).toBe(issuer.introspectionEndpoint);
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post']);
  });

  it('gives every issuer its own random secret unless one is configured', async () => {
    const other = await createTestIssuer({ introspectionClient: { clientSecret: 'fixed-secret' } });
    try {
      expect(other.introspectionClient).toEqual({ clientId: 'test-resource-server', clientSecret: 'fixed-secret' });
      const third = await createTestIssuer({ introspectionClient: { clientId: 'api-1' } });
      expect(third.introspectionClient.clientId).toBe('api-1');
      expect(third.introspectionClient.clientSecret).not.toBe(issuer.introspectionClient.clientSecret);
      await third.close();
    } finally {
      await other.close();
    }
  });

  it('rejects bad introspection options with a TypeError', async () => {
    await expect(createTestIssuer({ introspectionClient: { clientId: '' } })).rejects.toThrow(TypeError);
    await expect(createTestIssuer({ introspectionClient: 'x' as never })).rejects.toThrow(/introspectionClient/);
    await expect(createTestIssuer({ introspectionAuthMethods: [] })).rejects.toThrow(/non-empty/);
    await expect(createTestIssuer({ introspectionAuthMethods: ['private_key_jwt' as never] })).rejects.toThrow(/Unsupported client authentication/);
  });
});

describe('mintOpaqueToken', () => {
  it('mints a UUID whose introspection looks like an authorization_code user token', async () => {
    const token = await issuer.mintOpaqueToken({ scopes: ['openid', 'profile', 'file'] });
    expect(token).toMatch(UUID);
    const { status, body, headers } = await post(token);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      active: true,
      client_id: 'test-client',
      token_type: 'Bearer',
      grant_type: 'authorization_code',
      auth_type: 'user',
      scope: 'openid profile file',
      sub: 'user-123',
      exp: expect.any(Number),
      iat: expect.any(Number),
      iss: issuer.issuer,
      aud: issuer.audience,
    });
    expect(Math.abs((body.iat as number) - nowSeconds())).toBeLessThanOrEqual(2);
    expect((body.exp as number) - (body.iat as number)).toBe(3600);
  });

  it('mints client-credentials tokens without sub', async () => {
    const { body } = await post(await issuer.mintOpaqueToken({ grantType: 'client_credentials', clientId: 'billing', scopes: ['webhook'] }));
    expect(body).toMatchObject({ active: true, client_id: 'billing', grant_type: 'client_credentials', auth_type: 'client', scope: 'webhook' });
    expect(body).not.toHaveProperty('sub');
  });

  it('keeps the user of refresh_token grants', async () => {
    const { body } = await post(await issuer.mintOpaqueToken({ grantType: 'refresh_token', sub: 'alice' }));
    expect(body).toMatchObject({ active: true, grant_type: 'refresh_token', auth_type: 'user', sub: 'alice' });
  });

  it('applies every option', async () => {
    const { body } = await post(
      await issuer.mintOpaqueToken({
        sub: null,
        authType: null,
        audience: ['a', 'b'],
        expiresIn: null,
        claims: { username: 'bob', iss: undefined, extra: { nested: true } },
      }),
    );
    expect(body).toEqual({
      active: true,
      client_id: 'test-client',
      token_type: 'Bearer',
      grant_type: 'authorization_code',
      iat: expect.any(Number),
      aud: ['a', 'b'],
      username: 'bob',
      extra: { nested: true },
    });
    expect((await post(await issuer.mintOpaqueToken({ audience: null, expiresIn: 60, authType: 'client' }))).body).toMatchObject({
      auth_type: 'client',
      exp: expect.any(Number),
    });
  });

  it('rejects an unknown grant type', async () => {
    await expect(issuer.mintOpaqueToken({ grantType: 'password' as never })).rejects.toThrow(TypeError);
  });
});

describe('active: false', () => {
  it('for unknown tokens', async () => {
    expect((await post('dba896fe-8f14-46bd-89ac-4270091e9db1')).body).toEqual({ active: false });
  });

  it('for expired tokens and tokens not yet valid', async () => {
    expect((await post(await issuer.mintOpaqueToken({ expiresIn: -1 }))).body).toEqual({ active: false });
    expect((await post(await issuer.mintOpaqueToken({ claims: { nbf: nowSeconds() + 60 } }))).body).toEqual({ active: false });
  });

  it('for revoked tokens, from the moment they are revoked', async () => {
    const token = await issuer.mintOpaqueToken();
    expect((await post(token)).body.active).toBe(true);
    issuer.revoke(token);
    expect((await post(token)).body).toEqual({ active: false });
  });
});

describe('JWTs of the issuer', () => {
  it('are introspected with their claims', async () => {
    const token = await issuer.mintUserToken({ sub: 'alice', scopes: ['read'] });
    expect((await post(token)).body).toMatchObject({ active: true, token_type: 'Bearer', sub: 'alice', scope: 'read', iss: issuer.issuer });
  });

  it('are inactive when revoked, expired or signed by another key', async () => {
    const revoked = await issuer.mintUserToken();
    issuer.revoke(revoked);
    expect((await post(revoked)).body).toEqual({ active: false });
    expect((await post(await issuer.mintUserToken({ expiresIn: -10 }))).body).toEqual({ active: false });
    const foreign = await createForeignKey();
    expect((await post(await issuer.mintUserToken({ signingKey: foreign }))).body).toEqual({ active: false });
    expect((await post(issuer.mintUnsignedToken({ iss: issuer.issuer, sub: 'x' }))).body).toEqual({ active: false });
  });

  it('a revoked JWT stays revoked under another spelling of its signature', async () => {
    const revoked = await issuer.mintUserToken();
    issuer.revoke(revoked);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(revoked.charAt(revoked.length - 1));
    // RS256: 342 signature characters, the last with 4 unused bits that lenient decoders ignore.
    const twin = revoked.slice(0, -1) + alphabet.charAt(last | 0x0f);
    expect(twin).not.toBe(revoked);
    expect((await post(twin)).body).toEqual({ active: false });
  });
});

describe('client authentication', () => {
  it('accepts client_secret_basic and client_secret_post', async () => {
    const token = await issuer.mintOpaqueToken();
    expect((await post(token, { auth: 'basic' })).body.active).toBe(true);
    expect((await post(token, { auth: 'post' })).body.active).toBe(true);
  });

  it('refuses a wrong secret, an unknown client and no authentication with 401 invalid_client', async () => {
    const token = await issuer.mintOpaqueToken();
    for (const options of [
      { auth: 'basic', clientSecret: 'wrong' },
      { auth: 'post', clientSecret: 'wrong' },
      { auth: 'basic', clientId: 'someone-else' },
      { auth: 'none' },
      { auth: 'none', headers: { authorization: 'Basic !!!' } },
      { auth: 'none', headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } },
      { auth: 'none', headers: { authorization: 'Bearer abc' } },
    ] satisfies CallOptions[]) {
      const { status, body, headers } = await post(token, options);
      expect(status, JSON.stringify(options)).toBe(401);
      expect(body.error).toBe('invalid_client');
      expect(headers.get('www-authenticate')).toBe('Basic realm="introspection"');
    }
  });

  it('form-decodes Basic credentials (RFC 6749 §2.3.1)', async () => {
    const special = await createTestIssuer({ introspectionClient: { clientId: 'api:1', clientSecret: 'p@ss:w+rd /é%' } });
    try {
      const token = await special.mintOpaqueToken();
      expect((await post(token, { on: special })).body.active).toBe(true);
      expect((await post(token, { on: special, auth: 'post' })).body.active).toBe(true);
      const raw = `Basic ${Buffer.from('api:1:p@ss:w+rd /é%').toString('base64')}`;
      expect((await post(token, { on: special, auth: 'none', headers: { authorization: raw } })).status).toBe(401);
    } finally {
      await special.close();
    }
  });

  it('accepts only the configured methods', async () => {
    const postOnly = await createTestIssuer({ introspectionAuthMethods: ['client_secret_post'] });
    try {
      const token = await postOnly.mintOpaqueToken();
      expect((await post(token, { on: postOnly, auth: 'post' })).body.active).toBe(true);
      expect((await post(token, { on: postOnly, auth: 'basic' })).status).toBe(401);
      expect(((await getJson(postOnly.openidConfigurationUrl)).body as Record<string, unknown>).introspection_endpoint_auth_methods_supported).toEqual([
        'client_secret_post',
      ]);
    } finally {
      await postOnly.close();
    }
  });

  it('refuses two authentication methods at once with 400 invalid_request', async () => {
    const { status, body } = await post(await issuer.mintOpaqueToken(), { form: { client_secret: issuer.introspectionClient.clientSecret } });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });
});

describe('requests', () => {
  it('need a form body with a token', async () => {
    expect(await post(undefined)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const json = await post(await issuer.mintOpaqueToken(), { headers: { 'content-type': 'application/json' } });
    expect(json).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const charset = await post(await issuer.mintOpaqueToken(), { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' } });
    expect(charset.body.active).toBe(true);
  });

  it('accept POST only, and refuse bodies over 64 KiB with 413', async () => {
    const get = await fetch(issuer.introspectionEndpoint);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const huge = await post(await issuer.mintOpaqueToken(), { form: { padding: 'x'.repeat(70_000) } });
    expect(huge.status).toBe(413);
  });

  it('are counted in fetchCounts.introspection, whatever the answer', async () => {
    await post(await issuer.mintOpaqueToken());
    await post('unknown', { clientSecret: 'wrong' });
    await fetch(issuer.introspectionEndpoint);
    expect(issuer.fetchCounts).toEqual({ jwks: 0, discovery: 0, oauthMetadata: 0, openidConfiguration: 0, introspection: 3 });
  });
});

describe('fault switches', () => {
  it('down resets the connection', async () => {
    issuer.faults.down = true;
    expect((await rejectionOf(post(await issuer.mintOpaqueToken()))).message).toBe('fetch failed');
    expect(issuer.fetchCounts.introspection).toBe(1);
  });

  it('slowMs delays the answer', async () => {
    issuer.faults.slowMs = 250;
    const started = Date.now();
    expect((await post(await issuer.mintOpaqueToken())).body.active).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(230);
  });

  it('status, garbage and redirectLoop replace the answer', async () => {
    const token = await issuer.mintOpaqueToken();
    issuer.faults.status = 500;
    expect(await post(token)).toMatchObject({ status: 500, body: { error: 'injected_fault', status: 500 } });
    issuer.faults.reset();
    issuer.faults.garbage = true;
    const garbage = await post(token);
    expect(garbage.status).toBe(200);
    expect(() => JSON.parse(garbage.body as unknown as string)).toThrow(SyntaxError);
    issuer.faults.reset();
    issuer.faults.redirectLoop = true;
    const redirect = await fetch(issuer.introspectionEndpoint, { method: 'POST', redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(issuer.introspectionEndpoint);
  });

  it('introspectionBody answers every introspection request with exactly that body', async () => {
    issuer.faults.introspectionBody = '{"active":"yes"}';
    expect(await post(await issuer.mintOpaqueToken(), { clientSecret: 'wrong' })).toMatchObject({ status: 200, body: { active: 'yes' } });
    expect((await getJson(issuer.jwksUri)).body).toEqual(issuer.jwks());
  });
});
