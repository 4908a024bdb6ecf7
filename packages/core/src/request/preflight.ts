/**
 * CORS preflights (`OPTIONS` with `Access-Control-Request-Method`) carry no credentials by
 * design (Fetch standard): answering them 401 breaks every browser client. tokengate lets them
 * through to the application's CORS handling.
 */
import type { RequestContext } from './context.js';

/**
 * Whether the request is a CORS preflight.
 * @example isPreflight({ method: 'OPTIONS', headers: { 'access-control-request-method': 'POST' } }) // true
 */
export function isPreflight(request: RequestContext): boolean {
  if (request.method !== 'OPTIONS') return false;
  const requested = request.headers['access-control-request-method'];
  return typeof requested === 'string' ? requested !== '' : Array.isArray(requested) && requested.length > 0;
}
