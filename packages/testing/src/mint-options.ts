import type { ForeignKey } from './foreign-key.js';

/**
 * Which claim carries the scopes: `scope` is a space-separated string (RFC 9068),
 * `scp` and `permissions` are JSON arrays.
 *
 * @example
 * ```ts
 * await issuer.mintUserToken({ scopes: ['read'], scopeClaim: 'scp' }); // scp: ['read']
 * ```
 */
export type ScopeClaim = 'scope' | 'scp' | 'permissions';

/**
 * Options shared by every mint method. Each one changes a single default of the token.
 *
 * @example
 * ```ts
 * const options: MintCommon = { scopes: ['read', 'write'], expiresIn: -60, header: { kid: 'unknown' } };
 * ```
 */
export interface MintCommon {
  /** Scopes placed in the claim named by `scopeClaim`. Omitted: no scope claim at all. */
  scopes?: string[];
  /** Default `'scope'` (space-separated string); `'scp'` and `'permissions'` are arrays. */
  scopeClaim?: ScopeClaim;
  /** `aud` value; default the issuer's audience; `null` omits `aud`. */
  audience?: string | string[] | null;
  /** `iss` value; default the issuer URL; `null` omits `iss`. */
  issuer?: string | null;
  /** `exp` as seconds from now (negative = already expired); default the token lifetime; `null` omits `exp`. */
  expiresIn?: number | null;
  /** Sets `nbf` to now + this many seconds. Omitted: no `nbf`. */
  notBefore?: number;
  /** Absolute `iat` in epoch seconds; default now; `null` omits `iat`. */
  issuedAt?: number | null;
  /** Extra or overriding claims, applied last. A claim set to `undefined` is removed. */
  claims?: Record<string, unknown>;
  /** Extra or overriding protected header members, applied last. A member set to `undefined` is removed. */
  header?: Record<string, unknown>;
  /** Header `typ`; default `'at+jwt'`; `null` omits `typ`. */
  typ?: string | null;
  /** Header `kid`; default the issuer's current kid; `null` omits `kid`. */
  kid?: string | null;
  /** `jti`; default a random UUID; `null` omits `jti`. */
  jti?: string | null;
  /**
   * Sign with this unpublished key instead of the issuer's current key. The header still
   * defaults to the issuer's current `kid`, and `alg` becomes the foreign key's algorithm.
   */
  signingKey?: ForeignKey;
}

/**
 * Options for `mintUserToken`: a token issued to a user through a client.
 *
 * @example
 * ```ts
 * await issuer.mintUserToken({ sub: 'alice', clientId: 'web-app', scopes: ['profile'] });
 * ```
 */
export interface MintUserOptions extends MintCommon {
  /** `sub`; default `'user-123'`. */
  sub?: string;
  /** `client_id`; default `'test-client'`. */
  clientId?: string;
}

/**
 * Options for `mintClientToken`: a client-credentials token whose `sub` is the client id.
 *
 * @example
 * ```ts
 * await issuer.mintClientToken({ clientId: 'billing-service', scopes: ['invoices:read'] });
 * ```
 */
export interface MintClientOptions extends MintCommon {
  /** Used as both `sub` and `client_id`; default `'test-client'`. */
  clientId?: string;
}

/**
 * Options for `mintToken`: only `iss`, `aud`, `iat`, `exp` and `jti` (and scopes, when given)
 * are defaulted; everything else comes from `claims`.
 *
 * @example
 * ```ts
 * await issuer.mintToken({ claims: { sub: 'svc', azp: 'gateway' }, typ: 'JWT' });
 * ```
 */
export type MintOptions = MintCommon;

/**
 * The grant an opaque token was issued through, as the introspection response's `grant_type`.
 *
 * @example
 * ```ts
 * await issuer.mintOpaqueToken({ grantType: 'client_credentials' });
 * ```
 */
export type OpaqueGrantType = 'authorization_code' | 'client_credentials' | 'refresh_token';

/**
 * Options for `mintOpaqueToken`: an opaque (UUID) token whose claims only the introspection
 * endpoint reveals. Every member changes one field of the introspection response.
 *
 * @example
 * ```ts
 * await issuer.mintOpaqueToken({ sub: 'alice', scopes: ['read', 'write'] });
 * await issuer.mintOpaqueToken({ grantType: 'client_credentials', clientId: 'billing' }); // no sub
 * ```
 */
export interface MintOpaqueOptions {
  /** `sub`; default `'user-123'`, none for `client_credentials`; `null` omits it. */
  sub?: string | null;
  /** `client_id`; default `'test-client'`. */
  clientId?: string;
  /** Scopes, as the space-separated `scope` member. Omitted: no `scope` member. */
  scopes?: string[];
  /** `grant_type`; default `'authorization_code'`. */
  grantType?: OpaqueGrantType;
  /** `auth_type`; default `'client'` for `client_credentials`, `'user'` otherwise; `null` omits it. */
  authType?: 'user' | 'client' | null;
  /** `exp` as seconds from now (negative = already expired, so inactive); default the token lifetime; `null` omits `exp`. */
  expiresIn?: number | null;
  /** `aud`; default the issuer's audience; `null` omits it. */
  audience?: string | string[] | null;
  /** Extra or overriding members of the introspection response, applied last. `undefined` removes a member. */
  claims?: Record<string, unknown>;
}
