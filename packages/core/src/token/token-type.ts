/**
 * Telling user tokens (authorization_code, refresh_token) from client tokens
 * (client_credentials), which carry no end user.
 */
import { readClaim } from '../policy/claims.js';
import { TokenGateError } from '../errors/error.js';
import type { AccessToken, Claims, JsonValue, TokenType } from './types.js';

/** Decides a token's type from its claims; replaces `classifyToken` when configured. */
export type TokenClassifier = (claims: Claims) => TokenType;

const USER_REQUIRED =
  'This endpoint requires a user token obtained via authorization_code flow. You provided a client token from client_credentials flow.';
const CLIENT_REQUIRED =
  'This endpoint requires a client token obtained via client_credentials flow. You provided a user token from authorization_code flow.';

// Auth0 sets `gty` to the grant type, as a string or an array of them.
function isClientCredentialsGty(gty: JsonValue | undefined): boolean {
  return gty === 'client-credentials' || (Array.isArray(gty) && gty.includes('client-credentials'));
}

/** A type stated by the issuer: an explicit marker or the grant the token came from. */
function statedType(claims: Claims): TokenType | undefined {
  const authType = readClaim(claims, 'auth_type');
  if (authType === 'user' || authType === 'client') return authType;
  if (isClientCredentialsGty(readClaim(claims, 'gty'))) return 'client';
  // Entra ID: `idtyp: app` marks app-only (client credentials) tokens.
  if (readClaim(claims, 'idtyp') === 'app') return 'client';
  const grantType = readClaim(claims, 'grant_type');
  if (grantType === 'client_credentials') return 'client';
  if (grantType === 'authorization_code' || grantType === 'refresh_token') return 'user';
  return undefined;
}

/** A type inferred from the subject when the issuer states none. */
function subjectType(claims: Claims): TokenType {
  const sub = readClaim(claims, 'sub');
  // With no end user there is nobody for `sub` to name but the client.
  if (typeof sub !== 'string' || sub === '') return 'client';
  // RFC 9068 §2.2: with no resource owner, `sub` is the client's identifier (`client_id`;
  // `azp` in OIDC-style tokens, `cid` at Okta).
  if (sub === readClaim(claims, 'client_id') || sub === readClaim(claims, 'azp') || sub === readClaim(claims, 'cid')) {
    return 'client';
  }
  // Auth0 client-credentials subjects are `<client_id>@clients`.
  return sub.endsWith('@clients') ? 'client' : 'user';
}

/**
 * The default classifier. First match wins: `auth_type` `user`/`client`; Auth0
 * `gty: client-credentials`; Entra ID `idtyp: app`; `grant_type` `client_credentials` (client)
 * or `authorization_code`/`refresh_token` (user); no `sub`; `sub` equal to `client_id`, `azp`
 * or `cid`; `sub` ending in `@clients`; otherwise user.
 * @example
 * classifyToken({ sub: 'abc@clients', gty: 'client-credentials' }) // => 'client'
 * classifyToken({ sub: 'auth0|123', azp: 'my-spa' }) // => 'user'
 */
export function classifyToken(claims: Claims): TokenType {
  return statedType(claims) ?? subjectType(claims);
}

/**
 * Throw unless the token is of the required type.
 * @throws TokenGateError `invalid_token_type` (403) with `required_token_type` and `token_type`.
 * @example assertTokenType(token, 'user')
 */
export function assertTokenType(token: AccessToken, required: TokenType): void {
  if (token.type === required) return;
  throw new TokenGateError('invalid_token_type', required === 'user' ? USER_REQUIRED : CLIENT_REQUIRED, {
    extensions: { required_token_type: required, token_type: token.type },
  });
}
