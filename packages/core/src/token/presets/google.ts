/**
 * Google service-account JWTs, as an API behind Cloud Endpoints receives them. Follows "Service
 * account authentication" (cloud.google.com/endpoints): the issuer (and `sub`) is the service
 * account's e-mail address, each service account publishes its own key set at
 * `https://www.googleapis.com/service_accounts/v1/jwk/<email>`, and the token carries no scopes.
 */
import type { Claims, TokenType } from '../types.js';
import { readStringClaim } from '../../policy/claims.js';
import type { Preset } from './preset.js';

// An e-mail address as service accounts have them: one `@`, no spaces or slashes.
const EMAIL = /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/;

/** The Google service-account preset. */
export const google: Preset = Object.freeze({
  name: 'google',
  // The service account speaks for itself: `sub` equals `iss`.
  classify: (claims: Claims): TokenType => (readStringClaim(claims, 'sub') !== undefined && readStringClaim(claims, 'sub') === readStringClaim(claims, 'iss') ? 'client' : 'user'),
  clientId: (claims: Claims) => readStringClaim(claims, 'azp') ?? readStringClaim(claims, 'email') ?? readStringClaim(claims, 'iss'),
  acceptsIssuer: (issuer: string) => EMAIL.test(issuer),
  jwksUri: (issuer: string) => (EMAIL.test(issuer) ? `https://www.googleapis.com/service_accounts/v1/jwk/${encodeURIComponent(issuer)}` : undefined),
});
