/**
 * Keycloak. Follows the Server Administration Guide ("Service accounts", "Lightweight access
 * token", "Client scopes: basic") and the Keycloak 25 upgrade notes: a service account's token
 * names a user Keycloak made for the client (`sub` is its UUID), marked by `preferred_username`
 * `service-account-<client id, lower case>` and the claims `client_id` (newer) or `clientId`
 * (older), `clientHost`, `clientAddress`. Since Keycloak 25 a user token may carry no `sub` (no
 * `basic` scope, lightweight tokens); `preferred_username`, `sid` or `email` still show a person.
 * Roles are not scopes unless asked for (`rolesAsScopes`). The default `account` audience is never
 * added by the preset: configure `audience` as for any issuer.
 */
import type { Claims, TokenType } from '../types.js';
import { classifyToken } from '../token-type.js';
import { readStringClaim } from '../../policy/claims.js';
import type { Preset } from './preset.js';

const SERVICE_ACCOUNT_PREFIX = 'service-account-';

function serviceAccountClient(claims: Claims): string | undefined {
  return readStringClaim(claims, 'client_id') ?? readStringClaim(claims, 'clientId');
}

function classify(claims: Claims): TokenType {
  const username = readStringClaim(claims, 'preferred_username');
  const client = serviceAccountClient(claims) ?? readStringClaim(claims, 'azp');
  if (username !== undefined && client !== undefined && username.toLowerCase() === `${SERVICE_ACCOUNT_PREFIX}${client.toLowerCase()}`) return 'client';
  if (serviceAccountClient(claims) !== undefined && (readStringClaim(claims, 'clientHost') !== undefined || readStringClaim(claims, 'clientAddress') !== undefined)) return 'client';
  // A user token without `sub` (Keycloak 25+) still names its person.
  if (readStringClaim(claims, 'sub') === undefined && (username !== undefined || readStringClaim(claims, 'sid') !== undefined || readStringClaim(claims, 'email') !== undefined)) return 'user';
  return classifyToken(claims);
}

function rolesOf(value: unknown): string[] {
  const roles = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { roles?: unknown }).roles : undefined;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string' && role !== '') : [];
}

/** `realm_access.roles` and `resource_access.<azp>.roles`. */
function roles(claims: Claims): string[] {
  const access = claims.resource_access;
  const client = readStringClaim(claims, 'azp');
  const own = client !== undefined && access !== null && typeof access === 'object' && !Array.isArray(access) && Object.hasOwn(access, client) ? (access as Record<string, unknown>)[client] : undefined;
  return [...rolesOf(claims.realm_access), ...rolesOf(own)];
}

/**
 * The Keycloak preset.
 * @example keycloak({ rolesAsScopes: true })
 */
export function keycloak(options: { readonly rolesAsScopes?: boolean } = {}): Preset {
  return Object.freeze({
    name: 'keycloak',
    classify,
    clientId: (claims: Claims) => readStringClaim(claims, 'azp') ?? serviceAccountClient(claims),
    ...(options.rolesAsScopes === true ? { scopes: (claims: Claims, _type: TokenType, generic: readonly string[]) => [...new Set([...generic, ...roles(claims)])] } : {}),
  });
}
