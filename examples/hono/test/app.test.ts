/**
 * The Hono example over real HTTP (@hono/node-server on 127.0.0.1) with tokens from a local
 * issuer: every route of the table, the answers of the route policy, and the same requests
 * through `app.request()` (no server: how Hono apps are tested, and how Workers call them).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { bearerChallenge, INSUFFICIENT_SCOPE, NO_ROUTE_RULE, USER_REQUIRED } from '@tokengate/test-support';
import { createApp } from '../src/app.js';

type TokenName = 'none' | 'user' | 'userReadOnly' | 'client' | 'clientNoFontScope' | 'expired';

let issuer: TestIssuer;
let server: Server;
let base: string;
let app: ReturnType<typeof createApp>;
const tokens = {} as Record<TokenName, string | undefined>;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://api.example.test' });
  app = createApp({ issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri });
  server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tokens.none = undefined;
  tokens.user = await issuer.mintUserToken({ sub: 'alice', clientId: 'font-manager-web', scopes: ['read:font:data', 'create:webfonts:kit'] });
  tokens.userReadOnly = await issuer.mintUserToken({ sub: 'bob', clientId: 'font-manager-web', scopes: ['read:font:data'] });
  tokens.client = await issuer.mintClientToken({ clientId: 'publisher-service', scopes: ['read:font:data'] });
  tokens.clientNoFontScope = await issuer.mintClientToken({ clientId: 'converter-service', scopes: ['publisher'] });
  tokens.expired = await issuer.mintUserToken({ expiresIn: -120 });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  await issuer?.close();
});

function init(method: string, token: TokenName): RequestInit {
  const bearer = tokens[token];
  return { method, headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } };
}

// [method, path, token, status, `error` (failures), body (successes)]
const table: Array<[string, string, TokenName, number, string?, Record<string, unknown>?]> = [
  ['GET', '/health', 'none', 200, undefined, { status: 'ok' }],
  ['GET', '/v1/me', 'none', 401],
  ['GET', '/v1/me', 'user', 200, undefined, { type: 'user', subject: 'alice', clientId: 'font-manager-web', scopes: ['read:font:data', 'create:webfonts:kit'] }],
  ['GET', '/v1/me', 'client', 200, undefined, { type: 'client', subject: 'publisher-service', clientId: 'publisher-service', scopes: ['read:font:data'] }],
  ['GET', '/v1/me', 'expired', 401, 'invalid_token'],
  ['GET', '/v1/file/templates', 'user', 200, undefined, { owner: 'alice', templates: [{ id: 'tpl-1', name: 'Invoice' }] }],
  ['GET', '/v1/file/templates', 'client', 403, 'invalid_token_type'],
  ['GET', '/v1/publisher/jobs', 'client', 200, undefined, { jobs: [{ id: 'job-1', status: 'done' }] }],
  ['POST', '/v1/publisher/jobs', 'client', 202, undefined, { id: 'job-2', status: 'queued', submittedBy: 'publisher-service' }],
  ['GET', '/v1/fonts/42', 'client', 200, undefined, { id: '42', family: 'Helvetica Now', format: 'woff2' }],
  ['GET', '/v1/fonts/42', 'clientNoFontScope', 403, 'insufficient_scope'],
  ['POST', '/v1/kits', 'user', 201, undefined, { id: 'kit-1', owner: 'alice' }],
  ['POST', '/v1/kits', 'userReadOnly', 403, 'insufficient_scope'],
  ['POST', '/v1/kits', 'client', 403, 'invalid_token_type'],
  // No row: denied before any token is read, whether or not Hono has a route.
  ['GET', '/v1/billing/invoices', 'none', 403, 'access_denied'],
  ['GET', '/v1/billing/invoices', 'user', 403, 'access_denied'],
];

describe('the Hono example', () => {
  it.each(table)('%s %s with %s token → %i %s', async (method, path, token, status, error, body) => {
    for (const response of [await fetch(`${base}${path}`, init(method, token)), await app.request(path, init(method, token))]) {
      expect(response.status).toBe(status);
      const json = (await response.json()) as Record<string, unknown>;
      if (status < 400) expect(json).toEqual(body);
      else expect(json.error).toBe(error);
    }
  });

  it('says what is wrong in the challenge and the problem', async () => {
    const type = await fetch(`${base}/v1/file/templates`, init('GET', 'client'));
    expect(type.headers.get('www-authenticate')).toBe(bearerChallenge('invalid_token_type', USER_REQUIRED));
    expect(type.headers.get('content-type')).toBe('application/problem+json');
    const scope = await fetch(`${base}/v1/kits`, init('POST', 'userReadOnly'));
    expect(scope.headers.get('www-authenticate')).toBe(bearerChallenge('insufficient_scope', INSUFFICIENT_SCOPE, { scope: 'create:webfonts:kit' }));
    expect(await scope.json()).toMatchObject({ missing_scopes: ['create:webfonts:kit'] });
    expect(await (await fetch(`${base}/v1/kits`, init('POST', 'client'))).json()).toMatchObject({ detail: USER_REQUIRED });
    expect(await (await fetch(`${base}/v1/billing/invoices`)).json()).toMatchObject({ detail: NO_ROUTE_RULE });
  });
});
