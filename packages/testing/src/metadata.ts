import type { SigningAlgorithm } from './algorithms.js';
import type { ClientAuthMethod } from './introspection.js';

/**
 * Which metadata documents the issuer serves: the RFC 8414 `oauth-authorization-server`
 * document, the OIDC `openid-configuration` document, both, or neither.
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer({ discovery: 'oidc' });
 * ```
 */
export type DiscoveryMode = 'both' | 'oauth' | 'oidc' | 'none';

/**
 * The metadata document served by both discovery endpoints.
 *
 * @example
 * ```ts
 * const metadata = (await (await fetch(url)).json()) as AuthorizationServerMetadata;
 * metadata.jwks_uri === issuer.jwksUri; // true
 * ```
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  introspection_endpoint: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  grant_types_supported: string[];
  code_challenge_methods_supported: string[];
  id_token_signing_alg_values_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  introspection_endpoint_auth_methods_supported: string[];
}

/**
 * Inputs to {@link buildMetadata}.
 *
 * @example
 * ```ts
 * const input: MetadataInput = {
 *   issuer: 'http://127.0.0.1:4000', metadataIssuer: 'http://127.0.0.1:4000', algorithm: 'RS256',
 *   introspectionAuthMethods: ['client_secret_basic', 'client_secret_post'],
 * };
 * ```
 */
export interface MetadataInput {
  /** The real issuer URL, base of every endpoint. */
  readonly issuer: string;
  /** The value written in the `issuer` member (differs only when a mismatch is being tested). */
  readonly metadataIssuer: string;
  readonly algorithm: SigningAlgorithm;
  /** How the introspection endpoint accepts client authentication. */
  readonly introspectionAuthMethods: readonly ClientAuthMethod[];
}

/**
 * Builds the authorization server metadata document.
 *
 * @example
 * ```ts
 * buildMetadata(input).jwks_uri; // 'http://127.0.0.1:4000/jwks'
 * ```
 */
export function buildMetadata(input: MetadataInput): AuthorizationServerMetadata {
  const { issuer } = input;
  return {
    issuer: input.metadataIssuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    introspection_endpoint: `${issuer}/introspect`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: [input.algorithm],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
    introspection_endpoint_auth_methods_supported: [...input.introspectionAuthMethods],
  };
}

/**
 * The RFC 8414 §3 location of the metadata: the well-known segment goes between the host and
 * the issuer's path.
 *
 * @example
 * ```ts
 * oauthMetadataPath('/tenant-a'); // '/.well-known/oauth-authorization-server/tenant-a'
 * ```
 */
export function oauthMetadataPath(issuerPath: string): string {
  return `/.well-known/oauth-authorization-server${issuerPath}`;
}

/**
 * The OpenID Connect Discovery location: the well-known segment is appended to the issuer.
 *
 * @example
 * ```ts
 * openidConfigurationPath('/tenant-a'); // '/tenant-a/.well-known/openid-configuration'
 * ```
 */
export function openidConfigurationPath(issuerPath: string): string {
  return `${issuerPath}/.well-known/openid-configuration`;
}

/**
 * Normalizes an issuer path option: `''` or `'/'` → `''`, otherwise a leading `/` and no
 * trailing `/`. Throws a `TypeError` for a path with a query, fragment or whitespace.
 *
 * @example
 * ```ts
 * normalizeIssuerPath('tenant-a/'); // '/tenant-a'
 * ```
 */
export function normalizeIssuerPath(path: string): string {
  if (/[?#\s]/.test(path)) throw new TypeError(`Invalid issuer path: ${JSON.stringify(path)}`);
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}
