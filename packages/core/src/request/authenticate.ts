/**
 * From a request to a verified token: extract (RFC 6750 §2, RFC 9449 §7.1), then check. A request
 * without any credentials is `missing_token`, or `undefined` for the optional form (and then not
 * reported).
 */
import { isTokenGateError, type TokenGateError } from '../errors/error.js';
import type { FailureReporter } from '../errors/report.js';
import type { AccessToken } from '../token/types.js';
import type { RequestContext } from './context.js';
import { extractCredentials, type Credentials, type ExtractOptions } from './extract.js';

/** What `authenticateOptional` resolves for a request without credentials: one shared promise. */
const NOBODY: Promise<undefined> = Promise.resolve(undefined);

/** `authenticate` and `authenticateOptional` of a verifier. */
export interface Authentication {
  authenticate(request: RequestContext): Promise<AccessToken>;
  authenticateOptional(request: RequestContext): Promise<AccessToken | undefined>;
}

/** Checks a request's credentials: verifies the token and its binding, reports its own failures. */
export type CheckCredentials = (credentials: Credentials, request: RequestContext) => Promise<AccessToken>;

function fromRequest(request: RequestContext, extraction: ExtractOptions, fail: FailureReporter): Credentials | TokenGateError {
  try {
    return extractCredentials(request, extraction);
  } catch (error) {
    return fail(error);
  }
}

/**
 * Build the request half of a verifier from its credential check and its failure reporter (for
 * extraction failures).
 * @example const { authenticate } = createAuthentication(extraction, check, fail);
 */
export function createAuthentication(extraction: ExtractOptions, check: CheckCredentials, fail: FailureReporter): Authentication {
  return {
    // Plain functions handing on the check's promise: no async frame of their own on the hot path.
    authenticate(request) {
      const credentials = fromRequest(request, extraction, fail);
      return isTokenGateError(credentials) ? Promise.reject(credentials) : check(credentials, request);
    },
    authenticateOptional(request) {
      let credentials: Credentials;
      try {
        credentials = extractCredentials(request, extraction);
      } catch (error) {
        return isTokenGateError(error) && error.code === 'missing_token' ? NOBODY : Promise.reject(fail(error));
      }
      return check(credentials, request);
    },
  };
}
