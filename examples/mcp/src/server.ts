/**
 * Run the MCP example against a local test issuer: prints the server URL, its metadata URL and a
 * token to try it with.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@tokengate/testing';
import { createVerifier } from '@tokengate/mcp';
import { createMcpApp } from './app.js';

const port = Number(process.env.PORT ?? 3001);
const resource = `http://127.0.0.1:${port}/mcp`;
const issuer = await createTestIssuer({ audience: resource });
const verifier = createVerifier({ issuer: issuer.issuer, resource, protectedResource: { scopesSupported: ['files:read'], resourceName: 'tokengate files' } });
const server = createServer(createMcpApp(verifier));
server.listen(port, '127.0.0.1', async () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`MCP server:   http://127.0.0.1:${bound}/mcp`);
  console.log(`Metadata:     http://127.0.0.1:${bound}/.well-known/oauth-protected-resource/mcp`);
  console.log(`Token (files:read): ${await issuer.mintUserToken({ scopes: ['files:read'] })}`);
});
