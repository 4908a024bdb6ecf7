/**
 * Turning verified claims into the `AccessToken` handed to route handlers.
 */
import type { AccessToken, Claims, ProtectedHeader, TokenType } from './types.js';
import { parseScopes, type ScopeClaimNames } from './scopes.js';
import { applicationFailure, runApplicationCode } from '../errors/application-code.js';
import { readStringClaim } from '../policy/claims.js';
import type { Preset } from './presets/preset.js';
import { readConfirmation } from './confirmation.js';

/** What is needed to describe a verified token. */
export interface AccessTokenInput {
  readonly token: string;
  readonly format: AccessToken['format'];
  readonly claims: Claims;
  readonly header: AccessToken['header'] | ProtectedHeader;
  readonly issuer: string;
  readonly scopeClaims: ScopeClaimNames;
  readonly classify: (claims: Claims) => TokenType;
  /** An identity provider's way of reading scopes and the client (`preset`). */
  readonly preset?: Preset | undefined;
}

/** The application's (or the default) classification; a throw or an answer other than `user`/`client` is a 500. */
function classifyWith(classify: AccessTokenInput['classify'], claims: Claims): TokenType {
  const type: unknown = runApplicationCode('classify', () => classify(claims));
  if (type !== 'user' && type !== 'client') throw applicationFailure('classify', new TypeError(`classify returned ${String(type)}`));
  return type;
}

/**
 * Freeze a decoded JSON value and everything in it. The verified-token cache hands one
 * `AccessToken` to every request that presents the token, so a handler mutating `claims` or
 * `scopes` would change what every later request sees.
 */
function deepFreeze<T>(value: T): T {
  // A work list, not recursion: an introspection answer may nest deeper than the stack allows.
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next !== 'object' || next === null || Object.isFrozen(next)) continue;
    Object.freeze(next);
    for (const member of Object.values(next)) pending.push(member);
  }
  return value;
}

/** Every `AccessToken` this copy of tokengate made: only these are reused from another middleware's `req.auth`. */
const issued = new WeakSet<object>();

/**
 * Whether `value` is an `AccessToken` tokengate made (verified), as opposed to an object of the
 * same name another library put on the request (express-jwt's and express-oauth2-jwt-bearer's
 * `req.auth`) or an inherited, polluted member.
 * @example if (isAccessToken(req.auth)) useIt(req.auth);
 */
export function isAccessToken(value: unknown): value is AccessToken {
  return typeof value === 'object' && value !== null && issued.has(value);
}

/** The header of opaque tokens: they have none. */
export const NO_HEADER: Readonly<Record<string, never>> = Object.freeze({});

/** Build the frozen `AccessToken`. Throws `invalid_token` when scope claims have the wrong types. */
export function createAccessToken(input: AccessTokenInput): AccessToken {
  const { claims, preset } = input;
  const exp = claims.exp;
  // RFC 9068 §2.2 names client_id; Auth0 and Entra use azp; Okta uses cid.
  const clientId = preset?.clientId !== undefined ? preset.clientId(claims) : (readStringClaim(claims, 'client_id') ?? readStringClaim(claims, 'azp') ?? readStringClaim(claims, 'cid'));
  const subject = readStringClaim(claims, 'sub');
  const type = classifyWith(input.classify, claims);
  const scopes = parseScopes(claims, input.scopeClaims);
  const token: { -readonly [K in keyof AccessToken]: AccessToken[K] } = {
    token: input.token,
    format: input.format,
    claims: deepFreeze(claims),
    header: deepFreeze(input.header),
    issuer: input.issuer,
    scopes: Object.freeze(preset?.scopes !== undefined ? [...preset.scopes(claims, type, scopes)] : scopes),
    type,
  };
  // Optional members are absent, not undefined, when the token has no value for them.
  if (subject !== undefined) token.subject = subject;
  if (clientId !== undefined) token.clientId = clientId;
  if (typeof exp === 'number') token.expiresAt = new Date(exp * 1000);
  const confirmation = readConfirmation(claims);
  if (confirmation !== undefined) token.confirmation = confirmation;
  issued.add(token);
  return Object.freeze(token);
}

/** The same description with the given token text (cached opaque tokens are stored without it). */
export function withToken(accessToken: Omit<AccessToken, 'token'>, token: string): AccessToken {
  const copy = Object.freeze({ ...accessToken, token });
  issued.add(copy);
  return copy;
}
