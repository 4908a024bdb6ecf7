/**
 * The JWS algorithms the test issuer can sign with.
 *
 * @example
 * ```ts
 * const alg: SigningAlgorithm = 'ES256';
 * const issuer = await createTestIssuer({ algorithm: alg });
 * ```
 */
export type SigningAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/**
 * Every {@link SigningAlgorithm}, in a stable order. Handy for parameterised tests.
 *
 * @example
 * ```ts
 * for (const algorithm of SIGNING_ALGORITHMS) {
 *   const issuer = await createTestIssuer({ algorithm });
 *   // ...
 *   await issuer.close();
 * }
 * ```
 */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

/**
 * Tells whether a value names a supported {@link SigningAlgorithm}.
 *
 * @example
 * ```ts
 * isSigningAlgorithm('ES256'); // true
 * isSigningAlgorithm('HS256'); // false
 * ```
 */
export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Web Crypto parameters for `subtle.sign`, as returned by {@link webCryptoSignParams}.
 *
 * @example
 * ```ts
 * const params: WebCryptoSignParams = { name: 'ECDSA', hash: 'SHA-256' };
 * ```
 */
export type WebCryptoSignParams =
  | { readonly name: 'RSASSA-PKCS1-v1_5' }
  | { readonly name: 'RSA-PSS'; readonly saltLength: number }
  | { readonly name: 'ECDSA'; readonly hash: string }
  | { readonly name: 'Ed25519' };

/**
 * Maps a JWS algorithm to the Web Crypto parameters that produce a JWS-compatible signature
 * (RSA-PSS salt length equal to the hash length, ECDSA in IEEE P1363 `r || s` form).
 *
 * @example
 * ```ts
 * webCryptoSignParams('PS384'); // { name: 'RSA-PSS', saltLength: 48 }
 * ```
 */
export function webCryptoSignParams(algorithm: SigningAlgorithm): WebCryptoSignParams {
  if (algorithm === 'EdDSA') return { name: 'Ed25519' };
  const bits = Number(algorithm.slice(2));
  switch (algorithm.slice(0, 2)) {
    case 'RS':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'PS':
      return { name: 'RSA-PSS', saltLength: bits / 8 };
    default:
      return { name: 'ECDSA', hash: `SHA-${bits}` };
  }
}
