/**
 * Signature checks on Node: `node:crypto`'s one-shot `verify` on a `KeyObject` prepared once per
 * key (several times cheaper per call than WebCrypto), and a constant-time HMAC compare.
 */
import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { SignatureVerifier } from '../../jwt/signature.js';

/** The default `SignatureVerifier` on Node. */
export const nodeSignatureVerifier: SignatureVerifier = (prepared, signingInput, signature) => {
  const { spec } = prepared;
  if (spec.signatureLength !== 0 && signature.length !== spec.signatureLength) return false;
  if (spec.family === 'HS') {
    const mac = createHmac(spec.digest as string, prepared.key as Uint8Array).update(signingInput).digest();
    return timingSafeEqual(mac, signature);
  }
  return verify(spec.digest, signingInput, prepared.verifyInput as KeyObject, signature);
};
