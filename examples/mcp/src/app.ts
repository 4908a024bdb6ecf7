/**
 * An MCP server over Streamable HTTP (stateless), protected by tokengate: the metadata clients
 * discover (RFC 9728), `mcpAuth` in front of `/mcp` (tokens for this server's URL only), and a
 * tool that needs the `files:read` scope.
 */
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { mcpAuth, protectedResourceMetadata, type McpRequest, type Verifier } from '@tokengate/mcp';

/** The tools: `whoami` for any token, `read_file` for tokens with `files:read`. */
function filesServer(): McpServer {
  const server = new McpServer({ name: 'tokengate-files', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who the access token speaks for' }, async (extra) => {
    const auth = extra.authInfo;
    return { content: [{ type: 'text', text: JSON.stringify({ subject: auth?.extra?.subject ?? null, clientId: auth?.clientId ?? null, scopes: auth?.scopes ?? [] }) }] };
  });
  server.registerTool('read_file', { description: 'Read a file (needs files:read)', inputSchema: { name: z.string() } }, async ({ name }) => ({
    content: [{ type: 'text', text: `The contents of ${name}` }],
  }));
  return server;
}

/**
 * The Express app of the MCP server. `verifier` is created with the server's `resource` (its
 * public URL, e.g. `https://api.example.com/mcp`), so only tokens issued for it are accepted.
 * @example app = createMcpApp(createVerifier({ issuer, resource: 'https://api.example.com/mcp' }));
 */
export function createMcpApp(verifier: Verifier): express.Express {
  const app = express();
  app.use(protectedResourceMetadata(verifier));
  app.post('/mcp', express.json(), mcpAuth(verifier, { toolScopes: { read_file: ['files:read'] } }), async (req, res) => {
    const server = filesServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req as McpRequest, res, req.body);
  });
  // Stateless: no server-initiated stream, no session to end.
  app.all('/mcp', mcpAuth(verifier), (_req, res) => void res.status(405).set('Allow', 'POST').end());
  return app;
}
