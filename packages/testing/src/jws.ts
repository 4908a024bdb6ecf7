import { Buffer } from 'node:buffer';
import { webcrypto } from 'node:crypto';
import type { SigningAlgorithm } from './algorithms.js';
import { webCryptoSignParams } from './algorithms.js';

/**
 * A JSON object used as a JWS protected header or JWT claims set.
 *
 * @example
 * ```ts
 * const header: JsonObject = { alg: 'none', typ: 'at+jwt' };
 * ```
 */
export type JsonObject = Record<string, unknown>;

/**
 * Encodes a JSON object as unpadded base64url, the way JWS segments are encoded.
 * Members whose value is `undefined` are dropped, as `JSON.stringify` does.
 *
 * @example
 * ```ts
 * base64UrlJson({ alg: 'none' }); // 'eyJhbGciOiJub25lIn0'
 * ```
 */
export function base64UrlJson(value: JsonObject): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Produces a compact JWS: `base64url(header).base64url(payload).base64url(signature)`.
 *
 * The header is serialized exactly as given (nothing is validated or added), so malformed
 * headers such as a bad `crit` or a mislabelled `alg` can be produced on purpose. The signature
 * always uses `algorithm`, whatever the header says.
 *
 * @example
 * ```ts
 * const token = await signCompact(privateKey, 'ES256', { alg: 'ES256', kid: 'k1' }, { sub: 'u' });
 * ```
 */
export async function signCompact(
  privateKey: webcrypto.CryptoKey,
  algorithm: SigningAlgorithm,
  header: JsonObject,
  payload: JsonObject,
): Promise<string> {
  return signCompactText(privateKey, algorithm, header, JSON.stringify(payload));
}

/**
 * `signCompact` with the payload given as text, signed exactly as written: JSON with duplicate
 * members, odd spacing or no JSON at all can be produced on purpose.
 *
 * @example
 * ```ts
 * const token = await signCompactText(privateKey, 'RS256', { alg: 'RS256' }, '{"aud":"a","aud":"b"}');
 * ```
 */
export async function signCompactText(
  privateKey: webcrypto.CryptoKey,
  algorithm: SigningAlgorithm,
  header: JsonObject,
  payloadText: string,
): Promise<string> {
  const signingInput = `${base64UrlJson(header)}.${Buffer.from(payloadText, 'utf8').toString('base64url')}`;
  const signature = await webcrypto.subtle.sign(
    webCryptoSignParams(algorithm),
    privateKey,
    Buffer.from(signingInput, 'ascii'),
  );
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

/**
 * Builds an unsecured JWT (`alg: none`) with an empty signature segment:
 * `base64url(header).base64url(claims).` — for testing that verifiers reject it.
 *
 * The header defaults to `{ alg: 'none', typ: 'at+jwt' }`; members of `header` override it
 * (a member set to `undefined` is removed).
 *
 * @example
 * ```ts
 * const token = mintUnsignedToken({ iss: issuer.issuer, aud: issuer.audience, sub: 'user-123' });
 * // token ends with '.' and its header is {"alg":"none","typ":"at+jwt"}
 * ```
 */
export function mintUnsignedToken(claims: JsonObject, header: JsonObject = {}): string {
  return `${base64UrlJson({ alg: 'none', typ: 'at+jwt', ...header })}.${base64UrlJson(claims)}.`;
}
