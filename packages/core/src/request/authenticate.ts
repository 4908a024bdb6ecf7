/**
 * From a request to a verified token: extract (RFC 6750 §2), then verify. A request without
 * any credentials is `missing_token`, or `undefined` for the optional form (and then not reported).
 */
import { isTokenGateError, type TokenGateError } from '../errors/error.js';
import type { AccessToken, RequestLike } from '../token/types.js';
import { extractToken, type ExtractOptions } from './extract.js';

/** `authenticate` and `authenticateOptional` of a verifier. */
export interface Authentication {
  authenticate(request: RequestLike): Promise<AccessToken>;
  authenticateOptional(request: RequestLike): Promise<AccessToken | undefined>;
}

/**
 * Build the request half of a verifier from its `verify` (which reports its own failures) and
 * its failure reporter (for extraction failures).
 * @example const { authenticate } = createAuthentication(extraction, verify, fail);
 */
export function createAuthentication(extraction: ExtractOptions, verify: (token: string) => Promise<AccessToken>, fail: (error: unknown) => TokenGateError): Authentication {
  return {
    async authenticate(request) {
      let token: string;
      try {
        token = extractToken(request, extraction);
      } catch (error) {
        throw fail(error);
      }
      return verify(token);
    },
    async authenticateOptional(request) {
      let token: string;
      try {
        token = extractToken(request, extraction);
      } catch (error) {
        if (isTokenGateError(error) && error.code === 'missing_token') return undefined;
        throw fail(error);
      }
      return verify(token);
    },
  };
}
