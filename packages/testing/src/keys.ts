import type { webcrypto } from 'node:crypto';
import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { SigningAlgorithm } from './algorithms.js';

/**
 * A public JSON Web Key as published in the JWKS: key material plus `kid`, `alg` and `use`.
 *
 * @example
 * ```ts
 * const jwk: PublicJwk = issuer.currentPublicJwk();
 * jwk.kid === issuer.currentKid; // true
 * ```
 */
export type PublicJwk = JWK;

/**
 * A generated signing key pair with its key id and public JWK.
 *
 * @example
 * ```ts
 * const key: SigningKey = await generateSigningKey('ES256');
 * key.publicJwk.kid === key.kid; // true
 * ```
 */
export interface SigningKey {
  readonly algorithm: SigningAlgorithm;
  /** The key id: the RFC 7638 JWK thumbprint of the public key. */
  readonly kid: string;
  readonly privateKey: webcrypto.CryptoKey;
  readonly publicJwk: PublicJwk;
}

/**
 * Generates an extractable key pair for `algorithm` (RSA keys are 2048 bits, `EdDSA` uses
 * Ed25519) and derives its `kid` from the JWK thumbprint.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey('RS256');
 * key.publicJwk; // { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' }
 * ```
 */
export async function generateSigningKey(algorithm: SigningAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  const material = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(material, 'sha256');
  const publicJwk: PublicJwk = { ...material, kid, alg: algorithm, use: 'sig' };
  return { algorithm, kid, privateKey: privateKey as webcrypto.CryptoKey, publicJwk };
}

/**
 * The issuer's keys: one current signing key plus the previous keys still published.
 *
 * @example
 * ```ts
 * const ring = await KeyRing.create('RS256');
 * await ring.rotate(true);
 * ring.publishedKids().length; // 2
 * ```
 */
export class KeyRing {
  #current: SigningKey;
  #previous: SigningKey[] = [];

  private constructor(
    readonly algorithm: SigningAlgorithm,
    current: SigningKey,
  ) {
    this.#current = current;
  }

  /**
   * Creates a ring holding a single freshly generated key.
   *
   * @example
   * ```ts
   * const ring = await KeyRing.create('ES384');
   * ```
   */
  static async create(algorithm: SigningAlgorithm): Promise<KeyRing> {
    return new KeyRing(algorithm, await generateSigningKey(algorithm));
  }

  /** The key new tokens are signed with. */
  get current(): SigningKey {
    return this.#current;
  }

  /**
   * Makes a new key current, under a new kid or under `kid` (which withdraws the key that had it).
   * With `keepPrevious` the old keys stay published (newest first); without it only the new key is.
   *
   * @example
   * ```ts
   * await ring.rotate(false);
   * ring.publishedKids(); // [ring.current.kid]
   * ```
   */
  async rotate(keepPrevious: boolean, kid?: string): Promise<void> {
    const generated = await generateSigningKey(this.algorithm);
    // Re-keying under a kid already in use (static key names, KMS aliases) withdraws the key it had.
    const next = kid === undefined ? generated : { ...generated, kid, publicJwk: { ...generated.publicJwk, kid } };
    const kept = keepPrevious ? [this.#current, ...this.#previous] : [];
    this.#previous = kept.filter((key) => key.kid !== next.kid);
    this.#current = next;
  }

  /**
   * The kids in the JWKS, current key first.
   *
   * @example
   * ```ts
   * ring.publishedKids()[0] === ring.current.kid; // true
   * ```
   */
  publishedKids(): string[] {
    return [this.#current, ...this.#previous].map((key) => key.kid);
  }

  /**
   * Copies of the published public JWKs, current key first, ready to serve as a JWKS.
   *
   * @example
   * ```ts
   * JSON.stringify({ keys: ring.publicJwks() });
   * ```
   */
  publicJwks(): PublicJwk[] {
    return [this.#current, ...this.#previous].map((key) => ({ ...key.publicJwk }));
  }
}
