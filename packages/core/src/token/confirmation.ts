/**
 * Sender-constrained tokens. A token with a confirmation claim (`cnf`, RFC 7800) is bound to a
 * key: DPoP's `jkt` (RFC 9449), mTLS's `x5t#S256` (RFC 8705), or a method this verifier does not
 * know. Binding exists so that a stolen token is useless without the key; accepting it as a plain
 * bearer token would undo that (RFC 9449 §7.2), so it is refused unless the deployment says a
 * trusted gateway has already verified the binding.
 */
import { TokenGateError } from '../errors/error.js';
import type { AccessToken } from './types.js';

/**
 * The token itself, unless it is bound to a key (it carries `cnf`) and `acceptBound` is false.
 * @throws TokenGateError `invalid_token` (401) for a bound token.
 * @example return refuseBoundToken(accessToken, options.dangerouslyAcceptBoundTokensAsBearer);
 */
export function refuseBoundToken(token: AccessToken, acceptBound: boolean): AccessToken {
  if (acceptBound || token.claims.cnf === undefined) return token;
  throw new TokenGateError(
    'invalid_token',
    'The access token is bound to a key (cnf) and must be presented with its proof of possession, not as a bearer token',
  );
}
