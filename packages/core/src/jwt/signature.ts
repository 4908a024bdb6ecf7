/**
 * The signature step's types, kept behind one function type so it can be swapped. The runtime's
 * default (platform/) prepares each key once: a `node:crypto` `KeyObject` on Node, a WebCrypto
 * `CryptoKey` elsewhere.
 */
import type { KeyObject, VerifyKeyObjectInput, VerifyPublicKeyInput, webcrypto } from 'node:crypto';
import type { AlgorithmSpec } from './algorithms.js';

/** What WebCrypto's `verify` takes: the algorithm parameters and the key. */
export interface WebVerifyInput {
  readonly algorithm: { readonly name: string; readonly hash?: string; readonly saltLength?: number };
  readonly key: webcrypto.CryptoKey;
}

/** A verification key made ready for one algorithm, once. */
export interface PreparedKey {
  /** The JWS algorithm this key verifies. */
  readonly alg: string;
  /** The key id it was published under, if any. */
  readonly kid: string | undefined;
  /** The key's RFC 7638 thumbprint (its identity, whatever its `kid`); `undefined` for an HMAC secret. */
  readonly thumbprint: string | undefined;
  /** The public key (a `KeyObject` on Node, a `CryptoKey` on the Web build), or the HMAC secret. */
  readonly key: KeyObject | webcrypto.CryptoKey | Uint8Array;
  /** Algorithm details. */
  readonly spec: AlgorithmSpec;
  /** The runtime's verify argument, built once (`crypto.verify`'s key input on Node, `subtle.verify`'s on the Web build). */
  readonly verifyInput: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput | Uint8Array | WebVerifyInput;
}

/**
 * Checks one signature. Must answer false (not throw) for a wrong signature; may answer through a promise.
 * @example const verifier: SignatureVerifier = (key, data, signature) => myHsm.verify(key.alg, data, signature)
 */
export type SignatureVerifier = (key: PreparedKey, signingInput: Uint8Array, signature: Uint8Array) => boolean | Promise<boolean>;

/** Raised when a key cannot be used with the algorithm it was selected for. */
export class KeyMismatchError extends Error {
  override readonly name = 'KeyMismatchError';
}
