/**
 * Microsoft Entra ID (Azure AD), v1.0 and v2.0 access tokens. Follows "Access token claims
 * reference" and "Microsoft identity platform and the OAuth 2.0 client credentials flow"
 * (learn.microsoft.com): app-only tokens carry application permissions in `roles` and no `scp`;
 * delegated tokens carry `scp` (space-separated) and the user's app roles in `roles`, which are
 * not scopes; the optional `idtyp` claim says `app` or `user`; the client is `azp` (v2.0) or
 * `appid` (v1.0); `sub` of an app-only token is the service principal's `oid`.
 */
import { normalizeScopeList } from '../scopes.js';
import type { Claims, TokenType } from '../types.js';
import { readStringClaim } from '../../policy/claims.js';
import type { Preset } from './preset.js';

function classify(claims: Claims): TokenType {
  const idtyp = readStringClaim(claims, 'idtyp');
  if (idtyp === 'app') return 'client';
  if (idtyp === 'user') return 'user';
  const sub = readStringClaim(claims, 'sub');
  return readStringClaim(claims, 'scp') === undefined && sub !== undefined && sub === readStringClaim(claims, 'oid') ? 'client' : 'user';
}

function roles(claims: Claims): string[] {
  const value = claims.roles;
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string' && role !== '') : [];
}

/** The Entra ID preset. */
export const entra: Preset = Object.freeze({
  name: 'entra',
  classify,
  // Delegated: `scp` only (never `roles`, the user's app roles); app-only: `roles`.
  scopes: (claims: Claims, type: TokenType) => (type === 'client' ? roles(claims) : normalizeScopeList(readStringClaim(claims, 'scp') ?? '')),
  clientId: (claims: Claims) => readStringClaim(claims, 'azp') ?? readStringClaim(claims, 'appid'),
});
