/**
 * What any token must be before a step looks at it: a non-empty string of acceptable size.
 */
import { TokenGateError } from '../errors/error.js';

/**
 * The token, or a `TokenGateError`: `invalid_request` when absent, `invalid_token` when longer than `maxTokenLength`.
 * @example checkTokenInput(token, 8192)
 */
export function checkTokenInput(token: unknown, maxTokenLength: number): string {
  if (typeof token !== 'string' || token === '') throw new TokenGateError('invalid_request', 'No access token was given');
  if (token.length > maxTokenLength) throw new TokenGateError('invalid_token', 'Access token is too large');
  return token;
}
