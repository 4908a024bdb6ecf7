/**
 * Encrypted access tokens (JWE, RFC 7516) are not verified here: without the decryption key they
 * are opaque text, and sending one to the introspection endpoint of an `auto` verifier would
 * hand an encrypted token to a server that did not ask for it.
 */
import { TokenGateError } from '../errors/error.js';
import { platform } from '../platform/current.js';

const SEGMENTS = 5;

/**
 * Whether the token has the JWE compact shape: five segments, the first a JOSE header with `enc`
 * (RFC 7516 §7.1, §4.1.2).
 * @example looksLikeJwe('eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d') // => true
 */
export function looksLikeJwe(token: string): boolean {
  const end = token.indexOf('.');
  if (end <= 0 || token.split('.', SEGMENTS + 1).length !== SEGMENTS) return false;
  let header: unknown;
  try {
    header = JSON.parse(platform.base64urlText(token.slice(0, end)));
  } catch {
    return false;
  }
  return typeof header === 'object' && header !== null && !Array.isArray(header) && Object.hasOwn(header, 'enc');
}

/** The 401 for an encrypted token. */
export function encryptedTokenError(): TokenGateError {
  return new TokenGateError('invalid_token', 'Encrypted access tokens (JWE) are not supported');
}
