/**
 * Live counters of requests the issuer received, by document.
 * `discovery` counts both metadata documents together.
 *
 * @example
 * ```ts
 * await fetch(issuer.jwksUri);
 * issuer.fetchCounts.jwks; // 1
 * ```
 */
export interface FetchCounts {
  /** Requests for `/jwks`. */
  jwks: number;
  /** Requests for either metadata document (`oauthMetadata + openidConfiguration`). */
  discovery: number;
  /** Requests for the RFC 8414 `oauth-authorization-server` document. */
  oauthMetadata: number;
  /** Requests for the OIDC `openid-configuration` document. */
  openidConfiguration: number;
  /** Requests to the introspection endpoint (`/introspect`). */
  introspection: number;
}

/**
 * The name of one counter in {@link FetchCounts}.
 *
 * @example
 * ```ts
 * const name: CounterName = 'jwks';
 * ```
 */
export type CounterName = keyof FetchCounts;

/**
 * Creates counters, all zero.
 *
 * @example
 * ```ts
 * const counts = createFetchCounts();
 * counts.jwks += 1;
 * ```
 */
export function createFetchCounts(): FetchCounts {
  return { jwks: 0, discovery: 0, oauthMetadata: 0, openidConfiguration: 0, introspection: 0 };
}

/**
 * Sets every counter of `counts` back to zero, in place (readers keep the same object).
 *
 * @example
 * ```ts
 * resetFetchCounts(counts); // counts.jwks === 0
 * ```
 */
export function resetFetchCounts(counts: FetchCounts): void {
  counts.jwks = 0;
  counts.discovery = 0;
  counts.oauthMetadata = 0;
  counts.openidConfiguration = 0;
  counts.introspection = 0;
}
