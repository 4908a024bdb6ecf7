/**
 * The parameter methods of RFC 6750 §2.2 (form body) and §2.3 (query): where an
 * `access_token` parameter may be read, and what its value must be.
 */
import { TokenGateError } from '../errors/error.js';
import type { RequestLike } from '../token/types.js';

// RFC 6750 §2.2 and §2.3 only require form encoding, so parameter tokens are not held to
// b64token; visible ASCII keeps whitespace, controls and non-ASCII out.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

function invalidRequest(description: string): TokenGateError {
  return new TokenGateError('invalid_request', description);
}

/** An own `access_token` member of a query or body object; inherited members are ignored. */
export function accessTokenParameter(source: unknown): unknown {
  if (typeof source !== 'object' || source === null) return undefined;
  return Object.hasOwn(source, 'access_token') ? (source as Record<string, unknown>).access_token : undefined;
}

/** The request's media type, lower-cased, without parameters. */
function mediaType(headers: RequestLike['headers']): string {
  const value = headers['content-type'] ?? headers['Content-Type'];
  const text = typeof value === 'string' ? value : '';
  const end = text.indexOf(';');
  return (end < 0 ? text : text.slice(0, end)).trim().toLowerCase();
}

/**
 * RFC 6750 §2.2: the form-body method needs an `application/x-www-form-urlencoded` body and is
 * never used with GET (nor HEAD, which has no body).
 */
export function formBody(request: RequestLike): unknown {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  if (mediaType(request.headers) !== 'application/x-www-form-urlencoded') return undefined;
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const prototype: unknown = Object.getPrototypeOf(body);
  return prototype === Object.prototype || prototype === null ? body : undefined;
}

export function parameterToken(value: unknown, maxTokenLength: number): string {
  if (typeof value !== 'string') {
    const several = Array.isArray(value) && value.length > 1;
    throw invalidRequest(several ? 'Request carries several access_token parameters' : 'The access_token parameter must be a string');
  }
  if (value.length === 0) throw invalidRequest('The access_token parameter is empty');
  if (value.length > maxTokenLength) throw new TokenGateError('invalid_token', 'Access token is too large');
  if (!VISIBLE_ASCII.test(value)) {
    throw invalidRequest('The access_token parameter contains whitespace, control or non-ASCII characters');
  }
  return value;
}
