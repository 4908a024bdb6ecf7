/**
 * Public types shared by every part of tokengate.
 * @packageDocumentation
 */

/** A JSON value as decoded from a token or an introspection response. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A decoded JWT claims set (or the members of an introspection response). */
export type Claims = { readonly [claim: string]: JsonValue | undefined };

/** A decoded JWS protected header. */
export interface ProtectedHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
  readonly crit?: readonly string[];
  readonly [member: string]: JsonValue | readonly string[] | undefined;
}

/** Who a token speaks for: a user (authorization_code, refresh_token) or the client itself (client_credentials). */
export type TokenType = 'user' | 'client';

/** A verified access token, as attached to `req.auth`, `ctx.state.auth` and `request.auth`. */
export interface AccessToken {
  /** The raw token string as presented. */
  readonly token: string;
  /** `jwt` for locally verified JWS tokens, `opaque` for tokens resolved by introspection. */
  readonly format: 'jwt' | 'opaque';
  /** The token's claims (the JWT payload, or the introspection response). */
  readonly claims: Claims;
  /** The JWS protected header (empty for opaque tokens). */
  readonly header: ProtectedHeader | Readonly<Record<string, never>>;
  /** The `iss` claim, one of the configured issuers. */
  readonly issuer: string;
  /** The `sub` claim, when present. */
  readonly subject?: string;
  /** `client_id` (RFC 9068), else `azp`, else `cid`, when present. */
  readonly clientId?: string;
  /** Every scope the token carries: the union of `scope`, `scp` and `permissions`, de-duplicated. */
  readonly scopes: readonly string[];
  /** `user` or `client`, decided by the classification rules (see `classifyToken`). */
  readonly type: TokenType;
  /** When the token expires (from `exp`). */
  readonly expiresAt?: Date;
  /**
   * The key the token is bound to (sender-constrained, RFC 7800 `cnf`): its DPoP key thumbprint
   * (`jkt`, RFC 9449) and/or its client certificate thumbprint (`x5tS256`, RFC 8705). A bound token
   * reaches the application only after its proof of possession was checked on this request.
   */
  readonly confirmation?: Confirmation;
}

/** What a sender-constrained token is bound to (both members when both bindings are present). */
export type Confirmation =
  | { readonly jkt: string; readonly x5tS256?: string }
  | { readonly jkt?: undefined; readonly x5tS256: string };

/** Plain structural request input for `Verifier.authenticate`; no framework types. */
export interface RequestLike {
  /** Header map; names are matched case-insensitively. Node's `IncomingHttpHeaders` fits. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * Parsed query string, consulted when the `query` method is enabled or a Bearer header is
   * present (a token in both is refused, RFC 6750 §2).
   */
  readonly query?: Readonly<Record<string, unknown>> | undefined;
  /** Parsed form body, consulted like `query`; a body not parsed yet is not seen. */
  readonly body?: unknown;
  /** Request method, used for the form-body method (never on GET, RFC 6750 §2.2). */
  readonly method?: string | undefined;
  /**
   * Node's `rawHeaders` (name, value, name, value, …). Node keeps only the first of repeated
   * `Authorization` headers in `headers`; with `rawHeaders` the repeat is seen and refused.
   */
  readonly rawHeaders?: readonly string[] | undefined;
}

/** A `fetch`-compatible function (the global `fetch` fits). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** A clock returning the current time in milliseconds since the epoch. */
export type Clock = () => number;
