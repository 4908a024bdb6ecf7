/**
 * Step-up authentication (RFC 9470): a route may require the user to have authenticated with
 * one of some authentication context classes (`acr`) or recently enough (`auth_time`). A token
 * without the claim never satisfies a requirement on it. The 401 `insufficient_user_authentication`
 * challenge says what to ask the authorization server for (`acr_values`, `max_age`).
 */
import { TokenGateError } from '../errors/error.js';
import { readClaim } from './claims.js';
import { verificationContext } from '../token/verification-context.js';
import type { AccessToken } from '../token/types.js';

/** What a route requires of the user's authentication. */
export interface AuthenticationRequirement {
  /** Acceptable `acr` values; empty: any. */
  readonly acr: readonly string[];
  /** Most seconds since `auth_time`; `undefined`: any. */
  readonly maxAge: number | undefined;
}

const WEAK = 'The request requires a stronger or more recent authentication of the user';

function insufficient(requirement: AuthenticationRequirement, detail: string): TokenGateError {
  return new TokenGateError('insufficient_user_authentication', `${WEAK}: ${detail}`, {
    stepUp: { acrValues: requirement.acr.length > 0 ? requirement.acr : undefined, maxAge: requirement.maxAge },
    extensions: {
      ...(requirement.acr.length > 0 ? { acr_values: requirement.acr.join(' ') } : {}),
      ...(requirement.maxAge === undefined ? {} : { max_age: requirement.maxAge }),
    },
  });
}

/**
 * Throw unless the token's `acr` is one of `requirement.acr` and its `auth_time` is within
 * `requirement.maxAge` seconds (by the verifier's clock and tolerance).
 * @throws TokenGateError `insufficient_user_authentication` (401).
 * @example assertAuthentication(token, { acr: ['urn:example:mfa'], maxAge: 300 })
 */
export function assertAuthentication(token: AccessToken, requirement: AuthenticationRequirement): void {
  if (requirement.acr.length > 0) {
    const acr = readClaim(token.claims, 'acr');
    if (typeof acr !== 'string' || !requirement.acr.includes(acr)) throw insufficient(requirement, 'the authentication context class is not one this route accepts');
  }
  if (requirement.maxAge !== undefined) {
    const authTime = readClaim(token.claims, 'auth_time');
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) throw insufficient(requirement, 'the token does not say when the user authenticated');
    const { clock, clockTolerance } = verificationContext(token);
    if (clock() / 1000 - authTime - clockTolerance > requirement.maxAge) throw insufficient(requirement, 'the user authenticated too long ago');
  }
}
