/**
 * Where keys, metadata and credentials may travel: over `https:`, or `http:` only to a loopback
 * host (local development and tests) or with the loud `dangerouslyAllowHttpIssuer` opt-in. Over
 * plain http to anywhere else, anyone on the path could swap the issuer's keys.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether `url` may carry keys, metadata or credentials.
 * @example isSecureUrl(new URL('http://127.0.0.1:8080/jwks'), false) // => true
 */
export function isSecureUrl(url: URL, allowHttp: boolean): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && (allowHttp || LOOPBACK_HOSTS.has(url.hostname)));
}
