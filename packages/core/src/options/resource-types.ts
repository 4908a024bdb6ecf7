/**
 * Options of a protected resource (RFC 9728, RFC 8707) and of browser clients (CORS).
 */

/** The protected-resource metadata document's optional members (RFC 9728 §2). */
export interface ProtectedResourceOptions {
  /** `authorization_servers`: issuer URLs clients may get tokens from. Default the configured issuers. */
  readonly authorizationServers?: readonly string[];
  /** `scopes_supported`: the scopes this resource understands. */
  readonly scopesSupported?: readonly string[];
  /** `resource_name`: a name for people. */
  readonly resourceName?: string;
  /** `resource_documentation`: a URL of documentation for developers. */
  readonly resourceDocumentation?: string;
  /** `resource_policy_uri`: a URL of the resource's data-use policy. */
  readonly resourcePolicyUri?: string;
  /** `resource_tos_uri`: a URL of its terms of service. */
  readonly resourceTosUri?: string;
  /** Seconds clients and caches may keep the document (`Cache-Control: max-age`). Default 3600. */
  readonly maxAge?: number;
}

/** How browser clients on other origins are served. */
export interface CorsOptions {
  /**
   * `Access-Control-Allow-Origin` of the metadata document and of tokengate's own error
   * responses. Default `*` for the metadata (it is public) and none for errors (the application's
   * CORS handling sets it).
   */
  readonly allowOrigin?: string;
}

/**
 * Scopes that grant others: a table (`{ 'files:write': ['files:read'] }`, applied transitively;
 * a cycle is a `TypeError` at start-up) or a function from a scope to the scopes it grants.
 */
export type ScopeImplications = Readonly<Record<string, readonly string[]>> | ((scope: string) => readonly string[]);
