/**
 * Authorization server metadata: RFC 8414 first, then OpenID Connect Discovery, with the
 * document's `issuer` checked against the configured one (RFC 8414 §3.3).
 */
import { fetchJson, IssuerResponseError, type HttpLimits } from './fetch.js';
import { isSecureUrl } from '../options/secure-url.js';

/** The metadata members tokengate uses. */
export interface IssuerMetadata {
  readonly issuer: string;
  readonly jwks_uri?: string;
  readonly introspection_endpoint?: string;
  readonly [member: string]: unknown;
}

/** Both well-known locations for an issuer, in the order they are tried. */
export function metadataUrls(issuer: string): [string, string] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  // RFC 8414 §3.1 inserts the well-known segment between host and path; OIDC Discovery §4 appends it.
  const oauth = `${url.origin}/.well-known/oauth-authorization-server${path}`;
  const oidc = `${url.origin}${path}/.well-known/openid-configuration`;
  return [oauth, oidc];
}

function checkMetadata(value: unknown, issuer: string, allowHttp: boolean): IssuerMetadata {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new IssuerResponseError('Issuer metadata is not a JSON object');
  const metadata = value as IssuerMetadata;
  if (metadata.issuer !== issuer) throw new IssuerResponseError('Issuer metadata names a different issuer');
  if (metadata.jwks_uri !== undefined && (typeof metadata.jwks_uri !== 'string' || !URL.canParse(metadata.jwks_uri))) {
    throw new IssuerResponseError('Issuer metadata has an invalid jwks_uri');
  }
  if (metadata.jwks_uri !== undefined && !isSecureUrl(new URL(metadata.jwks_uri), allowHttp)) {
    throw new IssuerResponseError(`Issuer metadata names a jwks_uri that does not use https: (${metadata.jwks_uri.slice(0, 200)})`);
  }
  return metadata;
}

/**
 * Fetch and check the issuer's metadata: its `issuer` ours, its `jwks_uri` a URL keys may come
 * from (`https:`, loopback, or `allowHttp`). Throws `IssuerResponseError` or a network error.
 */
export async function discoverMetadata(issuer: string, limits: HttpLimits, allowHttp = false): Promise<IssuerMetadata> {
  for (const url of metadataUrls(issuer)) {
    const document = await fetchJson(url, limits);
    if (document !== undefined) return checkMetadata(document, issuer, allowHttp);
  }
  throw new IssuerResponseError('The issuer publishes no metadata (RFC 8414 or OpenID Connect Discovery)');
}
