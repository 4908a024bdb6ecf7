/**
 * A tokengate `AccessToken` in the shape the MCP SDK hands to tool handlers (`extra.authInfo`).
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AccessToken } from '@tokengate/core';

/**
 * The SDK's `AuthInfo` of a verified token: `clientId` (the token's client, else its subject),
 * the scopes as issued, `expiresAt` in seconds, the `resource` the token was checked against, and
 * the `AccessToken` itself as `extra.accessToken`.
 * @example toAuthInfo(token, 'https://api.example.com/mcp').extra?.accessToken === token
 */
export function toAuthInfo(token: AccessToken, resource: string | undefined): AuthInfo {
  const expiresAt = token.expiresAt === undefined ? undefined : Math.floor(token.expiresAt.getTime() / 1000);
  return {
    token: token.token,
    clientId: token.clientId ?? token.subject ?? '',
    scopes: [...token.scopes],
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(resource === undefined ? {} : { resource: new URL(resource) }),
    extra: { accessToken: token, subject: token.subject, type: token.type },
  };
}
