import type { SigningAlgorithm } from './algorithms.js';
import type { JsonObject } from './jws.js';
import { signCompact } from './jws.js';
import type { PublicJwk, SigningKey } from './keys.js';
import { generateSigningKey } from './keys.js';

/**
 * A signing key that no test issuer publishes. Tokens it signs carry a valid signature that
 * must nevertheless fail verification against an issuer's JWKS — even when their header names
 * the issuer's current `kid`.
 *
 * @example
 * ```ts
 * const foreign = await createForeignKey();
 * const token = await issuer.mintUserToken({ signingKey: foreign }); // kid = issuer.currentKid
 * ```
 */
export interface ForeignKey {
  readonly algorithm: SigningAlgorithm;
  /** The key's own thumbprint kid (published nowhere). */
  readonly kid: string;
  /** The key's public JWK, e.g. to stand up a second, attacker-controlled JWKS. */
  readonly publicJwk: PublicJwk;
  /**
   * Signs `payload` as a compact JWS. The protected header is `{ alg: algorithm, ...header }`;
   * nothing else is added, so pass `kid` and `typ` yourself.
   */
  sign(payload: JsonObject, header?: JsonObject): Promise<string>;
}

/**
 * Options for {@link createForeignKey}.
 *
 * @example
 * ```ts
 * const options: ForeignKeyOptions = { algorithm: 'ES256' };
 * ```
 */
export interface ForeignKeyOptions {
  /** Defaults to `'RS256'`. */
  algorithm?: SigningAlgorithm;
}

/**
 * Generates a fresh key pair that is not published by any issuer.
 *
 * @example
 * ```ts
 * const foreign = await createForeignKey({ algorithm: issuer.algorithm });
 * const token = await foreign.sign(
 *   { iss: issuer.issuer, aud: issuer.audience, sub: 'user-123', exp: Math.floor(Date.now() / 1000) + 60 },
 *   { kid: issuer.currentKid, typ: 'at+jwt' },
 * );
 * await expect(jwtVerify(token, jwks)).rejects.toThrow();
 * ```
 */
export async function createForeignKey(options: ForeignKeyOptions = {}): Promise<ForeignKey> {
  const key: SigningKey = await generateSigningKey(options.algorithm ?? 'RS256');
  return {
    algorithm: key.algorithm,
    kid: key.kid,
    publicJwk: { ...key.publicJwk },
    sign: (payload, header = {}) =>
      signCompact(key.privateKey, key.algorithm, { alg: key.algorithm, ...header }, payload),
  };
}
