/**
 * tokengate as the MCP SDK's `OAuthTokenVerifier`, for servers that keep the SDK's
 * `requireBearerAuth` (prefer `mcpAuth`: it keeps tokengate's challenges and problem bodies).
 */
import { InsufficientScopeError, InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { isTokenGateError, type Verifier, type VerifierOptions } from '@tokengate/core';
import { toAuthInfo } from './auth-info.js';
import { kit } from './kit.js';

/** The SDK's error for a tokengate failure, so `requireBearerAuth` answers with the right status. */
function sdkError(error: unknown): Error {
  if (!isTokenGateError(error)) return new ServerError('The access token could not be checked');
  if (error.status === 403) return new InsufficientScopeError(error.description);
  // The SDK answers any other OAuthError 400: an outage (503 here) is closest to its 500.
  if (error.status >= 500) return new ServerError(error.description);
  return new InvalidTokenError(error.description);
}

/**
 * An `OAuthTokenVerifier` that verifies with tokengate (issuer, audience or `resource`, keys or
 * introspection) and resolves the SDK's `AuthInfo`.
 * @example requireBearerAuth({ verifier: createTokenVerifier({ issuer, resource: 'https://api.example.com/mcp' }) })
 */
export function createTokenVerifier(source: VerifierOptions | Verifier): OAuthTokenVerifier & { readonly verifier: Verifier } {
  const verifier = kit.verifier(source);
  const resource = verifier.options.resource?.resource;
  return {
    verifier,
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      try {
        return toAuthInfo(await verifier.verify(token), resource);
      } catch (error) {
        throw sdkError(error);
      }
    },
  };
}
