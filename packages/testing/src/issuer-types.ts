import type { SigningAlgorithm } from './algorithms.js';
import type { FetchCounts } from './counts.js';
import type { FaultSwitches } from './faults.js';
import type { ClientAuthMethod, IntrospectionClient } from './introspection.js';
import type { JsonObject } from './jws.js';
import type { PublicJwk } from './keys.js';
import type { DiscoveryMode } from './metadata.js';
import type { MintClientOptions, MintOpaqueOptions, MintOptions, MintUserOptions } from './mint-options.js';

/**
 * Options for `createTestIssuer`. Every member is optional.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ algorithm: 'ES256', path: '/tenant-a', discovery: 'oidc' });
 * ```
 */
export interface TestIssuerOptions {
  /** Signing algorithm of the issuer's keys; default `'RS256'`. */
  algorithm?: SigningAlgorithm;
  /** Default `aud` of minted tokens; default `'https://api.example.test'`. */
  audience?: string;
  /** Issuer path suffix; default `''`. `'/tenant-a'` gives the issuer `http://127.0.0.1:PORT/tenant-a`. */
  path?: string;
  /** Default token lifetime in seconds (`exp - now`); default `3600`. */
  tokenLifetime?: number;
  /** Which metadata documents are served; default `'both'`. */
  discovery?: DiscoveryMode;
  /** Written as the `issuer` member of the metadata instead of the real issuer (to test a mismatch). */
  issuerInMetadata?: string;
  /**
   * The client registered at the introspection endpoint; default id `'test-resource-server'`
   * and a random secret. Either member may be given alone.
   */
  introspectionClient?: { clientId?: string; clientSecret?: string };
  /** Client authentication accepted by the introspection endpoint; default both methods. */
  introspectionAuthMethods?: ClientAuthMethod[];
}

/**
 * Options for `TestIssuer.rotateKeys`.
 *
 * @example
 * ```ts
 * await issuer.rotateKeys({ keepPrevious: false });
 * ```
 */
export interface RotateKeysOptions {
  /** Keep the previous keys in the JWKS; default `true`. */
  keepPrevious?: boolean;
  /**
   * Publish the new key under this kid instead of its thumbprint. Reusing the current kid
   * replaces that key (as issuers with static key names or KMS aliases do when they re-key).
   */
  kid?: string;
}

/**
 * A running local OAuth 2.0 / OpenID Connect issuer on `127.0.0.1`.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer();
 * const token = await issuer.mintUserToken({ scopes: ['read'] });
 * const res = await fetch(`${apiUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
 * await issuer.close();
 * ```
 */
export interface TestIssuer {
  /** The issuer identifier, e.g. `http://127.0.0.1:41234` or `http://127.0.0.1:41234/tenant-a`. */
  readonly issuer: string;
  /** The default audience of minted tokens. */
  readonly audience: string;
  /** `${issuer}/jwks`. */
  readonly jwksUri: string;
  /** The RFC 8414 metadata URL: `http://127.0.0.1:PORT/.well-known/oauth-authorization-server{path}`. */
  readonly oauthMetadataUrl: string;
  /** The OIDC discovery URL: `${issuer}/.well-known/openid-configuration`. */
  readonly openidConfigurationUrl: string;
  /** The ephemeral port the server listens on. */
  readonly port: number;
  /** The signing algorithm of the issuer's keys. */
  readonly algorithm: SigningAlgorithm;
  /** The kid of the key currently used for signing. */
  readonly currentKid: string;
  /** Fault switches, read for every request. */
  readonly faults: FaultSwitches;
  /** Live request counters. */
  readonly fetchCounts: Readonly<FetchCounts>;
  /** `${issuer}/introspect` (RFC 7662), also advertised as the metadata's `introspection_endpoint`. */
  readonly introspectionEndpoint: string;
  /** The client the introspection endpoint accepts: configure the API under test with it. */
  readonly introspectionClient: IntrospectionClient;

  /**
   * Mints a user access token: `sub` `'user-123'`, `client_id` `'test-client'`, no `grant_type`.
   *
   * @example
   * ```ts
   * const token = await issuer.mintUserToken({ sub: 'alice', scopes: ['read', 'write'] });
   * ```
   */
  mintUserToken(options?: MintUserOptions): Promise<string>;

  /**
   * Mints a client-credentials token: `sub` and `client_id` both equal `clientId` (default `'test-client'`).
   *
   * @example
   * ```ts
   * const token = await issuer.mintClientToken({ clientId: 'cron-job' });
   * ```
   */
  mintClientToken(options?: MintClientOptions): Promise<string>;

  /**
   * Mints a token with only `iss`, `aud`, `iat`, `exp` and `jti` defaulted; add anything with `claims` and `header`.
   *
   * @example
   * ```ts
   * const token = await issuer.mintToken({ claims: { sub: 'x', roles: ['admin'] }, header: { typ: 'JWT' } });
   * ```
   */
  mintToken(options?: MintOptions): Promise<string>;

  /**
   * Mints an opaque access token (a random UUID) that only the introspection endpoint can
   * resolve: `{ active: true, client_id, token_type: 'Bearer', grant_type, auth_type, scope, sub, exp, iat, iss, aud }`.
   *
   * @example
   * ```ts
   * const user = await issuer.mintOpaqueToken({ sub: 'alice', scopes: ['read'] });
   * const client = await issuer.mintOpaqueToken({ grantType: 'client_credentials' }); // no sub
   * ```
   */
  mintOpaqueToken(options?: MintOpaqueOptions): Promise<string>;

  /**
   * Revokes a token: the introspection endpoint answers `{ active: false }` for it from now on.
   * Works for opaque tokens and for JWTs (which still verify locally, as real JWTs do).
   *
   * @example
   * ```ts
   * issuer.revoke(token);
   * ```
   */
  revoke(token: string): void;

  /**
   * Signs exactly `claims` with a key this issuer never published (same algorithm, generated
   * once per issuer). The header is `{ alg, kid: currentKid, typ: 'at+jwt', ...header }`, so the
   * signature is valid but must not verify against the JWKS.
   *
   * @example
   * ```ts
   * const token = await issuer.mintWithForeignKey({ iss: issuer.issuer, aud: issuer.audience, sub: 'mallory' });
   * ```
   */
  mintWithForeignKey(claims: JsonObject, header?: JsonObject): Promise<string>;

  /**
   * Builds an unsecured `alg: none` token from exactly `claims`: `base64url(header).base64url(claims).`
   * with the header `{ alg: 'none', typ: 'at+jwt', ...header }`.
   *
   * @example
   * ```ts
   * const token = issuer.mintUnsignedToken({ iss: issuer.issuer, aud: issuer.audience, sub: 'user-123' });
   * ```
   */
  mintUnsignedToken(claims: JsonObject, header?: JsonObject): string;

  /**
   * Signs exactly `payloadText` (JSON with duplicate members, say) with this issuer's current,
   * published key; header `{ alg, kid: currentKid, typ: 'at+jwt', ...header }`. The signature
   * verifies, so only what the text says decides.
   *
   * @example
   * ```ts
   * const token = await issuer.signPayloadText(`{"iss":"${issuer.issuer}","aud":"x","aud":"${issuer.audience}","exp":9999999999}`);
   * ```
   */
  signPayloadText(payloadText: string, header?: JsonObject): Promise<string>;

  /**
   * Generates a new current key with a new kid (or `kid`). Previous keys stay published unless
   * `keepPrevious` is `false`; one under the same kid is withdrawn.
   *
   * @example
   * ```ts
   * await issuer.rotateKeys();
   * issuer.publishedKids().length; // 2
   * ```
   */
  rotateKeys(options?: RotateKeysOptions): Promise<void>;

  /**
   * The kids currently published in the JWKS, current key first.
   *
   * @example
   * ```ts
   * issuer.publishedKids(); // [issuer.currentKid]
   * ```
   */
  publishedKids(): string[];

  /**
   * A copy of the current public JWK (`kty`, key material, `kid`, `alg`, `use: 'sig'`).
   *
   * @example
   * ```ts
   * const jwk = issuer.currentPublicJwk(); // e.g. to try an HS256 key-confusion attack
   * ```
   */
  currentPublicJwk(): PublicJwk;

  /**
   * A copy of the JWKS document as currently served (without faults).
   *
   * @example
   * ```ts
   * const jwks = createLocalJWKSet(issuer.jwks());
   * ```
   */
  jwks(): { keys: PublicJwk[] };

  /**
   * Sets every counter in `fetchCounts` back to zero.
   *
   * @example
   * ```ts
   * issuer.resetCounts(); // issuer.fetchCounts.jwks === 0
   * ```
   */
  resetCounts(): void;

  /**
   * Closes the server, destroying keep-alive sockets and pending delayed answers. Idempotent.
   *
   * @example
   * ```ts
   * afterAll(() => issuer.close());
   * ```
   */
  close(): Promise<void>;
}
