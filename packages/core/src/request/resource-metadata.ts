/**
 * RFC 9728 protected-resource metadata: the document and where it is served. Public by nature
 * (clients read it before they have a token), so its responses carry `Access-Control-Allow-Origin`.
 */
import type { ResolvedResource } from '../options/resource.js';
import type { PublicOptions } from '../options/public-view.js';

/** The metadata document (RFC 9728 §2). */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
  readonly resource_policy_uri?: string;
  readonly resource_tos_uri?: string;
  /** RFC 9728 §2 with RFC 9449: the DPoP proof algorithms accepted, when DPoP is. */
  readonly dpop_signing_alg_values_supported?: readonly string[];
  /** Whether every token must be DPoP-bound. */
  readonly dpop_bound_access_tokens_required?: boolean;
  /** RFC 8705: certificate-bound tokens are accepted. */
  readonly tls_client_certificate_bound_access_tokens?: boolean;
}

/** The document and where it lives. */
export interface MetadataLocation {
  /** The path-inserted URL (RFC 9728 §3.1), the one challenges name. */
  readonly url: string;
  /** Its path, and the root-form path clients fall back to. */
  readonly paths: readonly string[];
  readonly document: ProtectedResourceMetadata;
}

/** A response for adapters to write. */
export interface MetadataResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** `undefined` for HEAD and preflights. */
  readonly body: string | undefined;
}

/** What the metadata is built from: the verifier's validated options. */
type MetadataSource = Pick<PublicOptions, 'resource' | 'issuers' | 'tokenMethods' | 'cors' | 'dpop' | 'mtls'>;

function document(resource: ResolvedResource, options: MetadataSource): ProtectedResourceMetadata {
  const described = resource.protectedResource;
  const optional: Record<string, unknown> = {
    scopes_supported: described.scopesSupported,
    resource_name: described.resourceName,
    resource_documentation: described.resourceDocumentation,
    resource_policy_uri: described.resourcePolicyUri,
    resource_tos_uri: described.resourceTosUri,
    dpop_signing_alg_values_supported: options.dpop?.algorithms,
    dpop_bound_access_tokens_required: options.dpop?.required,
    tls_client_certificate_bound_access_tokens: options.mtls === undefined ? undefined : true,
  };
  return Object.freeze({
    resource: resource.resource,
    authorization_servers: described.authorizationServers ?? options.issuers,
    bearer_methods_supported: [...options.tokenMethods],
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  });
}

/**
 * The metadata of a verifier configured with `resource`; `undefined` without one.
 * @example protectedResourceMetadata(verifier)?.url // 'https://api.example.com/.well-known/oauth-protected-resource/mcp'
 */
export function protectedResourceMetadata(verifier: { readonly options: MetadataSource }): MetadataLocation | undefined {
  return protectedResourceMetadataOf(verifier.options);
}

/** `protectedResourceMetadata` of validated options. */
export function protectedResourceMetadataOf(options: MetadataSource): MetadataLocation | undefined {
  const { resource } = options;
  if (resource === undefined) return undefined;
  const paths = resource.metadataPath === resource.rootMetadataPath ? [resource.metadataPath] : [resource.metadataPath, resource.rootMetadataPath];
  return Object.freeze({ url: resource.metadataUrl, paths: Object.freeze(paths), document: document(resource, options) });
}

/** Answers requests for the metadata: `undefined` for any other request. */
export type MetadataResponder = (method: string, path: string) => MetadataResponse | undefined;

/**
 * The responder of a verifier's metadata, made once at start-up (document, body and headers
 * built here, not per request): the document for GET, its headers for HEAD, a preflight answer
 * for OPTIONS, 405 for other methods at its paths, `undefined` for every other path.
 * @example const respond = createMetadataResponder(verifier.options); respond('GET', '/.well-known/oauth-protected-resource/mcp')
 */
export function createMetadataResponder(options: MetadataSource): MetadataResponder {
  const metadata = protectedResourceMetadataOf(options);
  if (metadata === undefined) return () => undefined;
  const cors = { 'Access-Control-Allow-Origin': options.cors?.allowOrigin ?? '*' };
  const preflight: MetadataResponse = { status: 204, headers: { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS', 'Access-Control-Allow-Headers': '*', 'Access-Control-Max-Age': '86400' }, body: undefined };
  const notAllowed: MetadataResponse = { status: 405, headers: { Allow: 'GET, HEAD, OPTIONS' }, body: undefined };
  const headers = { ...cors, 'Content-Type': 'application/json', 'Cache-Control': `public, max-age=${options.resource?.protectedResource.maxAge ?? 3600}` };
  const get: MetadataResponse = { status: 200, headers, body: JSON.stringify(metadata.document) };
  const head: MetadataResponse = { status: 200, headers, body: undefined };
  return (method, path) => {
    if (!metadata.paths.includes(path)) return undefined;
    return method === 'GET' ? get : method === 'HEAD' ? head : method === 'OPTIONS' ? preflight : notAllowed;
  };
}
