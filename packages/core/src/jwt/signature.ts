/**
 * The signature step, kept behind one function type so it can be swapped. The default uses
 * `node:crypto` on a `KeyObject` prepared once per key, which is several times cheaper per call
 * than going through WebCrypto.
 */
import { constants, createHmac, KeyObject, timingSafeEqual, verify, type VerifyKeyObjectInput, type VerifyPublicKeyInput } from 'node:crypto';
import { algorithmSpec, type AlgorithmSpec } from './algorithms.js';
import { keyObjectThumbprint } from '../keys/thumbprint.js';

/** A verification key made ready for one algorithm, once. */
export interface PreparedKey {
  /** The JWS algorithm this key verifies. */
  readonly alg: string;
  /** The key id it was published under, if any. */
  readonly kid: string | undefined;
  /** The key's RFC 7638 thumbprint (its identity, whatever its `kid`); `undefined` for an HMAC secret. */
  readonly thumbprint: string | undefined;
  /** The public key, or the HMAC secret. */
  readonly key: KeyObject | Uint8Array;
  /** Algorithm details. */
  readonly spec: AlgorithmSpec;
  /** The `crypto.verify` key argument, built once (padding, salt length, signature encoding). */
  readonly verifyInput: KeyObject | VerifyKeyObjectInput | VerifyPublicKeyInput | Uint8Array;
}

/**
 * Checks one signature. Must return false (not throw) for a wrong signature.
 * @example const verifier: SignatureVerifier = (key, data, signature) => myHsm.verify(key.alg, data, signature)
 */
export type SignatureVerifier = (key: PreparedKey, signingInput: Buffer, signature: Buffer) => boolean;

/** Raised when a key cannot be used with the algorithm it was selected for. */
export class KeyMismatchError extends Error {
  override readonly name = 'KeyMismatchError';
}

function checkKey(key: KeyObject, alg: string, spec: AlgorithmSpec): void {
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType;
  if ((spec.family === 'RS' || spec.family === 'PS') && (type === 'rsa' || type === 'rsa-pss')) {
    // RFC 7518 §3.3: keys of 2048 bits or larger MUST be used.
    if ((details.modulusLength ?? 0) < 2048) throw new KeyMismatchError(`${alg} needs an RSA key of at least 2048 bits`);
    return;
  }
  if (spec.family === 'ES' && type === 'ec' && details.namedCurve === spec.curve) return;
  if (spec.family === 'EdDSA' && (type === 'ed25519' || type === 'ed448')) return;
  throw new KeyMismatchError(`The key does not fit ${alg}`);
}

/** Prepare a public key (or HMAC secret) for one algorithm. Throws `KeyMismatchError` when they do not fit. */
export function prepareKey(alg: string, kid: string | undefined, key: KeyObject | Uint8Array): PreparedKey {
  const spec = algorithmSpec(alg);
  if (!spec) throw new KeyMismatchError(`Unsupported algorithm ${alg}`);
  if (spec.family === 'HS') {
    if (key instanceof KeyObject) throw new KeyMismatchError('HMAC needs a shared secret');
    return Object.freeze({ alg, kid, thumbprint: undefined, key, spec, verifyInput: key });
  }
  if (!(key instanceof KeyObject) || key.type !== 'public') throw new KeyMismatchError('A public key is required');
  checkKey(key, alg, spec);
  let verifyInput: PreparedKey['verifyInput'] = key;
  if (spec.family === 'PS') {
    // RFC 7518 §3.5: the salt is as long as the digest output.
    verifyInput = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  } else if (spec.family === 'ES') {
    // JWS carries ECDSA signatures as raw r||s (RFC 7518 §3.4), not DER.
    verifyInput = { key, dsaEncoding: 'ieee-p1363' };
  }
  return Object.freeze({ alg, kid, thumbprint: keyObjectThumbprint(key), key, spec, verifyInput });
}

/** The default `SignatureVerifier`: `node:crypto`'s one-shot `verify`, and a constant-time HMAC compare. */
export const nodeSignatureVerifier: SignatureVerifier = (prepared, signingInput, signature) => {
  const { spec } = prepared;
  if (spec.signatureLength !== 0 && signature.length !== spec.signatureLength) return false;
  if (spec.family === 'HS') {
    const mac = createHmac(spec.digest as string, prepared.key as Uint8Array).update(signingInput).digest();
    return timingSafeEqual(mac, signature);
  }
  return verify(spec.digest, signingInput, prepared.verifyInput as KeyObject, signature);
};
