/**
 * From a request to a verified token: extract (RFC 6750 §2), then verify. A request without
 * any credentials is `missing_token`, or `undefined` for the optional form (and then not reported).
 */
import { isTokenGateError, type TokenGateError } from '../errors/error.js';
import type { AccessToken, RequestLike } from '../token/types.js';
import { extractToken, type ExtractOptions } from './extract.js';

/** What `authenticateOptional` resolves for a request without credentials: one shared promise. */
const NOBODY: Promise<undefined> = Promise.resolve(undefined);

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
    // Plain functions handing on `verify`'s promise: no async frame of their own on the hot path.
    authenticate(request) {
      let token: string;
      try {
        token = extractToken(request, extraction);
      } catch (error) {
        return Promise.reject(fail(error));
      }
      return verify(token);
    },
    authenticateOptional(request) {
      let token: string;
      try {
        token = extractToken(request, extraction);
      } catch (error) {
        return isTokenGateError(error) && error.code === 'missing_token' ? NOBODY : Promise.reject(fail(error));
      }
      return verify(token);
    },
  };
}
