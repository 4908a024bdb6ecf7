/**
 * Bearer token extraction from a structural request (RFC 6750 §2).
 */
import type { ChallengeScheme } from '../errors/challenge.js';
import { TokenGateError } from '../errors/error.js';
import type { RequestLike } from '../token/types.js';
import { accessTokenParameter, formBody, parameterToken } from './parameters.js';
import { rawHeaderCount } from './raw-headers.js';

/** Where a token may be sent: the `Authorization` header (§2.1), a form body (§2.2) or the query (§2.3). */
export type TokenMethod = 'header' | 'query' | 'body';

/** What `extractToken` accepts. */
export interface ExtractOptions {
  /** The enabled methods; a token sent by a method not listed here is ignored entirely. */
  readonly methods: ReadonlySet<TokenMethod> | readonly TokenMethod[];
  /** Longest token accepted, in characters; longer ones fail before any parsing. */
  readonly maxTokenLength: number;
  /**
   * Tells that a header token is already known to be well-formed (the verified-token cache holds
   * it), so the b64token check, linear in the token's length, can be skipped. A pure question:
   * nothing about the request is remembered.
   */
  readonly isKnownToken?: ((token: string) => boolean) | undefined;
  /** Accept `Authorization: DPoP <token>` with its `DPoP` proof header (RFC 9449 §7.1). */
  readonly dpop?: boolean | undefined;
}

/** The credentials of a request: the token and its scheme (a DPoP request's proof is read by the binding step). */
export interface Credentials {
  readonly token: string;
  readonly scheme: ChallengeScheme;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BLANK = /[ \t]/;
const CONTROL_OR_NON_ASCII = /[^\x20-\x7e]/;
const AUTHORIZATION = 'authorization';
const BEARER = 'bearer';
const DPOP = 'dpop';
const SP = 0x20;
const HTAB = 0x09;

function invalidRequest(description: string): TokenGateError {
  return new TokenGateError('invalid_request', description);
}

function tooLarge(): TokenGateError {
  return new TokenGateError('invalid_token', 'Access token is too large');
}

function isMethodList(methods: ExtractOptions['methods']): methods is readonly TokenMethod[] {
  return Array.isArray(methods);
}

function isEnabled(methods: ExtractOptions['methods'], method: TokenMethod): boolean {
  return isMethodList(methods) ? methods.includes(method) : methods.has(method);
}

function isBlank(code: number): boolean {
  return code === SP || code === HTAB;
}

function severalHeaders(): TokenGateError {
  return invalidRequest('Request carries several Authorization headers');
}

/** The one value of a header given as an array (Node's `headersDistinct`). */
function singleValue(values: readonly unknown[]): string | undefined {
  if (values.length > 1) throw severalHeaders();
  const first = values[0];
  return typeof first === 'string' ? first : undefined;
}

/**
 * The `Authorization` header value. Names are compared case-insensitively (RFC 9110 §5.1);
 * a duplicate, under any spelling, is rejected because picking one would be a guess.
 */
function readAuthorization(headers: RequestLike['headers']): string | undefined {
  let found: string | undefined;
  for (const name in headers) {
    // Only 13-character names can match, so other headers cost one length comparison.
    if (name.length !== AUTHORIZATION.length) continue;
    if (name !== AUTHORIZATION && name.toLowerCase() !== AUTHORIZATION) continue;
    // Own members only: an inherited (polluted prototype) header is not part of the request.
    if (!Object.hasOwn(headers, name)) continue;
    const value: unknown = headers[name];
    const single = typeof value === 'string' ? value : Array.isArray(value) ? singleValue(value) : undefined;
    if (single === undefined) continue;
    if (found !== undefined) throw severalHeaders();
    found = single;
  }
  return found;
}

/**
 * Index just past the (lower-case) `scheme` and its separator, or -1 for any other scheme. The
 * scheme is case-insensitive (RFC 9110 §11.1). Compared code by code so the hot path allocates nothing.
 */
function schemeStart(value: string, scheme: string): number {
  let at = 0;
  while (at < value.length && isBlank(value.charCodeAt(at))) at += 1;
  if (value.length - at < scheme.length) return -1;
  for (let i = 0; i < scheme.length; i += 1) {
    // `| 0x20` lower-cases ASCII letters; only the two cases of each letter can match.
    if ((value.charCodeAt(at + i) | 0x20) !== scheme.charCodeAt(i)) return -1;
  }
  const end = at + scheme.length;
  if (end === value.length) return end;
  return isBlank(value.charCodeAt(end)) ? end : -1;
}

function malformedHeaderToken(token: string, scheme: ChallengeScheme): TokenGateError {
  if (BLANK.test(token)) return invalidRequest(`The Authorization header must carry exactly one ${scheme} token`);
  if (CONTROL_OR_NON_ASCII.test(token)) {
    return invalidRequest(`The ${scheme} token contains control or non-ASCII characters`);
  }
  return invalidRequest(`The ${scheme} token is not a valid b64token (RFC 6750 section 2.1)`);
}

/** The token after the scheme: `1*SP` before it (RFC 9110 §11.4), trailing blanks tolerated. */
function headerToken(value: string, start: number, scheme: ChallengeScheme, options: ExtractOptions): string {
  const { maxTokenLength } = options;
  let begin = start;
  while (begin < value.length && isBlank(value.charCodeAt(begin))) begin += 1;
  let end = value.length;
  while (end > begin && isBlank(value.charCodeAt(end - 1))) end -= 1;
  if (end === begin) throw invalidRequest(`The Authorization header carries the ${scheme} scheme but no token`);
  // Size is checked before any regular expression sees the token, so huge inputs stay cheap.
  if (end - begin > maxTokenLength) throw tooLarge();
  const token = value.slice(begin, end);
  if (options.isKnownToken?.(token) === true) return token;
  if (!B64TOKEN.test(token)) throw malformedHeaderToken(token, scheme);
  return token;
}

/** The scheme of a header value and where its token starts; -1 when it is neither Bearer nor (when accepted) DPoP. */
function schemeOf(header: string | undefined, dpop: boolean): { scheme: ChallengeScheme; start: number } {
  if (header === undefined) return { scheme: 'Bearer', start: -1 };
  const start = schemeStart(header, BEARER);
  if (start >= 0 || !dpop) return { scheme: 'Bearer', start };
  return { scheme: 'DPoP', start: schemeStart(header, DPOP) };
}

/**
 * Take the credentials from a request (RFC 6750 §2; RFC 9449 §7.1 for the DPoP scheme). A
 * request with no credentials under any enabled method fails with `missing_token`, so the
 * response is a bare challenge (RFC 6750 §3.1). An `Authorization` header with another scheme
 * (`Basic …`) counts as no credentials for the same reason: it is not malformed, just not ours.
 * @throws TokenGateError `missing_token`; `invalid_request` for malformed or duplicated
 * credentials, including a token sent by more than one method (RFC 6750 §2);
 * `invalid_token` when the token is longer than `maxTokenLength`.
 * @example
 * extractCredentials({ headers: { authorization: 'Bearer mF_9.B5f-4.1JqM' } }, { methods: ['header'], maxTokenLength: 8192 })
 * // => { token: 'mF_9.B5f-4.1JqM', scheme: 'Bearer' }
 */
export function extractCredentials(request: RequestLike, options: ExtractOptions): Credentials {
  const { methods, maxTokenLength } = options;
  const header = isEnabled(methods, 'header') ? readAuthorization(request.headers) : undefined;
  if (header !== undefined && rawHeaderCount(request.rawHeaders, AUTHORIZATION) > 1) throw severalHeaders();
  const { scheme, start } = schemeOf(header, options.dpop === true);
  // With a header token, the query and body are read even where those methods are off: a token
  // there too is a second method (RFC 6750 §2), and the client must learn it leaked one.
  const inHeader = start >= 0;
  const query = inHeader || isEnabled(methods, 'query') ? accessTokenParameter(request.query) : undefined;
  const body = inHeader || isEnabled(methods, 'body') ? accessTokenParameter(formBody(request)) : undefined;
  if (inHeader && (query !== undefined || body !== undefined)) throw invalidRequest('Token sent by more than one method');
  const fromQuery = isEnabled(methods, 'query') ? query : undefined;
  const fromBody = isEnabled(methods, 'body') ? body : undefined;
  const count = (inHeader ? 1 : 0) + (fromQuery === undefined ? 0 : 1) + (fromBody === undefined ? 0 : 1);
  if (count === 0) throw new TokenGateError('missing_token', 'No access token was provided');
  if (count > 1) throw invalidRequest('Token sent by more than one method');
  if (header !== undefined && inHeader) {
    return { token: headerToken(header, start, scheme, options), scheme };
  }
  return { token: parameterToken(fromQuery !== undefined ? fromQuery : fromBody, maxTokenLength), scheme: 'Bearer' };
}

/** The token alone (see `extractCredentials`). @example extractToken(request, options) // => 'mF_9.B5f-4.1JqM' */
export function extractToken(request: RequestLike, options: ExtractOptions): string {
  return extractCredentials(request, options).token;
}
