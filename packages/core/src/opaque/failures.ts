/**
 * How the opaque path fails. A source that cannot answer (down, slow, a 5xx or 429, an answer
 * that is not an introspection response, a throwing `resolveToken`, our own credentials refused)
 * is 503 `temporarily_unavailable`, never 401: the token may well be valid.
 */
import { TokenGateError } from '../errors/error.js';

/**
 * The opaque-token source is misconfigured: wrong client credentials, no endpoint to call.
 * Carried as the `cause` of the 503, so `onError` shows what to fix; the caller is not blamed.
 */
export class IntrospectionConfigurationError extends Error {
  override readonly name = 'IntrospectionConfigurationError';
}

const UNAVAILABLE = 'The authorization server cannot check the access token right now';

/** The 503 for a source that cannot answer; `retryAfter` in seconds. */
export function unavailable(cause: unknown, retryAfter?: number): TokenGateError {
  return new TokenGateError('temporarily_unavailable', UNAVAILABLE, { cause, ...(retryAfter === undefined ? {} : { retryAfter }) });
}

/** The 503 for a misconfigured source, with what to fix as its cause. */
export function misconfigured(message: string): TokenGateError {
  return unavailable(new IntrospectionConfigurationError(message));
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
