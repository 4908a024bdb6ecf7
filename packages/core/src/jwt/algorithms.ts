/**
 * The JWS algorithms tokengate knows (RFC 7518 §3, RFC 8037) and how each is verified.
 */

/** Asymmetric algorithms allowed by default. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
]);

/** HMAC algorithms: only with an explicitly configured shared secret, never through a JWKS. */
export const HMAC_ALGORITHMS: readonly string[] = Object.freeze(['HS256', 'HS384', 'HS512']);

/** How one algorithm is verified with `node:crypto`. */
export interface AlgorithmSpec {
  /** Family: RSA PKCS#1 v1.5, RSA-PSS, ECDSA, EdDSA or HMAC. */
  readonly family: 'RS' | 'PS' | 'ES' | 'EdDSA' | 'HS';
  /** Digest name for `crypto.verify` / `createHmac`; null for EdDSA. */
  readonly digest: string | null;
  /** Signature length in bytes where it is fixed (ECDSA raw r||s, HMAC), else 0. */
  readonly signatureLength: number;
  /** Curve name (`namedCurve` of the key) for ECDSA. */
  readonly curve?: string;
}

const SPECS: Readonly<Record<string, AlgorithmSpec>> = Object.freeze({
  RS256: { family: 'RS', digest: 'sha256', signatureLength: 0 },
  RS384: { family: 'RS', digest: 'sha384', signatureLength: 0 },
  RS512: { family: 'RS', digest: 'sha512', signatureLength: 0 },
  PS256: { family: 'PS', digest: 'sha256', signatureLength: 0 },
  PS384: { family: 'PS', digest: 'sha384', signatureLength: 0 },
  PS512: { family: 'PS', digest: 'sha512', signatureLength: 0 },
  ES256: { family: 'ES', digest: 'sha256', signatureLength: 64, curve: 'prime256v1' },
  ES384: { family: 'ES', digest: 'sha384', signatureLength: 96, curve: 'secp384r1' },
  ES512: { family: 'ES', digest: 'sha512', signatureLength: 132, curve: 'secp521r1' },
  EdDSA: { family: 'EdDSA', digest: null, signatureLength: 0 },
  HS256: { family: 'HS', digest: 'sha256', signatureLength: 32 },
  HS384: { family: 'HS', digest: 'sha384', signatureLength: 48 },
  HS512: { family: 'HS', digest: 'sha512', signatureLength: 64 },
});

/** The verification spec of `alg`, or undefined for anything unknown (including `none`). */
export function algorithmSpec(alg: string): AlgorithmSpec | undefined {
  return Object.hasOwn(SPECS, alg) ? SPECS[alg] : undefined;
}

/** True when tokengate can verify `alg`. `none` is never supported. */
export function isSupportedAlgorithm(alg: string): boolean {
  return algorithmSpec(alg) !== undefined;
}
