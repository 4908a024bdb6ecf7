import { createServer } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientScopeError, InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { calledTools, createTokenVerifier, createVerifier, mcpAuth, type McpRequest, type Verifier } from '@tokengate/mcp';
import { listen, type Running } from '../../../test/support/servers.js';

const RESOURCE = 'http://127.0.0.1/mcp';
let issuer: TestIssuer;
let verifier: Verifier;
let app: Running;

/**
 * The SDK's `requireBearerAuth`, loaded by a specifier the type checker does not follow: its module
 * types Express's `req.auth` as `AuthInfo`, which clashes with `@tokengate/express`'s `AccessToken`
 * in one program (a project using both should use `mcpAuth`).
 */
type BearerAuth = (options: { verifier: ReturnType<typeof createTokenVerifier> }) => express.RequestHandler;
const BEARER_AUTH = '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';

beforeAll(async () => {
  const { requireBearerAuth } = (await import(BEARER_AUTH)) as { requireBearerAuth: BearerAuth };
  issuer = await createTestIssuer({ audience: RESOURCE });
  verifier = createVerifier({ issuer: issuer.issuer, resource: RESOURCE });
  const server = express();
  const echo = (req: unknown, res: { json(body: unknown): void }) => res.json((req as McpRequest).auth ?? null);
  server.post('/mcp', express.json(), mcpAuth(verifier, { requiredScopes: ['mcp'], toolScopes: { read_file: ['files:read'] } }), echo);
  server.post('/sdk', requireBearerAuth({ verifier: createTokenVerifier(verifier) }), echo);
  app = await listen(createServer(server));
});

afterAll(async () => {
  await app.close();
  await issuer.close();
});

const post = (path: string, token: string | undefined, body: unknown) =>
  fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

describe('mcpAuth', () => {
  it("puts the SDK's AuthInfo on req.auth, the AccessToken under extra", async () => {
    const token = await issuer.mintUserToken({ sub: 'alice', clientId: 'desktop', scopes: ['mcp'] });
    const auth = (await (await post('/mcp', token, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).json()) as Record<string, unknown>;
    expect(auth).toMatchObject({ token, clientId: 'desktop', scopes: ['mcp'], resource: RESOURCE, expiresAt: expect.any(Number) });
    expect((auth.extra as { accessToken: { subject: string } }).accessToken.subject).toBe('alice');
  });

  it('requires the base scopes, and a called tool its own, naming them all', async () => {
    const token = await issuer.mintUserToken({ scopes: ['mcp'] });
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: {} } };
    const refused = await post('/mcp', token, call);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/scope="mcp files:read", resource_metadata="http:\/\/127\.0\.0\.1\/\.well-known\/oauth-protected-resource\/mcp"$/);
    expect((await post('/mcp', await issuer.mintUserToken({ scopes: ['mcp', 'files:read'] }), call)).status).toBe(200);
    expect((await post('/mcp', await issuer.mintUserToken({ scopes: ['files:read'] }), call)).status).toBe(403);
  });

  it('answers no token 401 with the metadata URL, as a problem', async () => {
    const response = await post('/mcp', undefined, {});
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api", resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp"');
  });
});

describe("createTokenVerifier inside the SDK's requireBearerAuth", () => {
  it('accepts a token for the resource and maps failures to the SDK errors', async () => {
    expect((await post('/sdk', await issuer.mintUserToken({ scopes: ['a'] }), {})).status).toBe(200);
    expect((await post('/sdk', await issuer.mintUserToken({ audience: 'http://127.0.0.1/other' }), {})).status).toBe(401);
    const tokenVerifier = createTokenVerifier(verifier);
    await expect(tokenVerifier.verifyAccessToken('not-a-token')).rejects.toBeInstanceOf(InvalidTokenError);
    // An issuer that cannot be reached is the server's failure (the SDK answers it 500), never a 401.
    const down = createTokenVerifier({ issuer: 'http://127.0.0.1:1/', resource: RESOURCE });
    await expect(down.verifyAccessToken(await issuer.mintUserToken({ issuer: 'http://127.0.0.1:1/' }))).rejects.toBeInstanceOf(ServerError);
    expect(new InsufficientScopeError('x')).toBeInstanceOf(Error);
  });
});

describe('calledTools', () => {
  it('reads tools/call names from a message or a batch, ignoring everything else', () => {
    expect(calledTools({ method: 'tools/call', params: { name: 'a' } })).toEqual(['a']);
    expect(calledTools([{ method: 'tools/call', params: { name: 'a' } }, { method: 'tools/list' }, { method: 'tools/call', params: { name: 'b' } }])).toEqual(['a', 'b']);
    for (const body of [undefined, null, 'x', 42, [], { method: 'tools/call' }, { method: 'tools/call', params: { name: 3 } }, { method: 'tools/call', params: null }]) {
      expect(calledTools(body)).toEqual([]);
    }
  });
});
