/**
 * Amazon Cognito user pools. Follows "Understanding the access token" and "Scopes, M2M, and
 * resource servers" (docs.aws.amazon.com/cognito): an access token has no `aud`; its app client is
 * `client_id`, which `audience` names here; `token_use` is `access` (an ID token says `id` and is
 * refused); custom scopes are `<resource server identifier>/<scope>`; a client-credentials
 * token's `sub` equals its `client_id` (the generic classifier reads that).
 */
import { TokenGateError } from '../../errors/error.js';
import type { Claims } from '../types.js';
import { readStringClaim } from '../../policy/claims.js';
import type { Preset } from './preset.js';

function checkClaims(claims: Claims): void {
  const use = readStringClaim(claims, 'token_use');
  if (use !== 'access') throw new TokenGateError('invalid_token', use === 'id' ? 'The token is an ID token, not an access token' : 'The token is not a Cognito access token (token_use)');
}

/**
 * The Cognito preset.
 * @example cognito({ scopePrefix: 'https://api.example.com/' })
 */
export function cognito(options: { readonly scopePrefix?: string } = {}): Preset {
  const prefix = options.scopePrefix;
  return Object.freeze({
    name: 'cognito',
    audienceClaim: 'client_id',
    checkClaims,
    ...(prefix === undefined || prefix === '' ? {} : { scopes: (_claims: Claims, _type: unknown, generic: readonly string[]) => generic.map((scope) => (scope.startsWith(prefix) ? scope.slice(prefix.length) : scope)) }),
  });
}
