/**
 * The fixed sentences tokengate answers with: problem `detail`, `error_description` and error
 * messages that the seed behaviour pins down word for word. Tests compare against these.
 */

/** `invalid_token_type` on a route that needs a user token, for a client token. */
export const USER_REQUIRED =
  'This endpoint requires a user token obtained via authorization_code flow. You provided a client token from client_credentials flow.';

/** `invalid_token_type` on a route that needs a client token, for a user token. */
export const CLIENT_REQUIRED =
  'This endpoint requires a client token obtained via client_credentials flow. You provided a user token from authorization_code flow.';

/** `insufficient_scope`: the token lacks a scope the route needs. */
export const INSUFFICIENT_SCOPE = 'The provided token does not have correct permissions to access this resource';

/** The `server_error` description when neither options nor the environment configure tokengate. */
export const NOT_CONFIGURED =
  'tokengate is not configured: pass { issuer, audience } to auth() or the guard, or set TOKENGATE_ISSUER and TOKENGATE_AUDIENCE';

/** `missing_token`: no credentials at all. */
export const NO_TOKEN = 'No access token was provided';

/** `access_denied`: no route-policy row matches the request. */
export const NO_ROUTE_RULE = 'No route policy rule allows this request';

/** `invalid_request`: an Authorization header that is not exactly one Bearer token. */
export const ONE_BEARER_TOKEN = 'The Authorization header must carry exactly one Bearer token';

/** `invalid_request`: the request repeats the Authorization header. */
export const SEVERAL_AUTHORIZATION_HEADERS = 'Request carries several Authorization headers';

/** `invalid_request`: the token comes by header and query (or body) at once. */
export const SEVERAL_METHODS = 'Token sent by more than one method';

/** `invalid_token`: the signature does not verify. */
export const SIGNATURE_INVALID = 'The token signature is invalid';

/** `invalid_token`: `aud` names another API. */
export const WRONG_AUDIENCE = 'The token is meant for another audience';

/** `invalid_token`: `iss` is not a configured issuer. */
export const WRONG_ISSUER = 'The token was issued by an issuer this API does not accept';

/** `invalid_token`: no key of the issuer has the token's `kid`. */
export const UNKNOWN_KID = 'No issuer key matches the token "kid"';

/** `invalid_token`: introspection answered `active: false`. */
export const NOT_ACTIVE = 'The access token is not active';
