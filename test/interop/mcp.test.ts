/**
 * The MCP SDK's own client against the MCP example (`examples/mcp`) and oidc-provider: it starts
 * without a token, follows the 401's `resource_metadata` (RFC 9728), discovers the authorization
 * server, registers itself (RFC 7591), authorizes with PKCE S256 and a resource indicator
 * (RFC 8707), lists the tools and calls both. A token for another resource is 401; a token
 * without a tool's scope is 403 with the scope and the metadata URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createVerifier } from '@tokengate/mcp';
import { createMcpApp } from '../../examples/mcp/src/app.js';
import { listen, type Running } from '../support/servers.js';
import { authorizeInBrowser, clientCredentials } from './flows.js';
import { startProvider, type ProviderHarness } from './provider.js';

const CALLBACK = 'http://127.0.0.1/mcp-callback';

/** The client application's side of OAuth: what a desktop MCP client keeps, in memory. */
class MemoryOAuthProvider implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  readonly redirectUrl = CALLBACK;
  readonly clientMetadata: OAuthClientMetadata = {
    client_name: 'tokengate interop MCP client',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.client = information;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

let provider: ProviderHarness;
let mcp: Running;
let resource = '';

beforeAll(async () => {
  // The server listens first: its URL is the resource the provider and the verifier must know.
  const routing: { app?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  mcp = await listen(createServer((req, res) => (routing.app ? routing.app(req, res) : res.writeHead(503).end())));
  resource = `${mcp.url}/mcp`;
  provider = await startProvider({
    registration: true,
    scopes: ['files:read'],
    resources: () => ({ [resource]: { scope: 'files:read', audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } } }),
  });
  const verifier = createVerifier({ issuer: provider.issuer, resource, protectedResource: { scopesSupported: ['files:read'], resourceName: 'tokengate files' } });
  routing.app = createMcpApp(verifier);
}, 30_000);

afterAll(async () => {
  await mcp?.close();
  await provider?.close();
});

describe('the MCP SDK client, end to end', () => {
  it('discovers, registers, authorizes for the resource, lists the tools and calls both', async () => {
    const oauth = new MemoryOAuthProvider();
    const first = new Client({ name: 'interop', version: '1.0.0' });
    await expect(first.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: oauth }))).rejects.toThrow(/Unauthorized/);
    expect(oauth.client?.client_id).toEqual(expect.any(String));
    const authorization = oauth.authorizationUrl as URL;
    expect(authorization.searchParams.get('resource')).toBe(resource);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('scope')).toBe('files:read');

    const redirect = await authorizeInBrowser(authorization, 'alice', CALLBACK);
    const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: oauth });
    await transport.finishAuth(redirect.searchParams.get('code') as string);
    expect(oauth.saved?.access_token).toEqual(expect.any(String));

    const client = new Client({ name: 'interop', version: '1.0.0' });
    await client.connect(transport);
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name).sort()).toEqual(['read_file', 'whoami']);
    const whoami = (await client.callTool({ name: 'whoami', arguments: {} })) as { content: { text: string }[] };
    expect(JSON.parse(whoami.content[0]?.text ?? '{}')).toMatchObject({ subject: 'alice', clientId: oauth.client?.client_id, scopes: ['files:read'] });
    const file = (await client.callTool({ name: 'read_file', arguments: { name: 'notes.txt' } })) as { content: { text: string }[] };
    expect(file.content[0]?.text).toBe('The contents of notes.txt');
    await client.close();
    expect(provider.serverErrors).toEqual([]);
  });

  it('refuses a token issued for another resource with 401', async () => {
    const other = await clientCredentials(provider, 'read:font:data');
    const response = await fetch(resource, { method: 'POST', headers: { authorization: `Bearer ${other.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(`resource_metadata="${mcp.url}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('answers a tool call without the tool scope 403 with the scope and the metadata URL', async () => {
    const token = await issueWithoutScope();
    const call = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'read_file', arguments: { name: 'x' } } };
    const response = await fetch(resource, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(call) });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="api", error="insufficient_scope", error_description="The provided token does not have correct permissions to access this resource", scope="files:read", resource_metadata="${mcp.url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });
});

/** A token for the MCP resource without `files:read`: the SDK client's flow, asking for `openid` only. */
async function issueWithoutScope(): Promise<string> {
  const oauth = new MemoryOAuthProvider();
  const metadata = await (await fetch(`${mcp.url}/.well-known/oauth-protected-resource/mcp`)).json();
  expect(metadata).toMatchObject({ resource, authorization_servers: [provider.issuer] });
  const { auth } = await import('@modelcontextprotocol/sdk/client/auth.js');
  await auth(oauth, { serverUrl: resource, scope: 'openid' });
  const redirect = await authorizeInBrowser(oauth.authorizationUrl as URL, 'bob', CALLBACK);
  await auth(oauth, { serverUrl: resource, scope: 'openid', authorizationCode: redirect.searchParams.get('code') as string });
  return oauth.saved?.access_token as string;
}
