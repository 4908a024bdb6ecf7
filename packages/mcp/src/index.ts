/**
 * `@tokengate/mcp`: OAuth 2.0 for MCP servers. `mcpAuth` replaces the SDK's `requireBearerAuth`
 * with tokengate's verification (audience bound to the server's `resource`), RFC 9728 challenges
 * and problem bodies; `protectedResourceMetadata` serves the metadata clients discover;
 * `createTokenVerifier` is tokengate as the SDK's `OAuthTokenVerifier`.
 * @example
 * const verifier = createVerifier({ issuer: 'https://auth.example.com/', resource: 'https://api.example.com/mcp' });
 * app.use(protectedResourceMetadata(verifier));
 * app.post('/mcp', mcpAuth(verifier), handleMcp);
 * @packageDocumentation
 */
export { mcpAuth, protectedResourceMetadata, type McpAuthOptions, type McpRequest, type NodeMiddleware } from './middleware.js';
export { createTokenVerifier } from './token-verifier.js';
export { toAuthInfo } from './auth-info.js';
export { calledTools, type ToolScopes } from './tool-scopes.js';
export { createVerifier, isTokenGateError, TokenGateError } from '@tokengate/core';
export type { AccessToken, Verifier, VerifierOptions } from '@tokengate/core';
