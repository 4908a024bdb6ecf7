/**
 * The options of token introspection (RFC 7662), as applications write them.
 */
import type { Store } from '../store/store.js';

/** How the client calling the introspection endpoint authenticates (RFC 6749 §2.3.1). */
export type IntrospectionAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** The cache of introspection answers. Seconds. */
export interface IntrospectionCacheOptions {
  /** Seconds an active answer is reused, never past the token's `exp`. Default 60; `0` disables. */
  readonly maxAge?: number;
  /** Seconds an inactive (or refused) answer is reused. Default 5; `0` disables. */
  readonly inactiveMaxAge?: number;
  /** Most answers kept in memory. Default 10000. Refusals are kept apart, at most a tenth of it (and 1000). */
  readonly maxEntries?: number;
  /** Most approximate bytes of answers kept in memory. Default 33554432 (32 MiB). */
  readonly maxBytes?: number;
}

/** Token introspection (RFC 7662) for opaque access tokens. */
export interface IntrospectionOptions {
  /** The introspection endpoint; default the issuer metadata's `introspection_endpoint` (single issuer only). */
  readonly endpoint?: string;
  /** This API's client id at the authorization server. */
  readonly clientId: string;
  /** This API's client secret at the authorization server. */
  readonly clientSecret: string;
  /** `client_secret_basic` (default: HTTP Basic) or `client_secret_post` (form fields). */
  readonly authMethod?: IntrospectionAuthMethod;
  /** Abort an introspection request after this many milliseconds. Default 5000. */
  readonly timeoutMs?: number;
  /** Largest introspection response accepted, in bytes. Default 1048576 (1 MiB). */
  readonly maxResponseBytes?: number;
  /** The cache of answers; `false` turns it off. */
  readonly cache?: IntrospectionCacheOptions | false;
  /**
   * Where answers are kept: a `Store` shared by every instance of this API (Redis, …). Default
   * two bounded in-memory stores (accepted and refused answers apart). Keys are digests, never
   * token text, under a prefix naming this API's rules.
   */
  readonly store?: Store;
  /**
   * Most different tokens introspected at the same time. Past it a request for yet another
   * token gets 503 with `Retry-After: 1` at once, so a flood of junk tokens cannot open a flood
   * of requests to the authorization server. Default 64.
   */
  readonly maxConcurrentRequests?: number;
  /**
   * Refuse active answers without an `aud` naming this API. Default `false` (RFC 7662 makes
   * `aud` optional), but turn it on when the server names the audience of its access tokens:
   * some servers answer for refresh tokens without `aud` or `token_type`, and only this tells
   * them apart.
   */
  readonly requireAudience?: boolean;
  /**
   * Accept active answers that show no sign of describing an access token: no `token_type`
   * (`Bearer`, `DPoP`, `N_A`), no `token_use: access_token`, no Keycloak `typ: Bearer` and no `aud`
   * naming this API. Default false: such an answer is refused (401), because some servers answer
   * `active: true` for refresh tokens that way (oidc-provider does, with neither `token_type` nor
   * `aud`). Turn it on only for a server whose answers never carry any of these and that never
   * answers for refresh tokens; refresh-token markers are refused either way.
   */
  readonly dangerouslyAcceptUntypedAnswers?: boolean;
}

