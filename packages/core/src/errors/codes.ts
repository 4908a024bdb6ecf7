/**
 * The failure codes and the one code → status table.
 */

/**
 * Failure codes. All but two are OAuth error codes (RFC 6750 §3.1, RFC 6749 §4.1.2.1 for
 * `access_denied` and `temporarily_unavailable`, RFC 9470 for `insufficient_user_authentication`,
 * RFC 9449 §7.1 and §9 for `invalid_dpop_proof` and `use_dpop_nonce`,
 * and `invalid_token_type` for a token of the wrong type, `rate_limited` for a client over its rate
 * limit (429, no challenge)): `missing_token` means the request carried no credentials at all (no `error` is
 * sent then, RFC 6750 §3.1) and `server_error` means the server failed, not the client:
 * tokengate is misconfigured, or application code it runs (`classify`, a claim predicate) threw.
 */
export type TokenGateErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_token_type'
  | 'insufficient_user_authentication'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'access_denied'
  | 'rate_limited'
  | 'temporarily_unavailable'
  | 'server_error';

/** What the table says of a code. */
export interface ErrorCodeInfo {
  readonly status: number;
  readonly title: string;
  /** Whether the code is sent as the OAuth `error` member and challenge parameter. */
  readonly oauth: boolean;
}

/** The one code → status table. */
export const ERROR_CODES: { readonly [code in TokenGateErrorCode]: ErrorCodeInfo } = Object.freeze({
  missing_token: Object.freeze({ status: 401, title: 'Authentication required', oauth: false }),
  invalid_request: Object.freeze({ status: 400, title: 'Invalid request', oauth: true }),
  invalid_token: Object.freeze({ status: 401, title: 'Invalid access token', oauth: true }),
  insufficient_scope: Object.freeze({ status: 403, title: 'Insufficient scope', oauth: true }),
  invalid_token_type: Object.freeze({ status: 403, title: 'Wrong token type', oauth: true }),
  insufficient_user_authentication: Object.freeze({ status: 401, title: 'Stronger authentication required', oauth: true }),
  invalid_dpop_proof: Object.freeze({ status: 401, title: 'Invalid DPoP proof', oauth: true }),
  use_dpop_nonce: Object.freeze({ status: 401, title: 'DPoP nonce required', oauth: true }),
  access_denied: Object.freeze({ status: 403, title: 'Access denied', oauth: true }),
  rate_limited: Object.freeze({ status: 429, title: 'Too many requests', oauth: true }),
  temporarily_unavailable: Object.freeze({ status: 503, title: 'Authorization temporarily unavailable', oauth: true }),
  server_error: Object.freeze({ status: 500, title: 'Authorization failed on the server', oauth: true }),
});
